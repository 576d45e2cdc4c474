using System.Net;
using System.Net.Http.Headers;
using VirtualBanker.Api.Tests.Surfaces.Management;

namespace VirtualBanker.Api.Tests.Hosting;

/// <summary>
/// Password checks are counted by client address whatever else the request carries: a token of one's own does not buy a
/// fresh budget for guessing someone else's password (issue 27). Its own fixture: the address's bucket is shared.
/// </summary>
public sealed class SignInThrottleTests(TightLimitsFactory factory) : IClassFixture<TightLimitsFactory>
{
    [Fact]
    public async Task ASignInCarryingAToken_CountsInTheAddresssBucket()
    {
        using var admin = await Admin.ClientAsync(factory); // signs in on the management surface: another budget
        var form = () => new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "alex@bankbot.dev", ["password"] = "Wrong-Guess-1" });
        using var anonymous = factory.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/api/auth/login", form())).StatusCode);
        }

        using var withToken = factory.CreateClient();
        withToken.DefaultRequestHeaders.Authorization = admin.DefaultRequestHeaders.Authorization;
        var refused = await withToken.PostAsync("/api/auth/login", form());
        var demo = await anonymous.PostAsync("/demo/portal/login", form());

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, demo.StatusCode);
    }
}
