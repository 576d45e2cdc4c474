using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using VirtualBanker.Api.Tests.Surfaces.Management;

namespace VirtualBanker.Api.Tests.Hosting;

/// <summary>Findings of the outside security review (issue 27) that stay fixed: what answers say, and who still gets a token.</summary>
public sealed class ResponseHardeningTests(VirtualBankerFactory factory) : IClassFixture<VirtualBankerFactory>
{
    [Fact]
    public async Task AnAuthenticatedAnswer_IsNoStoreAndNoSniff()
    {
        using var client = factory.CreateClient(await factory.LoginAsync());

        using var response = await client.GetAsync("/api/auth/me");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore, response.Headers.CacheControl?.ToString());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task AnErrorAnswer_KeepsTheRateLimitAndSafetyHeaders()
    {
        using var admin = await Admin.ClientAsync(factory);

        using var missing = await admin.GetAsync($"/api/v1/agents/{Guid.NewGuid()}");
        using var invalid = await admin.PostAsJsonAsync("/v1/keys", new { label = "x", scopes = new[] { "root" } });

        foreach (var response in new[] { missing, invalid })
        {
            Assert.True((int)response.StatusCode is >= 400 and < 500, response.StatusCode.ToString());
            Assert.True(response.Headers.Contains("X-RateLimit-Limit"), $"{response.RequestMessage!.RequestUri}: no X-RateLimit-Limit");
            Assert.True(response.Headers.Contains("X-RateLimit-Remaining"));
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        }
    }

    [Fact]
    public async Task ARefusedToken_IsNotToldWhyItFailed()
    {
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4IiwiZXhwIjoxfQ.c2lnbmF0dXJl");

        using var response = await client.GetAsync("/api/auth/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = string.Join(' ', response.Headers.WwwAuthenticate.Select(h => h.ToString()));
        Assert.DoesNotContain("error_description", challenge, StringComparison.Ordinal);
        Assert.DoesNotContain("expired", challenge, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ASwitchedOffTenantsAdmin_GetsNoNewToken()
    {
        using var platform = await Admin.ClientAsync(factory);
        using var _ = await Admin.CreateTenantAsync(factory, platform, "switched-off-bank");
        Assert.True((await platform.PutAsJsonAsync("/api/v1/clients/switched-off-bank", new { active = false })).IsSuccessStatusCode);

        using var anonymous = factory.CreateClient();
        using var login = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login")
        {
            Content = JsonContent.Create(new { email = "admin@switched-off-bank.example", password = "Other-Bank-Pass-2026!" }),
        };
        login.Headers.Add("X-Client-ID", "switched-off-bank");
        using var response = await anonymous.SendAsync(login);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
