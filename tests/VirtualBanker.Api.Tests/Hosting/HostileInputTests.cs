using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VirtualBanker.Api.Tests.Surfaces.Management;
using VirtualBanker.Core.Data;

namespace VirtualBanker.Api.Tests.Hosting;

/// <summary>
/// Malformed and hostile bodies on every write endpoint of the tenancy, portal, management, workspace and
/// gateway-admin routes: always a 4xx in the surface's error shape, never a 500, and nothing stored.
/// </summary>
public sealed class HostileInputTests(VirtualBankerFactory factory) : IClassFixture<VirtualBankerFactory>
{
    /// <summary>Route, then bodies that are wrong for that route in particular (on top of the generic ones).</summary>
    public static TheoryData<string, string, string[]> Writes => new()
    {
        { "POST", "/v1/sessions", ["{\"tenant_id\":\"demo-bank\",\"auth_assertion\":\"' OR 1=1 --\"}", "{\"tenant_id\":\"../../etc\",\"auth_assertion\":\"a.b.c\"}"] },
        { "POST", "/api/v1/auth/login", ["{\"email\":\"admin@bankbot.dev' --\",\"password\":\"x\"}"] },
        { "POST", "/api/v1/agents", ["{\"name\":\"A\",\"slug\":\"nul-prompt\",\"system_prompt\":\"Be\\u0000kind\"}", "{\"name\":\"A\",\"slug\":\"a'--\"}", "{\"name\":\"A\",\"slug\":\"ok\",\"allowed_tools\":[\"rm -rf /\"]}", "{\"name\":\"A\",\"slug\":\"ok2\",\"client_id\":\"no-such-bank\"}"] },
        { "PUT", "/api/v1/agents/{agent}", ["{\"slug\":\"Not A Slug\"}", "{\"voice_settings\":{\"provider\":\"x\",\"voice_id\":\"y\",\"temperature\":99}}"] },
        { "POST", "/api/v1/clients", ["{\"id\":\"../x\",\"name\":\"X\"}", "{\"id\":\"valid-id\",\"name\":\"X\",\"settings\":{\"portal_auth\":{\"type\":\"none\",\"issuer\":\"i\",\"audience\":\"a\"}}}",
            "{\"id\":\"valid-id-2\",\"name\":\"X\",\"admin\":{\"email\":\"a@b.co\",\"password\":\"short\",\"name\":\"A\"}}"] },
        { "PUT", "/api/v1/clients/demo-bank", ["{\"settings\":{\"policy\":{\"rate_limit_per_minute\":-1}}}", "{\"settings\":{\"allowed_tools\":[\"rm -rf /\"]}}",
            "{\"settings\":{\"portal_auth\":{\"type\":\"hs256\",\"secret\":\"short\",\"issuer\":\"i\",\"audience\":\"a\"}}}", "{\"settings\":{\"livekit\":\"not an object\"}}",
            "{\"settings\":{\"portal_auth\":{\"type\":\"jwks\",\"jwks_url\":\"file:///etc/passwd\",\"issuer\":\"i\",\"audience\":\"a\"}}}"] },
        { "POST", "/v1/keys", ["{\"label\":\"k\",\"scopes\":[\"root\"]}", "{\"label\":\"k\",\"scopes\":[]}", "{\"label\":\"k\",\"scopes\":[\"chat\"],\"expires_at\":\"2001-01-01T00:00:00Z\"}"] },
        { "POST", "/api/session/create", ["{\"bot_id\":\"00000000-0000-0000-0000-000000000000\"}", "{}"] },
        { "PUT", "/api/users/me", ["{\"email\":\"x@y.z' OR 1=1 --\"}", "{\"email\":\"<script>@x.y\"}", "{}"] },
        { "POST", "/api/groups/create", ["{\"name\":\"\"}", "{\"name\":\"g\",\"member_ids\":[\"00000000-0000-0000-0000-000000000001\"]}"] },
        { "POST", "/api/groups/{group}/members", ["{\"user_id\":\"00000000-0000-0000-0000-000000000001\"}", "{}"] },
        { "POST", "/api_files_get", ["{\"paths\":[]}"] },
    };

    private static readonly string[] Generic =
    [
        "{",
        "[]",
        "null",
        "\"just a string\"",
        // NUL in otherwise valid text: SQLite stored it and PostgreSQL failed on it; both refuse it now.
        "{\"name\":\"Nul\\u0000Name\",\"slug\":\"nul-slug\",\"label\":\"nul\\u0000label\",\"id\":\"nul-id\",\"email\":\"nul@bankbot.dev\",\"first_name\":\"N\\u0000\"}",
        "{\"name\":5,\"slug\":[],\"email\":{},\"settings\":\"x\",\"scopes\":\"admin\",\"bot_id\":\"not-a-guid\",\"user_id\":7,\"paths\":\"x\",\"tenant_id\":1,\"first_name\":[]}",
        "{\"name\":\"" + new string('a', 5000) + "\",\"slug\":\"" + new string('s', 100) + "\",\"id\":\"" + new string('i', 100) + "\",\"label\":\"" + new string('b', 5000) + "\",\"email\":\"" + new string('e', 400) + "@x.y\",\"paths\":[" + string.Join(',', Enumerable.Repeat("\"p\"", 50)) + "],\"tenant_id\":\"" + new string('t', 100) + "\",\"auth_assertion\":\"" + new string('j', 9000) + "\"}",
    ];

    [Theory]
    [MemberData(nameof(Writes))]
    public async Task HostileBodies_Are4xx_InTheSurfaceShape_AndStoreNothing(string method, string route, string[] specific)
    {
        using var admin = await Admin.ClientAsync(factory);
        var agentId = JsonNode.Parse(await admin.GetStringAsync("/api/v1/agents"))!.AsArray()[0]!["id"]!.GetValue<string>();
        var group = await admin.PostAsync("/api/groups/create", new StringContent($"{{\"name\":\"hostile-{Guid.NewGuid():N}\"}}", new MediaTypeHeaderValue("application/json")));
        var groupId = JsonNode.Parse(await group.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        var path = route.Replace("{agent}", agentId, StringComparison.Ordinal).Replace("{group}", groupId, StringComparison.Ordinal);
        var before = await CountsAsync();

        foreach (var body in Generic.Concat(specific))
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(body, new MediaTypeHeaderValue("application/json")) };
            using var response = await admin.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();

            Assert.True((int)response.StatusCode is >= 400 and < 500, $"{method} {path} with {body[..Math.Min(body.Length, 60)]}: {(int)response.StatusCode} {text}");
            var json = JsonNode.Parse(text)!.AsObject();
            Assert.True(json.ContainsKey("error") || json.ContainsKey("detail"), text);
            Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        }

        Assert.Equal(before, await CountsAsync());
        Assert.DoesNotContain(factory.Logs, l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal));
    }

    private async Task<(int Tenants, int Agents, int Keys, int Groups, int Members, int Sessions)> CountsAsync()
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<VirtualBankerDbContext>();
        return (await db.Tenants.CountAsync(), await db.Agents.IgnoreQueryFilters().CountAsync(), await db.ApiKeys.IgnoreQueryFilters().CountAsync(),
            await db.Groups.IgnoreQueryFilters().CountAsync(), await db.GroupMembers.IgnoreQueryFilters().CountAsync(), await db.Sessions.IgnoreQueryFilters().CountAsync());
    }
}
