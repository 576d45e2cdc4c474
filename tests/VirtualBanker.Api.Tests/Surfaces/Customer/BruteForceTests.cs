using System.Net;
using System.Net.Http.Json;

namespace VirtualBanker.Api.Tests.Surfaces.Customer;

/// <summary>Online password guessing (OWASP API2, ASVS 2.2.1) against one account, over an hour: progressive delays, not a lockout.</summary>
public sealed class BruteForceTests(FakeClockFactory factory) : IClassFixture<FakeClockFactory>
{
    [Fact]
    public async Task AGuessEveryFiveSecondsForAnHour_GetsUnder100Checks_AndTheOwnerStillGetsInWithinAMinute()
    {
        const string email = "target@bankbot.dev", password = "Right-Password-2026";
        using var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/auth/register", new { email, password, name = "Target" })).StatusCode);

        var checkedGuesses = 0;
        for (var second = 0; second < 3600; second += 5)
        {
            using var response = await LoginAsync(client, email, $"Guess-{second:D4}-Wrong");
            Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests, $"at {second} s: {(int)response.StatusCode}");
            checkedGuesses += response.StatusCode == HttpStatusCode.Unauthorized ? 1 : 0;
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.InRange(response.Headers.RetryAfter?.Delta?.TotalSeconds ?? -1, 1, 60);
            }

            // Half-way, the owner signs in: told to wait, they wait as told (never more than a minute) and get in.
            if (second == 1800)
            {
                using var owner = await LoginAsync(client, email, password);
                var wait = owner.StatusCode == HttpStatusCode.TooManyRequests ? owner.Headers.RetryAfter!.Delta!.Value : TimeSpan.Zero;
                Assert.InRange(wait.TotalSeconds, 0, 60);
                factory.Clock.Advance(wait);
                Assert.Equal(HttpStatusCode.OK, (owner.StatusCode == HttpStatusCode.OK ? owner : await LoginAsync(client, email, password)).StatusCode);
            }

            factory.Clock.Advance(TimeSpan.FromSeconds(5));
        }

        // ASVS 2.2.1: no more than 100 failed attempts an hour on one account (here about 60 a minute apart, plus the ramps).
        Assert.InRange(checkedGuesses, 50, 100);
    }

    private static Task<HttpResponseMessage> LoginAsync(HttpClient client, string username, string password) =>
        client.PostAsync("/api/auth/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = username, ["password"] = password }));
}
