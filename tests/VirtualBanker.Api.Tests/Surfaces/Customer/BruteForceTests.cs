using System.Net;
using System.Net.Http.Json;

namespace VirtualBanker.Api.Tests.Surfaces.Customer;

/// <summary>Online password guessing (OWASP API2, ASVS 2.2.1) against one account, from one address, over an hour.</summary>
public sealed class BruteForceTests(FakeClockFactory factory) : IClassFixture<FakeClockFactory>
{
    [Fact]
    public async Task HundredGuessesInAnHour_CannotFindThePassword_EvenWhenTheLastGuessIsRight_AndEvery429HasRetryAfter()
    {
        const string email = "target@bankbot.dev", password = "Right-Password-2026";
        using var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/auth/register", new { email, password, name = "Target" })).StatusCode);

        // One guess every 36 seconds for an hour; the 100th guess is the right password.
        for (var guess = 1; guess <= 100; guess++)
        {
            using var response = await LoginAsync(client, email, guess == 100 ? password : $"Guess-{guess:D3}-Wrong");
            Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests, $"guess {guess}: {(int)response.StatusCode}");
            Assert.True(response.StatusCode != HttpStatusCode.TooManyRequests || response.Headers.RetryAfter is not null, $"guess {guess}: 429 without Retry-After");
            factory.Clock.Advance(TimeSpan.FromSeconds(36));
        }

        // The owner gets in once the lock has run out.
        factory.Clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(client, email, password)).StatusCode);
    }

    private static Task<HttpResponseMessage> LoginAsync(HttpClient client, string username, string password) =>
        client.PostAsync("/api/auth/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = username, ["password"] = password }));
}
