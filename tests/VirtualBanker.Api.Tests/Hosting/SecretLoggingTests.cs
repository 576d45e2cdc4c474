using System.Net.Http.Json;
using System.Text.Json;

namespace VirtualBanker.Api.Tests.Hosting;

/// <summary>After a full sign-in life cycle, no token, refresh token or password appears in any log line.</summary>
public sealed class SecretLoggingTests(VirtualBankerFactory factory) : IClassFixture<VirtualBankerFactory>
{
    [Fact]
    public async Task AuthLifeCycle_WritesNoSecretToTheLogs()
    {
        const string password = "Unlogged-Secret-77";
        using var client = factory.CreateClient();
        var registered = await client.PostAsJsonAsync("/api/auth/register", new { email = "quiet@bankbot.dev", password, name = "Quiet" });
        var tokens = JsonDocument.Parse(await registered.Content.ReadAsStringAsync()).RootElement;
        var refresh = tokens.GetProperty("refresh_token").GetString()!;
        await client.PostAsync("/api/auth/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "quiet@bankbot.dev", ["password"] = "Wrong-" + password }));
        await client.PostAsJsonAsync("/api/auth/refresh", new { refresh_token = refresh });
        await client.PostAsJsonAsync("/api/auth/refresh", new { refresh_token = refresh });
        using var authed = factory.CreateClient(tokens.GetProperty("access_token").GetString()!);
        await authed.GetAsync("/api/auth/me");
        await authed.PostAsync("/api/auth/logout", null);
        await authed.GetAsync("/api/auth/me");
        using var forged = factory.CreateClient("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.");
        await forged.GetAsync("/api/auth/me");

        var logs = string.Join('\n', factory.Logs);

        Assert.NotEmpty(factory.Logs);
        Assert.DoesNotContain("eyJ", logs, StringComparison.Ordinal);
        Assert.DoesNotContain(password, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(refresh, logs, StringComparison.Ordinal);
        Assert.DoesNotContain("BankBot2026!", logs, StringComparison.Ordinal);
        Assert.DoesNotContain(VirtualBankerFactory.AdminPassword, logs, StringComparison.Ordinal);
    }
}
