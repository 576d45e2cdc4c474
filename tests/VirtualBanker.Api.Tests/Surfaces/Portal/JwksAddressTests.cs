using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using VirtualBanker.Api.Tests.Surfaces.Management;

namespace VirtualBanker.Api.Tests.Surfaces.Portal;

/// <summary>
/// With the production setting, a JWKS URL that points into the server's own network is never fetched
/// (server-side request forgery): the assertion is refused. PortalSessionTests shows the same set-up
/// verifying when private hosts are allowed, as the other tests' factory does.
/// </summary>
public sealed class JwksAddressTests(JwksAddressTests.ProductionJwksFactory factory) : IClassFixture<JwksAddressTests.ProductionJwksFactory>
{
    public sealed class ProductionJwksFactory : VirtualBankerFactory
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Outbound:AllowedHosts:0"] = "" };
    }

    [Fact]
    public async Task AJwksUrlOnLoopback_IsNotFetched_AndTheAssertionIsRefused()
    {
        var portal = new PortalIssuer();
        await using var jwks = await portal.StartJwksAsync();
        using var platform = await Admin.ClientAsync(factory);
        using var _ = await Admin.CreateTenantAsync(factory, platform, "ssrf-bank");
        await Admin.ConfigureAsync(platform, "ssrf-bank", PortalIssuer.JwksSettings(jwks));

        using var anonymous = factory.CreateClient();
        var response = await anonymous.PostAsJsonAsync("/v1/sessions", new { tenant_id = "ssrf-bank", auth_assertion = portal.Rs256("u-1") });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(["error", "message"], JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject().Select(p => p.Key).Order());
    }
}
