using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace VirtualBanker.Api.Tests.Authorization;

/// <summary>
/// Function-level authorization (OWASP API5): every endpoint of the host requires authorization, or is
/// on the allow-list below with the reason it is open. A new endpoint with neither fails here, and so
/// does an allow-list entry that no longer names an open endpoint.
/// </summary>
public sealed class EndpointAuthorizationTests(VirtualBankerFactory factory) : IClassFixture<VirtualBankerFactory>
{
    private static readonly Dictionary<string, string> OpenByDesign = new()
    {
        ["GET /health"] = "readiness probe: no data beyond component status",
        ["GET /health/live"] = "liveness probe: a plain ok",
        ["GET /openapi/{documentName}.json"] = "the published API contracts",
        ["GET /asyncapi/virtualbanker.json"] = "the published WebSocket protocols",
        ["GET /docs/{documentName?}"] = "the API reference (Scalar) over those contracts",
        ["GET /docs/scalar.js"] = "the API reference's script",
        ["GET /docs/scalar.aspnetcore.js"] = "the API reference's script",
        ["GET /docs/favicon.svg"] = "the API reference's icon",
        ["POST /v1/sessions/"] = "contract 000: the bank's signed assertion is the credential",
        ["POST /api/auth/register"] = "contract 001: sign-up",
        ["POST /api/auth/login"] = "contract 001: sign-in (throttled per account and address)",
        ["POST /api/auth/refresh"] = "contract 001: the refresh token is the credential",
        ["GET /api/auth/verify-email"] = "the link in the verification mail: its single-use token is the credential",
        ["GET /api/status"] = "contract 001: public service status",
        ["POST /api/v1/auth/login"] = "contract 003: admin sign-in",
        ["GET /auth/login"] = "contract 004: starts the directory sign-in",
        ["GET /auth/callback"] = "contract 004: the directory's answer, checked by the OIDC handler",
        ["GET /auth/validate"] = "contract 004: says whether the presented session is valid, never an error",
        ["POST /demo/portal/login"] = "demo bank portal (Demo:Enabled only): its own sign-in",
        ["POST /demo/portal/logout"] = "demo bank portal: clears its cookie",
        ["GET /demo/portal/me"] = "demo bank portal: its cookie is the credential",
        ["POST /demo/portal/assertion"] = "demo bank portal: its cookie is the credential",
    };

    [Fact]
    public void EveryEndpoint_RequiresAuthorization_OrIsOpenByDesign()
    {
        var endpoints = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var open = new HashSet<string>();
        var unprotected = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var metadata = endpoint.Metadata;
            var authorized = metadata.GetOrderedMetadata<IAuthorizeData>().Count > 0 || metadata.GetOrderedMetadata<AuthorizationPolicy>().Count > 0;
            if (authorized && metadata.GetMetadata<IAllowAnonymous>() is null)
            {
                continue;
            }

            foreach (var method in metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"])
            {
                var route = $"{method} {endpoint.RoutePattern.RawText}";
                open.Add(route);
                if (!OpenByDesign.ContainsKey(route))
                {
                    unprotected.Add(route);
                }
            }
        }

        Assert.True(endpoints.Count > 90, $"only {endpoints.Count} endpoints found");
        Assert.True(unprotected.Count == 0, "Open without being on the allow-list: " + string.Join(", ", unprotected));
        Assert.Empty(OpenByDesign.Keys.Except(open));
    }
}
