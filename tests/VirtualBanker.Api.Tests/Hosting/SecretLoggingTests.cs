using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VirtualBanker.Api.Tests.Surfaces.Management;
using VirtualBanker.Core.Data;

namespace VirtualBanker.Api.Tests.Hosting;

/// <summary>After a full sign-in life cycle, no token, refresh token, API-key secret or password appears in any log line or anywhere in the database.</summary>
public sealed class SecretLoggingTests(VirtualBankerFactory factory) : IClassFixture<VirtualBankerFactory>
{
    /// <summary>
    /// A JWT: base64url JSON header and payload (both start with <c>eyJ</c>, "{\"") joined by a dot. "eyJ" alone also turns
    /// up by chance inside random base64url values (token hashes, keys): one of session 12's runs failed on such a hash.
    /// </summary>
    private const string Jwt = @"eyJ[A-Za-z0-9_-]*\.eyJ";

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

        using var admin = await Admin.ClientAsync(factory);
        var keySecret = await Admin.CreateKeyAsync(admin, "quiet-key", "chat");
        using var keyed = factory.CreateClient();
        keyed.DefaultRequestHeaders.Add("X-API-Key", keySecret);
        await keyed.GetAsync("/v1/health");

        var logs = string.Join('\n', factory.Logs);
        var dump = await DumpDatabaseAsync();

        Assert.NotEmpty(factory.Logs);
        Assert.DoesNotMatch(Jwt, logs);
        Assert.DoesNotContain(password, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(refresh, logs, StringComparison.Ordinal);
        Assert.DoesNotContain("BankBot2026!", logs, StringComparison.Ordinal);
        Assert.DoesNotContain(VirtualBankerFactory.AdminPassword, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(keySecret, logs, StringComparison.Ordinal);

        Assert.Contains("quiet@bankbot.dev", dump, StringComparison.Ordinal); // the dump does hold the data
        Assert.DoesNotMatch(Jwt, dump);
        foreach (var secret in new[] { password, refresh, keySecret, VirtualBankerFactory.AdminPassword, "BankBot2026!" })
        {
            Assert.DoesNotContain(secret, dump, StringComparison.Ordinal);
        }
    }

    /// <summary>Every value of every row of every table as text: what a stolen backup would show.</summary>
    private async Task<string> DumpDatabaseAsync()
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<VirtualBankerDbContext>();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        var dump = new StringBuilder();
        foreach (var table in db.Model.GetEntityTypes().Select(t => t.GetTableName()).OfType<string>().Distinct())
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    dump.Append(reader.GetValue(i) is byte[] bytes ? Encoding.UTF8.GetString(bytes) : reader.GetValue(i)).Append('|');
                }

                dump.AppendLine();
            }
        }

        return dump.ToString();
    }
}
