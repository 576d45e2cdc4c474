using System.Net.Http.Json;
using System.Text.RegularExpressions;
using VirtualBanker.Api.Tests.Surfaces.Management;
using VirtualBanker.Api.Tests.Surfaces.Portal;

namespace VirtualBanker.Api.Tests.Hosting;

/// <summary>
/// Every timestamp the server writes carries its offset (<c>Z</c>), whatever the store (issue 26): a walk over every GET
/// route without parameters, as an admin and as a customer, and the answers the review named (keys, capsules, groups,
/// sessions, 003's clients and agents, the portal's refreshed token, the realtime session).
/// </summary>
public sealed partial class TimestampOffsetTests(VirtualBankerFactory factory) : IClassFixture<VirtualBankerFactory>
{
    [Fact]
    public async Task NoAnswer_HasATimestampWithoutAnOffset()
    {
        using var admin = await Admin.ClientAsync(factory);
        using var customer = factory.CreateClient(await factory.LoginAsync());
        await admin.PostAsJsonAsync("/v1/keys", new { label = "timestamps", scopes = new[] { "chat" } });
        await admin.PostAsJsonAsync("/api/groups/create", new { name = "Timestamps" });
        await customer.PostAsJsonAsync("/api/session/create", new { });
        await Admin.ConfigureAsync(admin, "demo-bank", PortalIssuer.Hs256Settings());
        using var anonymous = factory.CreateClient();
        var portal = await PortalIssuer.OpenSessionAsync(anonymous, "demo-bank", PortalIssuer.Hs256("timestamp-user"));
        using var session = factory.CreateClient(portal["ephemeral_token"]!.GetValue<string>());

        var answers = new List<(string What, string Body)>
        {
            ("POST /v1/sessions", portal.ToJsonString()),
            ("POST refresh-token", await Text(await session.PostAsync($"/v1/sessions/{portal["session_id"]}/refresh-token", null))),
            ("POST /realtime_session", await Text(await admin.PostAsJsonAsync("/realtime_session", new { }))),
        };
        var routes = EndpointTable.Routes(factory.Services)
            .Where(r => r.Method == "GET" && r.Pattern.Parameters.Count == 0 && !Streaming().IsMatch(r.Pattern.RawText ?? ""))
            .Select(r => EndpointTable.Fill(r.Pattern, _ => ""))
            .Distinct();
        foreach (var path in routes)
        {
            foreach (var (who, client) in new[] { ("admin", admin), ("customer", customer) })
            {
                using var response = await client.GetAsync(path);
                if (response.Content.Headers.ContentType?.MediaType?.EndsWith("json", StringComparison.Ordinal) == true)
                {
                    answers.Add(($"{who} GET {path}", await response.Content.ReadAsStringAsync()));
                }
            }
        }

        var offsetless = answers.SelectMany(a => WithoutOffset().Matches(a.Body).Select(m => $"{a.What}: {m.Value}")).ToList();
        Assert.True(answers.Count > 40, $"only {answers.Count} answers were read");
        Assert.True(offsetless.Count == 0, string.Join('\n', offsetless.Take(20)));
    }

    private static async Task<string> Text(HttpResponseMessage response) => await response.Content.ReadAsStringAsync();

    /// <summary>An ISO date-time whose closing quote follows the seconds: no <c>Z</c>, no <c>+hh:mm</c>.</summary>
    [GeneratedRegex("\"\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?\"")]
    private static partial Regex WithoutOffset();

    /// <summary>Streams (SSE, sockets) and the directory sign-in's redirects are not JSON answers to read whole.</summary>
    [GeneratedRegex("(events|stream|/ws|^ws|/auth/)", RegexOptions.IgnoreCase)]
    private static partial Regex Streaming();
}
