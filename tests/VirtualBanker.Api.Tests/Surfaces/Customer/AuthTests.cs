using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Tenancy;

namespace VirtualBanker.Api.Tests.Surfaces.Customer;

public sealed class AuthTests(VirtualBankerFactory factory) : IClassFixture<VirtualBankerFactory>
{
    [Fact]
    public async Task Login_DocumentedDemoCustomer_ReturnsTheContractShape()
    {
        using var client = factory.CreateClient();

        var response = await LoginAsync(client, "alex@bankbot.dev", "BankBot2026!");
        var body = await ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("eyJ", body.GetProperty("access_token").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("refresh_token").GetString()));
        Assert.Equal("bearer", body.GetProperty("token_type").GetString());
        Assert.True(Guid.TryParse(body.GetProperty("user_id").GetString(), out _));
        Assert.Equal("Alex Doe", body.GetProperty("name").GetString());
        Assert.Equal("alex@bankbot.dev", body.GetProperty("email").GetString());
    }

    [Fact]
    public async Task Login_WrongPasswordAndUnknownEmail_AreTheSame401()
    {
        using var client = factory.CreateClient();

        var wrongPassword = await LoginAsync(client, "alex@bankbot.dev", "not-the-password");
        var unknownEmail = await LoginAsync(client, "nobody@bankbot.dev", "BankBot2026!");

        Assert.Equal(HttpStatusCode.Unauthorized, wrongPassword.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknownEmail.StatusCode);
        Assert.Equal((await ReadAsync(wrongPassword)).GetProperty("detail").GetString(), (await ReadAsync(unknownEmail)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Login_AfterThreeFreeFailures_EachWrongPasswordMakesTheAccountWait_WithRetryAfter_ThenTheRightOneWorks()
    {
        using var client = factory.CreateClient();
        await RegisterAsync(client, "locked@bankbot.dev", "Correct-Horse-42");
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(client, "locked@bankbot.dev", $"wrong-{i}")).StatusCode);
        }

        // The fourth wrong password costs a second: even the right one is not checked before then.
        var waiting = await LoginAsync(client, "locked@bankbot.dev", "Correct-Horse-42");
        Assert.Equal(HttpStatusCode.TooManyRequests, waiting.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), waiting.Headers.RetryAfter?.Delta);
        Assert.Equal("rate_limited", (await ReadAsync(waiting)).GetProperty("code").GetString());

        await Task.Delay(TimeSpan.FromSeconds(1.2));
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(client, "locked@bankbot.dev", "Correct-Horse-42")).StatusCode);
    }

    [Fact]
    public async Task Login_GuessesSentAtOnce_AreCheckedOneAtATime()
    {
        using var client = factory.CreateClient();
        await RegisterAsync(client, "burst@bankbot.dev", "Correct-Horse-43");

        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => LoginAsync(client, "burst@bankbot.dev", $"wrong-{i}")));

        // Every answer is a refusal; only checks that did not overlap another were run, and after three the account waits.
        Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests, ((int)a.StatusCode).ToString()));
        Assert.InRange(answers.Count(a => a.StatusCode == HttpStatusCode.Unauthorized), 1, 4);
    }

    [Fact]
    public async Task Register_NewUser_Is201AndCanSignIn_DuplicateIs409()
    {
        using var client = factory.CreateClient();

        var created = await RegisterAsync(client, "Jamie@BankBot.dev", "Sturdy-Pass-2026");
        var duplicate = await RegisterAsync(client, "jamie@bankbot.dev", "Other-Pass-2026!");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("jamie@bankbot.dev", (await ReadAsync(created)).GetProperty("email").GetString());
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(client, "jamie@bankbot.dev", "Sturdy-Pass-2026")).StatusCode);
    }

    [Fact]
    public async Task Register_WeakPassword_Is400NamingTheRule()
    {
        using var client = factory.CreateClient();

        var response = await RegisterAsync(client, "weak@bankbot.dev", "short");
        var body = await ReadAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("at least 10 characters", body.GetProperty("errors").GetProperty("password")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refresh_RotatesAndAReplayOfAnOldTokenRevokesTheFamily()
    {
        using var client = factory.CreateClient();
        var login = await ReadAsync(await LoginAsync(client, "alex@bankbot.dev", "BankBot2026!"));
        var first = login.GetProperty("refresh_token").GetString()!;

        var rotated = await client.PostAsJsonAsync("/api/auth/refresh", new { refresh_token = first });
        var second = (await ReadAsync(rotated)).GetProperty("refresh_token").GetString()!;
        var third = (await ReadAsync(await client.PostAsJsonAsync("/api/auth/refresh", new { refresh_token = second }))).GetProperty("refresh_token").GetString()!;
        var replay = await client.PostAsJsonAsync("/api/auth/refresh", new { refresh_token = first });
        var afterReplay = await client.PostAsJsonAsync("/api/auth/refresh", new { refresh_token = third });

        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        Assert.NotEqual(first, second);
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, afterReplay.StatusCode);
    }

    [Fact]
    public async Task Refresh_AsContract001Shows_ItsAnswerWithoutARefreshToken_KeepsTheClientSignedIn()
    {
        // A client written from the contract: the refresh answer has access_token and token_type, so it keeps the login's token.
        using var client = factory.CreateClient();
        var login = await ReadAsync(await LoginAsync(client, "alex@bankbot.dev", "BankBot2026!"));
        var refreshToken = login.GetProperty("refresh_token").GetString()!;

        for (var i = 0; i < 3; i++)
        {
            var refreshed = await client.PostAsJsonAsync("/api/auth/refresh", new { refresh_token = refreshToken });
            Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
            using var authed = factory.CreateClient((await ReadAsync(refreshed)).GetProperty("access_token").GetString()!);
            Assert.Equal(HttpStatusCode.OK, (await authed.GetAsync("/api/auth/me")).StatusCode);
        }
    }

    [Fact]
    public async Task Logout_RevokesTheAccessTokenAtOnceAndItsRefreshTokens()
    {
        using var anonymous = factory.CreateClient();
        var login = await ReadAsync(await LoginAsync(anonymous, "alex@bankbot.dev", "BankBot2026!"));
        using var client = factory.CreateClient(login.GetProperty("access_token").GetString()!);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/auth/me")).StatusCode);

        var logout = await client.PostAsync("/api/auth/logout", null);

        Assert.Equal("Logged out successfully", (await ReadAsync(logout)).GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/auth/me")).StatusCode);
        var refresh = await anonymous.PostAsJsonAsync("/api/auth/refresh", new { refresh_token = login.GetProperty("refresh_token").GetString() });
        Assert.Equal(HttpStatusCode.Unauthorized, refresh.StatusCode);
    }

    [Fact]
    public async Task Me_ReturnsTheProfileWithAPersonalityFromTheData()
    {
        using var client = factory.CreateClient(await factory.LoginAsync());

        var body = await ReadAsync(await client.GetAsync("/api/auth/me"));

        Assert.Equal("alex@bankbot.dev", body.GetProperty("email").GetString());
        Assert.Equal("Alex Doe", body.GetProperty("name").GetString());
        Assert.Contains(body.GetProperty("financial_personality").GetString(),
            new[] { "Steady Saver", "Balanced Investor", "Experience Spender", "Budget Balancer", "Spending Above Income" });
    }

    public static TheoryData<string> ForgedTokens() => new() { "alg-none", "hs256", "stripped", "wrong-issuer", "wrong-audience", "expired", "id-token-type", "jku-attacker-key" };

    [Theory]
    [MemberData(nameof(ForgedTokens))]
    public async Task ForgedOrMisusedToken_Is401(string kind)
    {
        var token = Forge(kind);
        using var client = factory.CreateClient(token);

        var response = await client.GetAsync("/api/auth/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ApiKey_VerifiedThroughThePipeline_RevokedOrForeignIsRefused()
    {
        CreatedApiKey created;
        using (var scope = factory.Services.CreateScope())
        {
            scope.ServiceProvider.GetRequiredService<TenantContext>().UseTenant("demo-bank");
            created = await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync("test", ["chat"], null, null, CancellationToken.None);
        }

        async Task<HttpStatusCode> CallAsync(string key, string? clientId = null)
        {
            using var client = factory.CreateClient();
            var request = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me");
            request.Headers.Add("X-API-Key", key);
            if (clientId is not null)
            {
                request.Headers.Add("X-Client-ID", clientId);
            }

            return (await client.SendAsync(request)).StatusCode;
        }

        // A valid key authenticates but is not a customer: 403, where a bad key is 401.
        Assert.Equal(HttpStatusCode.Forbidden, await CallAsync(created.Secret));
        Assert.Equal(HttpStatusCode.Forbidden, await CallAsync(created.Secret, "demo-bank"));
        Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync(created.Secret, "other-bank"));
        Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync(created.Secret[..^2] + "xx"));

        using (var scope = factory.Services.CreateScope())
        {
            scope.ServiceProvider.GetRequiredService<TenantContext>().UseTenant("demo-bank");
            await scope.ServiceProvider.GetRequiredService<ApiKeyService>().RevokeAsync(created.Key.Id, CancellationToken.None);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync(created.Secret));
    }

    private string Forge(string kind)
    {
        var keys = factory.Service<SigningKeyStore>();
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object> { ["sub"] = Guid.NewGuid().ToString(), ["tid"] = "demo-bank", ["role"] = new[] { "platform_admin" } };
        SecurityTokenDescriptor Descriptor(SigningCredentials credentials, string issuer = "virtualbanker", string audience = "virtualbanker-api", string type = "at+jwt", DateTime? expires = null) => new()
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now.AddMinutes(-30),
            NotBefore = now.AddMinutes(-30),
            Expires = expires ?? now.AddMinutes(10),
            TokenType = type,
            Claims = claims,
            SigningCredentials = credentials,
        };
        var ours = new SigningCredentials(keys.Current, SecurityAlgorithms.EcdsaSha256);
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        string Encode(object o) => Base64UrlEncoder.Encode(JsonSerializer.Serialize(o));
        var payload = Encode(new { sub = claims["sub"], tid = "demo-bank", iss = "virtualbanker", aud = "virtualbanker-api", exp = new DateTimeOffset(now.AddMinutes(10)).ToUnixTimeSeconds() });

        switch (kind)
        {
            case "alg-none":
                return $"{Encode(new { alg = "none", typ = "at+jwt" })}.{payload}.";
            case "hs256":
                return handler.CreateToken(Descriptor(new SigningCredentials(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)), SecurityAlgorithms.HmacSha256)));
            case "stripped":
                var valid = handler.CreateToken(Descriptor(ours));
                return valid[..(valid.LastIndexOf('.') + 1)];
            case "wrong-issuer":
                return handler.CreateToken(Descriptor(ours, issuer: "https://evil.example"));
            case "wrong-audience":
                return handler.CreateToken(Descriptor(ours, audience: "another-api"));
            case "expired":
                return handler.CreateToken(Descriptor(ours, expires: now.AddSeconds(-61)));
            case "id-token-type":
                return handler.CreateToken(Descriptor(ours, type: "JWT"));
            case "jku-attacker-key":
                var attacker = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = keys.Current.KeyId };
                var descriptor = Descriptor(new SigningCredentials(attacker, SecurityAlgorithms.EcdsaSha256));
                descriptor.AdditionalHeaderClaims = new Dictionary<string, object> { ["jku"] = "https://evil.example/jwks.json" };
                return handler.CreateToken(descriptor);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    private static Task<HttpResponseMessage> LoginAsync(HttpClient client, string username, string password) =>
        client.PostAsync("/api/auth/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = username, ["password"] = password }));

    private static Task<HttpResponseMessage> RegisterAsync(HttpClient client, string email, string password) =>
        client.PostAsJsonAsync("/api/auth/register", new { email, password, name = "Test User" });

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
}
