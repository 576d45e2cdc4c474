using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using VirtualBanker.Api.Tests.Surfaces.Management;

namespace VirtualBanker.Api.Tests.Hosting;

/// <summary>A gateway limit small enough to reach in a test, in an hour-long window (no window boundary inside the test).</summary>
public sealed class SmallGatewayLimitFactory : VirtualBankerFactory
{
    public const int Limit = 40;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RateLimits:Gateway:Limit"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RateLimits:Gateway:WindowSeconds"] = "3600",
    };
}

/// <summary>Tenant A's machine flooding the API is limited on its own; tenant B, calling at the same time, is served in full.</summary>
public sealed class TenantFloodTests(SmallGatewayLimitFactory factory) : IClassFixture<SmallGatewayLimitFactory>
{
    [Fact]
    public async Task Flood_FromOneTenantsKey_IsLimited_WhileAnotherTenantKeepsFullService()
    {
        using var platform = await Admin.ClientAsync(factory);
        using var adminB = await Admin.CreateTenantAsync(factory, platform, "flood-b");
        using var keyA = await KeyClientAsync(platform);
        using var keyB = await KeyClientAsync(adminB);

        var flood = Enumerable.Range(0, 200).Select(_ => keyA.GetAsync("/v1/keys")).ToList();
        var fair = new List<HttpResponseMessage>();
        for (var i = 0; i < SmallGatewayLimitFactory.Limit - 5; i++)
        {
            fair.Add(await keyB.GetAsync("/v1/keys"));
        }

        var flooded = await Task.WhenAll(flood);

        Assert.All(fair, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(SmallGatewayLimitFactory.Limit, flooded.Count(r => r.StatusCode == HttpStatusCode.OK));
        var refused = flooded.Where(r => r.StatusCode != HttpStatusCode.OK).ToList();
        Assert.Equal(200 - SmallGatewayLimitFactory.Limit, refused.Count);
        Assert.All(refused, r =>
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode);
            Assert.True(r.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        });
    }

    /// <summary>A client authenticating with a fresh admin-scoped key of the caller's tenant.</summary>
    private async Task<HttpClient> KeyClientAsync(HttpClient admin)
    {
        var created = await admin.PostAsJsonAsync("/v1/keys", new { label = "flood", scopes = new[] { "admin" } });
        var body = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        Assert.True(created.IsSuccessStatusCode, body.ToJsonString());
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-API-Key", body["secret"]!.GetValue<string>());
        return client;
    }
}
