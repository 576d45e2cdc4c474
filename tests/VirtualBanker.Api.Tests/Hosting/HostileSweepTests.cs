using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VirtualBanker.Api.Tests.Surfaces.Management;
using VirtualBanker.Core.Data;

namespace VirtualBanker.Api.Tests.Hosting;

/// <summary>On a real port, so requests pass Kestrel's own parsing; limits off, as a 429 would hide what the endpoint does with the input.</summary>
public sealed class UnlimitedKestrelFactory : KestrelFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["RateLimits:Enabled"] = "false" };
}

/// <summary>
/// Generated from the endpoint table, so a new endpoint is covered the day it is mapped: every route, as
/// an anonymous caller, a customer and a platform admin, with hostile ids in every route parameter,
/// hostile query strings and hostile bodies (malformed, wrong types, huge, deeply nested, invalid UTF-8,
/// injection strings). Each answer is a 4xx in its surface's error shape — never a 5xx or exception
/// text — and no table gains or loses a row.
/// </summary>
public sealed class HostileSweepTests(UnlimitedKestrelFactory factory) : IClassFixture<UnlimitedKestrelFactory>
{
    /// <summary>Ids that are wrong in every way an id can be; each replaces all route parameters of a route at once.</summary>
    private static readonly string[] HostileIds =
    [
        "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "..%5c..%5cwindows",
        "' OR '1'='1",
        "1;DROP TABLE users--",
        "<script>alert(1)</script>",
        "-1",
        "99999999999999999999999999",
        "00000000-0000-0000-0000-000000000000",
        "%C3%28%FF",
        "%00",
        new string('x', 3000),
    ];

    private const string HostileQuery =
        "?page=-1&limit=99999999999999999999&months=abc&user_id=' OR 1=1 --&category=<script>&type=%FF%FE&amount=-1e400" +
        "&since=not-a-date&last_event_id=-5&access_token=eyJhbGciOiJub25lIn0.e30.&status=%00&client_id=../x&active=maybe";

    /// <summary>Bodies for writes, each with its content type; wrong for every route (no route takes an empty array or a bare string).</summary>
    private static readonly (string ContentType, byte[] Body)[] HostileBodies =
    [
        ("application/json", "{"u8.ToArray()),
        ("application/json", "[]"u8.ToArray()),
        ("application/json", "\"just a string\""u8.ToArray()),
        ("application/json", Encoding.UTF8.GetBytes(new string('[', 10_000) + new string(']', 10_000))),
        ("application/json", Encoding.UTF8.GetBytes("{\"a\":" + string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 201))),
        ("application/json", InvalidUtf8In("message", "email", "name", "first_name", "bot_id", "tenant_id", "label", "slug", "id", "refresh_token", "auth_assertion", "merchant")),
        ("application/json", Encoding.UTF8.GetBytes("{\"name\":5,\"slug\":[],\"email\":{},\"settings\":\"x\",\"scopes\":\"admin\",\"bot_id\":\"not-a-guid\"," +
            "\"user_id\":7,\"amount\":\"1e400\",\"months\":-99999999999,\"message\":{\"$ne\":null},\"session_id\":[],\"tenant_id\":\"other-bank\"," +
            "\"role\":\"platform_admin\",\"balance\":1e308,\"password\":null,\"refresh_token\":12}")),
        ("application/json", Encoding.UTF8.GetBytes("{\"message\":\"" + new string('m', 200_000) + "\",\"name\":\"" + new string('n', 200_000) + "\"}")),
        ("application/x-www-form-urlencoded", "username=%FF%FE' OR 1=1 --&password[]=x&grant_type=<script>"u8.ToArray()),
        ("text/plain", "DROP TABLE users;"u8.ToArray()),
    ];

    /// <summary>A JSON object whose named string fields all hold bytes that are not UTF-8.</summary>
    private static byte[] InvalidUtf8In(params string[] fields) =>
        [.. "{"u8, .. fields.SelectMany((f, i) => (byte[])[.. Encoding.UTF8.GetBytes((i == 0 ? "" : ",") + $"\"{f}\":\""), 0xC3, 0x28, 0xFF, 0xFE, (byte)'"']), .. "}"u8];

    [Fact]
    public async Task EveryEndpoint_AnswersHostileInputWith4xxInItsShape_AndStoresNothing()
    {
        var routes = EndpointTable.Routes(factory.Services)
            .Where(r => !r.Pattern.RawText!.StartsWith("/docs", StringComparison.Ordinal) && !r.Pattern.RawText.StartsWith("/openapi", StringComparison.Ordinal))
            .OrderBy(r => r.Pattern.RawText!.EndsWith("/logout", StringComparison.Ordinal)) // sign-outs last: they end the callers' sessions
            .ToList();
        using var anonymous = factory.CreateClient();
        using var customer = factory.CreateClient(await factory.LoginAsync());
        using var admin = await Admin.ClientAsync(factory);
        using var forged = factory.CreateClient(ForgedPlatformAdminToken());
        // The one action that takes no input at all and stores something (a caller's realtime session, got or
        // created) runs once up front, so its legitimate row is in the baseline.
        await customer.PostAsync("/realtime_session", null);
        await admin.PostAsync("/realtime_session", null);
        var before = await CountRowsAsync();
        var profile = await customer.GetStringAsync("/api/users/me");
        var failures = new List<string>();
        var sent = 0;
        var signingOut = false;

        foreach (var (method, pattern) in routes)
        {
            if (pattern.RawText!.EndsWith("/logout", StringComparison.Ordinal) && !signingOut)
            {
                signingOut = true;
                // Still signed in after everything but the sign-outs: nothing hostile ended the sessions early.
                Assert.Equal(System.Net.HttpStatusCode.OK, (await customer.GetAsync("/api/auth/me")).StatusCode);
                Assert.Equal(System.Net.HttpStatusCode.OK, (await admin.GetAsync("/api/v1/agents")).StatusCode);
            }

            foreach (var request in Requests(method, pattern))
            {
                var anonymousStatus = 0;
                foreach (var (caller, client) in new[] { ("anonymous", anonymous), ("forged", forged), ("customer", customer), ("admin", admin) })
                {
                    using var message = request();
                    var what = $"{caller} {method} {message.RequestUri?.OriginalString[..Math.Min(message.RequestUri.OriginalString.Length, 120)]}";
                    using var response = await client.SendAsync(message);
                    var text = await response.Content.ReadAsStringAsync();
                    sent++;
                    // A NUL in the path is refused by Kestrel's request-line parser (a bare 400) before any of our code runs.
                    var refusedByKestrel = message.RequestUri!.OriginalString.Contains("%00", StringComparison.Ordinal) && (int)response.StatusCode == 400 && text.Length == 0;
                    if (caller == "anonymous")
                    {
                        anonymousStatus = (int)response.StatusCode;
                    }
                    else if (caller == "forged" && (int)response.StatusCode != anonymousStatus)
                    {
                        failures.Add($"{what}: a forged token got {(int)response.StatusCode} where no token gets {anonymousStatus}");
                    }

                    if (!refusedByKestrel && Problem((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, text) is { } problem)
                    {
                        failures.Add($"{what}: {problem}");
                    }
                }
            }
        }

        Assert.True(sent > 2_000, $"only {sent} requests were generated");
        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} hostile requests were answered wrongly:\n" + string.Join('\n', failures.Take(40)));
        var after = await CountRowsAsync();
        Assert.True(before.SequenceEqual(after), "Rows changed: " + string.Join(", ", before.Where(b => after[b.Key] != b.Value).Select(b => $"{b.Key} {b.Value} → {after[b.Key]}")));
        using var again = factory.CreateClient(await factory.LoginAsync());
        Assert.Equal(profile, await again.GetStringAsync("/api/users/me"));
        Assert.DoesNotContain(factory.Logs, l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal));
    }

    /// <summary>The variants for one route: hostile ids (with the hostile query on the first), then hostile bodies on a well-formed path.</summary>
    private static IEnumerable<Func<HttpRequestMessage>> Requests(string method, RoutePattern pattern)
    {
        var hasParameters = pattern.Parameters.Count > 0;
        var ids = hasParameters ? HostileIds : [""];
        for (var i = 0; i < ids.Length; i++)
        {
            var path = Fill(pattern, ids[i]) + (i == 0 ? HostileQuery : "");
            yield return () => new HttpRequestMessage(new HttpMethod(method), path);
        }

        if (method is "POST" or "PUT" or "PATCH")
        {
            var wellFormed = Fill(pattern, Guid.NewGuid().ToString());
            foreach (var (contentType, body) in HostileBodies)
            {
                yield return () => new HttpRequestMessage(new HttpMethod(method), wellFormed)
                {
                    Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue(contentType) } },
                };
            }
        }

    }

    /// <summary>The route with every parameter set to <paramref name="id"/>, escaped unless it is already (the percent-encoded hostile ids).</summary>
    private static string Fill(RoutePattern pattern, string id) =>
        EndpointTable.Fill(pattern, _ => id.Contains('%', StringComparison.Ordinal) ? id : Uri.EscapeDataString(id));

    /// <summary>An unsigned (<c>alg: none</c>) token claiming everything: it must get exactly what no token gets.</summary>
    private static string ForgedPlatformAdminToken()
    {
        static string Part(object value) => Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(JsonSerializer.Serialize(value));
        var claims = new Dictionary<string, object>
        {
            ["iss"] = "virtualbanker", ["aud"] = "virtualbanker", ["sub"] = Guid.NewGuid().ToString(), ["tenant_id"] = "demo-bank",
            ["role"] = new[] { "platform_admin", "tenant_admin", "customer" }, ["scope"] = "admin chat ingest", ["exp"] = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds(),
        };
        return $"{Part(new { alg = "none", typ = "JWT" })}.{Part(claims)}.";
    }

    /// <summary>Why an answer is wrong, or null when it is a clean refusal (or a success that stores nothing, checked after).</summary>
    private static string? Problem(int status, string? mediaType, string text)
    {
        if (status >= 500)
        {
            return $"{status} {Shorten(text)}";
        }

        if (text.Contains("Exception", StringComparison.Ordinal) || text.Contains("   at ", StringComparison.Ordinal))
        {
            return $"exception text in the answer: {Shorten(text)}";
        }

        if (text.Contains("The field ", StringComparison.Ordinal) || text.Contains(" field is required", StringComparison.Ordinal))
        {
            return $"the framework's validation wording instead of ours: {Shorten(text)}";
        }

        if (status < 400 || mediaType is not ("application/json" or "application/problem+json"))
        {
            return status < 400 ? null : $"{status} with a {mediaType ?? "missing"} body: {Shorten(text)}";
        }

        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;
        var shaped = root.ValueKind == JsonValueKind.Object &&
            (root.TryGetProperty("error", out _) || root.TryGetProperty("detail", out _) || root.TryGetProperty("title", out _));
        return shaped ? null : $"{status} not in an error shape: {Shorten(text)}";
    }

    private static string Shorten(string text) => text.Length > 200 ? text[..200] + "…" : text;

    /// <summary>The row count of every table, so any stored row (or deleted one) shows.</summary>
    private async Task<Dictionary<string, int>> CountRowsAsync()
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<VirtualBankerDbContext>();
        var counts = new Dictionary<string, int>();
        foreach (var table in db.Model.GetEntityTypes().Select(t => t.GetTableName()).OfType<string>().Distinct())
        {
#pragma warning disable EF1002 // the table names come from the model, not from input
            counts[table] = await db.Database.SqlQueryRaw<int>($"SELECT COUNT(*) AS \"Value\" FROM \"{table}\"").SingleAsync();
#pragma warning restore EF1002
        }

        return counts;
    }
}
