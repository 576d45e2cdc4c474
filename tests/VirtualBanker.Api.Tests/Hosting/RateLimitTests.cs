using System.Net;
using System.Text.Json;

namespace VirtualBanker.Api.Tests.Hosting;

/// <summary>
/// Tiny limits in hour-long windows: with a minute window, a clock-aligned window boundary falling inside
/// a test (the sign-in test takes ~2 s of password hashing) would reset the count and make it flaky.
/// </summary>
public sealed class TightLimitsFactory : VirtualBankerFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RateLimits:Customer:Limit"] = "3",
        ["RateLimits:Customer:WindowSeconds"] = "3600",
        ["RateLimits:Portal:Limit"] = "2",
        ["RateLimits:Portal:WindowSeconds"] = "3600",
        ["RateLimits:Management:Limit"] = "2",
        ["RateLimits:Management:WindowSeconds"] = "3600",
        ["RateLimits:WorkspaceAnonymous:Limit"] = "2",
        ["RateLimits:CustomerAuth:Limit"] = "3",
        ["RateLimits:CustomerAuth:WindowSeconds"] = "3600",
    };
}

public sealed class RateLimitTests(TightLimitsFactory factory) : IClassFixture<TightLimitsFactory>
{
    [Fact]
    public async Task Customer_CountsDownInHeadersThenRefusesWith429AndRetryAfter()
    {
        using var client = factory.CreateClient();
        var remaining = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var ok = await client.GetAsync("/api/status");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("3", ok.Headers.GetValues("X-RateLimit-Limit").Single());
            remaining.Add(ok.Headers.GetValues("X-RateLimit-Remaining").Single());
            var reset = long.Parse(ok.Headers.GetValues("X-RateLimit-Reset").Single(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(reset, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds() + 1);
        }

        var refused = await client.GetAsync("/api/status");

        Assert.Equal(["2", "1", "0"], remaining);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal("0", refused.Headers.GetValues("X-RateLimit-Remaining").Single());
        var body = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("rate_limited", body.GetProperty("code").GetString());
        Assert.Equal(429, body.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Portal_429_IsErrorMessageShape()
    {
        var body = await ExhaustAsync("/v1/sessions/none/refresh-token", limit: 2);

        Assert.Equal("Too Many Requests", body.GetProperty("error").GetString());
        Assert.True(body.TryGetProperty("message", out _));
    }

    [Fact]
    public async Task Management_429_IsDetailShape()
    {
        var body = await ExhaustAsync("/api/v1/agents-none", limit: 2);

        Assert.Equal(429, body.GetProperty("status_code").GetInt32());
        Assert.Equal("rate_limited", body.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Workspace_429_IsRateLimitedCode()
    {
        var body = await ExhaustAsync("/api/groups/none", limit: 2);

        Assert.Equal("RATE_LIMITED", body.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task SignIn_RepeatedFromOneAddress_IsSlowedDownWhateverTheAccount()
    {
        using var client = factory.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            var response = await client.PostAsync("/api/auth/login", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["username"] = $"guess{i}@bankbot.dev",
                ["password"] = "wrong-password",
            }));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task Health_IsNeverLimited()
    {
        using var client = factory.CreateClient();
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        }
    }

    private async Task<JsonElement> ExhaustAsync(string path, int limit)
    {
        using var client = factory.CreateClient();
        for (var i = 0; i < limit; i++)
        {
            Assert.NotEqual(HttpStatusCode.TooManyRequests, (await client.GetAsync(path)).StatusCode);
        }

        var refused = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        return JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
    }
}
