using System.Net;
using VirtualBanker.Api.Tests.Surfaces.Portal;

namespace VirtualBanker.Api.Tests.Hosting;

/// <summary>Verified access tokens are remembered (CachingJsonWebTokenHandler), but never past their expiry, and never instead of the revocation check.</summary>
public sealed class AccessTokenCacheTests(FakeClockFactory factory) : IClassFixture<FakeClockFactory>
{
    [Fact]
    public async Task ARememberedToken_IsRefusedOnceItExpires_OnTheHostsClock()
    {
        using var client = factory.CreateClient(await factory.LoginAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/auth/me")).StatusCode);

        factory.Clock.Advance(TimeSpan.FromMinutes(17)); // 15-minute tokens, 60 s of allowed skew

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/auth/me")).StatusCode);
    }

    [Fact]
    public async Task ARememberedToken_IsRefusedAtOnceAfterLogout()
    {
        using var client = factory.CreateClient(await factory.LoginAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/auth/me")).StatusCode);

        Assert.True((await client.PostAsync("/api/auth/logout", null)).IsSuccessStatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/auth/me")).StatusCode);
    }
}
