using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace VirtualBanker.Api.Tests;

/// <summary>The host's endpoint table, for the tests generated from it: a new endpoint is covered the day it is mapped.</summary>
internal static class EndpointTable
{
    /// <summary>Every route, once per HTTP method it answers.</summary>
    public static IEnumerable<(string Method, RoutePattern Pattern)> Routes(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (m, e.RoutePattern)));

    /// <summary>A concrete path for a route, each parameter replaced by <paramref name="value"/> (inserted as given: escape it first if it needs it).</summary>
    public static string Fill(RoutePattern pattern, Func<RoutePatternParameterPart, string> value)
    {
        var segments = pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart parameter => value(parameter),
            _ => "",
        })));
        return "/" + string.Join('/', segments);
    }
}
