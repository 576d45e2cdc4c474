using Scalar.AspNetCore;

namespace VirtualBanker.Api.Hosting;

internal static class OpenApiExtensions
{
    /// <summary>One OpenAPI document per surface (/openapi/{surface}.json), all browsable at /docs.</summary>
    public static WebApplicationBuilder AddVirtualBankerOpenApi(this WebApplicationBuilder builder)
    {
        foreach (var surface in Enum.GetValues<ApiSurface>())
        {
            builder.Services.AddOpenApi(surface.DocumentName());
        }

        return builder;
    }

    public static WebApplication MapVirtualBankerDocs(this WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference("/docs", o =>
        {
            o.WithTitle("VirtualBanker API");
            foreach (var surface in Enum.GetValues<ApiSurface>())
            {
                o.AddDocument(surface.DocumentName(), surface.ToString());
            }
        }).AllowAnonymous();
        return app;
    }
}
