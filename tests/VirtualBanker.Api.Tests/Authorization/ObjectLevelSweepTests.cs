using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing.Patterns;
using VirtualBanker.Api.Tests.Surfaces.Management;
using VirtualBanker.Api.Tests.Surfaces.Portal;

namespace VirtualBanker.Api.Tests.Authorization;

/// <summary>
/// Object-level authorization (OWASP API1), generated from the endpoint table: every route, with the victim's
/// ids in its route parameters, its query (<c>session_id</c>, <c>user_id</c>) and its body, called by callers
/// who must not reach them — another tenant's admin, key and portal session, and another customer of the
/// same bank. A victim's id in the path is always refused (4xx), no answer or socket frame carries the
/// victim's data, and afterwards the victim's conversations (not one event more), notification, agent,
/// group, key and portal session are as they were.
/// </summary>
public sealed class ObjectLevelSweepTests(VirtualBankerFactory factory) : IClassFixture<VirtualBankerFactory>
{
    /// <summary>Route parameters that name a catalog entry or a setting, not an object anyone owns.</summary>
    private static readonly HashSet<string> NotObjectIds = ["capsuleId", "role", "deploymentMode", "documentName"];

    [Fact]
    public async Task NoCallerReachesAnotherOwnersObjects_ThroughAnyRoute()
    {
        var victim = await Victim.CreateAsync(factory);
        var attackers = await AttackersAsync();
        var routes = EndpointTable.Routes(factory.Services)
            .Where(r => r.Pattern.Parameters.All(p => !NotObjectIds.Contains(p.Name)))
            .Where(r => !r.Pattern.RawText!.EndsWith("/logout", StringComparison.Ordinal)) // would only sign the attacker out
            .ToList();
        var failures = new List<string>();
        var sent = 0;

        foreach (var (method, pattern) in routes)
        {
            foreach (var sessionId in victim.SessionIds)
            {
                var path = Fill(pattern, victim, sessionId) + $"?session_id={sessionId}&user_id={victim.CustomerId}";
                foreach (var (name, authorize) in attackers)
                {
                    sent++;
                    if (pattern.RawText!.Contains("/stream", StringComparison.Ordinal) || pattern.RawText.StartsWith("/ws/", StringComparison.Ordinal)
                        || pattern.RawText.StartsWith("/v1/realtime/", StringComparison.Ordinal) || pattern.RawText.EndsWith("/ws", StringComparison.Ordinal))
                    {
                        if (await SocketLeakAsync(path, authorize, victim) is { } leak)
                        {
                            failures.Add($"{name} WS {path}: {leak}");
                        }

                        continue;
                    }

                    using var client = factory.CreateClient();
                    authorize(client.DefaultRequestHeaders);
                    using var request = new HttpRequestMessage(new HttpMethod(method), path);
                    if (method is "POST" or "PUT" or "PATCH")
                    {
                        request.Content = JsonContent.Create(new
                        {
                            session_id = sessionId, user_id = victim.CustomerId, message = "hello", action = "open", name = "renamed", description = "renamed",
                            email = "attacker@example.com", first_name = "Mallory", bot_id = victim.AgentId, mode = "text",
                        });
                    }

                    using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                    using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel.Token);
                    var text = (int)response.StatusCode < 300 && response.Content.Headers.ContentType?.MediaType == "text/event-stream"
                        ? "(an event stream was opened)"
                        : await response.Content.ReadAsStringAsync(cancel.Token);
                    // An id in the path names the object acted on: only a refusal is right. Ids in the query or body are
                    // ignored by routes that act on the caller's own data (their own profile, their own session): a success
                    // is right there, as long as it shows nothing of the victim's and changes nothing of it (checked after).
                    var refused = (int)response.StatusCode is >= 400 and < 500;
                    if ((pattern.Parameters.Count > 0 && !refused) || (int)response.StatusCode >= 500 || victim.Leaks(text))
                    {
                        failures.Add($"{name} {method} {path}: {(int)response.StatusCode} {text[..Math.Min(text.Length, 160)]}");
                    }
                }
            }
        }

        Assert.True(sent > 500, $"only {sent} requests were generated");
        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} reached the victim's objects:\n" + string.Join('\n', failures.Take(40)));
        await victim.AssertUntouchedAsync(factory);
    }

    /// <summary>Tenant B's admin, B's admin key and a portal session of B; and a second customer of the victim's own bank.</summary>
    private async Task<List<(string Name, Action<HttpRequestHeaders> Authorize)>> AttackersAsync()
    {
        using var platform = await Admin.ClientAsync(factory);
        var tenant = $"rival-{Guid.NewGuid():N}"[..20];
        using var adminB = await Admin.CreateTenantAsync(factory, platform, tenant);
        await Admin.ConfigureAsync(adminB, tenant, PortalIssuer.Hs256Settings());
        var keyB = await Admin.CreateKeyAsync(adminB, "rival key", "admin", "chat", "sessions", "realtime", "transactions:ingest");
        using var anonymous = factory.CreateClient();
        var portalB = (await PortalIssuer.OpenSessionAsync(anonymous, tenant, PortalIssuer.Hs256("rival-portal-user")))["ephemeral_token"]!.GetValue<string>();
        var registered = await anonymous.PostAsJsonAsync("/api/auth/register", new { email = $"other-{Guid.NewGuid():N}@bankbot.dev", password = "Other-Customer-2026!", name = "Other Customer" });
        var otherCustomer = JsonNode.Parse(await registered.Content.ReadAsStringAsync())!["access_token"]!.GetValue<string>();
        var adminBToken = adminB.DefaultRequestHeaders.Authorization!.Parameter!;
        return
        [
            ("tenant B admin", h => h.Authorization = new AuthenticationHeaderValue("Bearer", adminBToken)),
            ("tenant B admin key", h => h.Add("X-API-Key", keyB)),
            ("tenant B portal session", h => h.Authorization = new AuthenticationHeaderValue("Bearer", portalB)),
            ("another customer of A", h => h.Authorization = new AuthenticationHeaderValue("Bearer", otherCustomer)),
        ];
    }

    /// <summary>Connects as the attacker; a refused handshake is right, and so is a socket that shows none of the victim's data.</summary>
    private async Task<string?> SocketLeakAsync(string path, Action<HttpRequestHeaders> authorize, Victim victim)
    {
        var client = factory.Server.CreateWebSocketClient();
        using var headers = new HttpRequestMessage();
        authorize(headers.Headers);
        client.ConfigureRequest = request =>
        {
            foreach (var (name, values) in headers.Headers)
            {
                request.Headers[name] = values.ToArray();
            }
        };
        WebSocket socket;
        try
        {
            socket = await client.ConnectAsync(new Uri("ws://localhost" + path), CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
            return null; // the handshake was refused
        }

        using (socket)
        {
            using var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            var buffer = new byte[64 * 1024];
            try
            {
                while (true)
                {
                    var frame = await socket.ReceiveAsync(buffer, quiet.Token);
                    if (frame.MessageType == WebSocketMessageType.Close)
                    {
                        return null;
                    }

                    if (victim.Leaks(System.Text.Encoding.UTF8.GetString(buffer, 0, frame.Count)))
                    {
                        return "a frame carried the victim's data";
                    }
                }
            }
            catch (OperationCanceledException)
            {
                return null; // open, but silent about the victim
            }
        }
    }

    private static string Fill(RoutePattern pattern, Victim victim, string sessionId) => EndpointTable.Fill(pattern, parameter => parameter.Name switch
    {
        "sessionId" => sessionId,
        "agentId" => victim.AgentId,
        "groupId" => victim.GroupId,
        "keyId" => victim.KeyId,
        "id" => victim.NotificationId,
        "clientId" => "demo-bank",
        _ => Guid.NewGuid().ToString(),
    });

    /// <summary>The demo bank's customer and admin objects under attack, each marked with a string no answer to an attacker may contain.</summary>
    private sealed class Victim
    {
        private readonly string _marker = $"victim-{Guid.NewGuid():N}";

        public string CustomerToken { get; private init; } = "";
        public string CustomerId { get; private init; } = "";
        public List<string> SessionIds { get; } = [];
        public string NotificationId { get; private set; } = "";
        public string AgentId { get; private set; } = "";
        public string GroupId { get; private set; } = "";
        public string KeyId { get; private set; } = "";
        public string KeySecret { get; private set; } = "";
        public string PortalToken { get; private set; } = "";
        private bool _notificationRead;
        private readonly List<int> _eventCounts = [];
        private string _members = "";

        public bool Leaks(string text) => text.Contains(_marker, StringComparison.Ordinal) || text.Contains("alex@bankbot.dev", StringComparison.Ordinal)
            || text.Contains(KeySecret, StringComparison.Ordinal);

        public static async Task<Victim> CreateAsync(VirtualBankerFactory factory)
        {
            var token = await factory.LoginAsync();
            using var customer = factory.CreateClient(token);
            var victim = new Victim
            {
                CustomerToken = token,
                CustomerId = JsonNode.Parse(await customer.GetStringAsync("/api/auth/me"))!["user_id"]!.GetValue<string>(),
            };
            var chat = await customer.PostAsJsonAsync("/v1/session/message", new { message = $"My note: {victim._marker}" });
            victim.SessionIds.Add(JsonNode.Parse(await chat.Content.ReadAsStringAsync())!["session_id"]!.GetValue<string>());
            var notification = JsonNode.Parse(await customer.GetStringAsync("/api/notifications"))!["notifications"]!.AsArray()[0]!;
            victim.NotificationId = notification["id"]!.GetValue<string>();
            victim._notificationRead = notification["read"]!.GetValue<bool>();

            using var admin = await Admin.ClientAsync(factory);
            await Admin.ConfigureAsync(admin, "demo-bank", PortalIssuer.Hs256Settings());
            var agent = await admin.PostAsJsonAsync("/api/v1/agents", new { name = $"Agent {victim._marker}", slug = victim._marker[..30], description = victim._marker });
            victim.AgentId = JsonNode.Parse(await agent.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
            var group = await admin.PostAsJsonAsync("/api/groups/create", new { name = $"Group {victim._marker}", bot_ids = new[] { victim.AgentId } });
            victim.GroupId = JsonNode.Parse(await group.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
            victim._members = await admin.GetStringAsync($"/api/groups/{victim.GroupId}/members");
            var key = JsonNode.Parse(await (await admin.PostAsJsonAsync("/v1/keys", new { label = victim._marker, scopes = new[] { "chat" } })).Content.ReadAsStringAsync())!;
            victim.KeyId = key["key_id"]!.GetValue<string>();
            victim.KeySecret = key["secret"]!.GetValue<string>();

            using var anonymous = factory.CreateClient();
            var portal = await PortalIssuer.OpenSessionAsync(anonymous, "demo-bank", PortalIssuer.Hs256("victim-portal-user"));
            victim.PortalToken = portal["ephemeral_token"]!.GetValue<string>();
            victim.SessionIds.Add(portal["session_id"]!.GetValue<string>());
            using var portalClient = factory.CreateClient(victim.PortalToken);
            var said = await portalClient.PostAsJsonAsync("/v1/session/message", new { session_id = portal["session_id"]!.GetValue<string>(), message = $"Portal note: {victim._marker}" });
            Assert.True(said.IsSuccessStatusCode, await said.Content.ReadAsStringAsync());
            victim._eventCounts.Add(await AnsweredEventCountAsync(customer, victim.SessionIds[0]));
            victim._eventCounts.Add(await AnsweredEventCountAsync(portalClient, victim.SessionIds[1]));
            return victim;
        }

        /// <summary>Every object is still there and unchanged, and its owner still reaches it.</summary>
        public async Task AssertUntouchedAsync(VirtualBankerFactory factory)
        {
            using var customer = factory.CreateClient(CustomerToken);
            using var portal = factory.CreateClient(PortalToken);
            Assert.Equal(_eventCounts, [await AnsweredEventCountAsync(customer, SessionIds[0]), await AnsweredEventCountAsync(portal, SessionIds[1])]);
            var notification = JsonNode.Parse(await customer.GetStringAsync("/api/notifications"))!["notifications"]!.AsArray().Single(n => n!["id"]!.GetValue<string>() == NotificationId)!;
            Assert.Equal(_notificationRead, notification["read"]!.GetValue<bool>());

            using var admin = await Admin.ClientAsync(factory);
            Assert.Equal(_marker, JsonNode.Parse(await admin.GetStringAsync($"/api/v1/agents/{AgentId}"))!["description"]!.GetValue<string>());
            Assert.Equal(_members, await admin.GetStringAsync($"/api/groups/{GroupId}/members"));

            using var keyed = factory.CreateClient();
            keyed.DefaultRequestHeaders.Add("X-API-Key", KeySecret);
            Assert.True((await keyed.PostAsJsonAsync("/v1/session/message", new { message = "still mine" })).IsSuccessStatusCode);
        }

        /// <summary>The number of events in the session once its last message is answered (the answer runs after the message is acknowledged).</summary>
        private static async Task<int> AnsweredEventCountAsync(HttpClient owner, string sessionId)
        {
            for (var attempt = 0; ; attempt++)
            {
                var events = JsonNode.Parse(await owner.GetStringAsync($"/api_log_get?session_id={sessionId}"))!["events"]!.AsArray();
                if (events[^1]!["type"]!.GetValue<string>() == "chat_end" || attempt == 100)
                {
                    return events.Count;
                }

                await Task.Delay(50);
            }
        }
    }
}
