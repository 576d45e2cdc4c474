using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using VirtualBanker.Api.Tests.Surfaces.Management;
using VirtualBanker.Api.Tests.Surfaces.Portal;

namespace VirtualBanker.Api.Tests.Authorization;

/// <summary>
/// The authorization matrix of the README, cell by cell. Every route acts on tenant A's data (the demo
/// bank); B's admin and B's key are the other tenant. A cell expects a status; for an id route, another
/// tenant always gets 404 (or 403 from a role check), never A's data.
/// </summary>
public sealed class AuthorizationMatrixTests(AuthorizationMatrixTests.World world) : IClassFixture<AuthorizationMatrixTests.World>
{
    public enum Caller
    {
        Anonymous,
        CustomerA,
        TenantAdminB,
        PlatformAdminA,
        ChatKeyA,
        AdminKeyA,
        AdminKeyB,
    }

    /// <summary>Route, then the expected status for each caller in <see cref="Caller"/> order.</summary>
    public static TheoryData<string, int[]> Matrix => new()
    {
        { "GET /api/v1/agents", [401, 403, 200, 200, 403, 200, 200] },
        { "GET /api/v1/agents?client_id=demo-bank", [401, 403, 403, 200, 403, 200, 403] },
        { "GET /api/v1/agents/{agent}", [401, 403, 404, 200, 403, 200, 404] },
        { "PUT /api/v1/agents/{agent}", [401, 403, 404, 200, 403, 200, 404] },
        { "DELETE /api/v1/agents/{fresh-agent}", [401, 403, 404, 204, 403, 204, 404] },
        { "GET /api/v1/clients", [401, 403, 200, 200, 403, 403, 403] },
        { "GET /api/v1/clients/demo-bank", [401, 403, 404, 200, 403, 403, 403] },
        { "PUT /api/v1/clients/demo-bank", [401, 403, 404, 200, 403, 403, 403] },
        { "POST /api/v1/clients", [401, 403, 403, 201, 403, 403, 403] },
        { "POST /trigger-agent", [401, 403, 200, 200, 200, 403, 403] },
        { "GET /api/v1/handoffs", [401, 403, 200, 200, 403, 403, 403] },
        { "GET /api/v1/tickets", [401, 403, 200, 200, 403, 403, 403] },
        { "POST /api/v1/tickets", [401, 403, 422, 201, 403, 403, 403] },
        { "GET /api/v1/tickets/{ticket}", [401, 403, 404, 200, 403, 403, 403] },
        { "PATCH /api/v1/tickets/{ticket}", [401, 403, 404, 200, 403, 403, 403] },
        { "GET /v1/keys", [401, 403, 200, 200, 403, 200, 200] },
        { "POST /v1/keys", [401, 403, 201, 201, 403, 201, 201] },
        { "DELETE /v1/keys/{fresh-key}", [401, 403, 404, 200, 403, 200, 404] },
        { "GET /v1/capsules", [401, 403, 200, 200, 403, 200, 200] },
        { "POST /v1/capsules/ticketing/install", [401, 403, 200, 200, 403, 200, 200] },
        { "GET /v1/model-profiles", [401, 403, 200, 200, 403, 200, 200] },
        { "GET /v1/requeue", [401, 403, 200, 200, 403, 200, 200] },
        { "GET /v1/health", [401, 200, 200, 200, 200, 200, 200] },
        { "POST /api_log_get {customer-session}", [401, 200, 404, 404, 200, 403, 403] },
        { "POST /api_terminate_chat {fresh-customer-session}", [401, 200, 404, 404, 200, 403, 403] },
        { "GET /api/transactions?user_id={customer}", [401, 200, 404, 200, 403, 403, 403] },
        { "GET /api/dashboard/overview", [401, 200, 200, 200, 403, 403, 403] },
        { "GET /api/metrics", [401, 403, 403, 200, 403, 403, 403] },
        { "POST /api/transactions", [401, 403, 400, 201, 403, 403, 403] },
        { "GET /api/bots", [401, 200, 200, 200, 403, 403, 403] },
        { "DELETE /api/session/{fresh-customer-session}", [401, 200, 404, 200, 403, 403, 403] },
        { "GET /api/groups/{group}/members", [401, 404, 404, 200, 403, 403, 403] },
        { "GET /api/admin/system/status", [401, 403, 200, 200, 403, 403, 403] },
        { "GET /api/admin/system/metrics", [401, 403, 200, 200, 403, 403, 403] },
        { "POST /v1/sessions/{fresh-portal-session}/end", [401, 403, 404, 200, 403, 403, 403] },
        { "POST /v1/sessions/{fresh-portal-session}/refresh-token", [401, 403, 403, 403, 403, 403, 403] },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task EveryCell(string route, int[] expected)
    {
        Assert.Equal(Enum.GetValues<Caller>().Length, expected.Length);
        var failures = new List<string>();
        foreach (var caller in Enum.GetValues<Caller>())
        {
            var status = await world.SendAsync(caller, route);
            if (status != expected[(int)caller])
            {
                failures.Add($"{caller}: expected {expected[(int)caller]}, got {status}");
            }
        }

        Assert.True(failures.Count == 0, $"{route}: {string.Join("; ", failures)}");
    }

    /// <summary>Two tenants, their admins and keys, a customer of A and A's resources, set up once through the API.</summary>
    public sealed class World : VirtualBankerFactory, IAsyncLifetime
    {
        private readonly Dictionary<Caller, HttpClient> _clients = [];
        private string _agentId = "";
        private string _groupId = "";
        private string _customerId = "";
        private string _customerSession = "";
        private string _ticketId = "";
        private int _counter;

        public async Task InitializeAsync()
        {
            var platform = await Admin.ClientAsync(this);
            var adminB = await Admin.CreateTenantAsync(this, platform, "tenant-b");
            var customerToken = await LoginAsync();
            var customer = CreateClient(customerToken);
            _clients[Caller.Anonymous] = CreateClient();
            _clients[Caller.CustomerA] = customer;
            _clients[Caller.TenantAdminB] = adminB;
            _clients[Caller.PlatformAdminA] = platform;
            _clients[Caller.ChatKeyA] = await KeyClientAsync(platform, "chat");
            _clients[Caller.AdminKeyA] = await KeyClientAsync(platform, "admin");
            _clients[Caller.AdminKeyB] = await KeyClientAsync(adminB, "admin");

            _agentId = await FreshAgentAsync();
            _customerId = JsonNode.Parse(await customer.GetStringAsync("/api/auth/me"))!["user_id"]!.GetValue<string>();
            _customerSession = await FreshCustomerSessionAsync();
            var group = await platform.PostAsJsonAsync("/api/groups/create", new { name = "Staff", bot_ids = new[] { _agentId } });
            _groupId = JsonNode.Parse(await group.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
            await Admin.ConfigureAsync(platform, "demo-bank", PortalIssuer.Hs256Settings());
            var ticket = await platform.PostAsJsonAsync("/api/v1/tickets", new { customer_email = "alex@bankbot.dev", subject = "Matrix ticket" });
            _ticketId = JsonNode.Parse(await ticket.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        }

        Task IAsyncLifetime.DisposeAsync()
        {
            foreach (var client in _clients.Values)
            {
                client.Dispose();
            }

            return Task.CompletedTask;
        }

        public async Task<int> SendAsync(Caller caller, string route)
        {
            var space = route.IndexOf(' ', StringComparison.Ordinal);
            var method = new HttpMethod(route[..space]);
            var target = route[(space + 1)..];
            object? body = null;
            if (target.EndsWith(" {customer-session}", StringComparison.Ordinal))
            {
                target = target[..target.IndexOf(' ', StringComparison.Ordinal)];
                body = new { session_id = _customerSession };
            }
            else if (target.EndsWith(" {fresh-customer-session}", StringComparison.Ordinal))
            {
                target = target[..target.IndexOf(' ', StringComparison.Ordinal)];
                body = new { session_id = await FreshCustomerSessionAsync() };
            }

            target = target
                .Replace("{agent}", _agentId, StringComparison.Ordinal)
                .Replace("{group}", _groupId, StringComparison.Ordinal)
                .Replace("{ticket}", _ticketId, StringComparison.Ordinal)
                .Replace("{customer}", _customerId, StringComparison.Ordinal);
            if (target.Contains("{fresh-agent}", StringComparison.Ordinal))
            {
                target = target.Replace("{fresh-agent}", await FreshAgentAsync(), StringComparison.Ordinal);
            }

            if (target.Contains("{fresh-key}", StringComparison.Ordinal))
            {
                var key = await _clients[Caller.PlatformAdminA].PostAsJsonAsync("/v1/keys", new { label = "victim", scopes = new[] { "chat" } });
                target = target.Replace("{fresh-key}", JsonNode.Parse(await key.Content.ReadAsStringAsync())!["key_id"]!.GetValue<string>(), StringComparison.Ordinal);
            }

            if (target.Contains("{fresh-customer-session}", StringComparison.Ordinal))
            {
                target = target.Replace("{fresh-customer-session}", await FreshCustomerSessionAsync(), StringComparison.Ordinal);
            }

            HttpClient client = _clients[caller];
            if (target.Contains("{fresh-portal-session}", StringComparison.Ordinal))
            {
                var n = Interlocked.Increment(ref _counter);
                using var anonymous = CreateClient();
                var created = JsonNode.Parse(await (await anonymous.PostAsJsonAsync("/v1/sessions",
                    new { tenant_id = "demo-bank", auth_assertion = PortalIssuer.Hs256($"portal-user-{n}") })).Content.ReadAsStringAsync())!;
                target = target.Replace("{fresh-portal-session}", created["session_id"]!.GetValue<string>(), StringComparison.Ordinal);
            }

            body ??= BodyFor(method, target);
            using var request = new HttpRequestMessage(method, target) { Content = body is null ? null : JsonContent.Create(body) };
            using var response = await client.SendAsync(request);
            return (int)response.StatusCode;
        }

        private object? BodyFor(HttpMethod method, string target)
        {
            var n = Interlocked.Increment(ref _counter);
            return (method.Method, target) switch
            {
                ("PUT", var t) when t.StartsWith("/api/v1/agents/", StringComparison.Ordinal) => new { description = $"edited {n}" },
                ("PUT", var t) when t.StartsWith("/api/v1/clients/", StringComparison.Ordinal) => new { name = "Demo Bank" },
                ("POST", "/api/v1/clients") => new { id = $"matrix-client-{n}", name = "Matrix Client" },
                ("POST", "/api/v1/tickets") => new { customer_email = "alex@bankbot.dev", subject = $"Matrix ticket {n}" },
                ("PATCH", var t) when t.StartsWith("/api/v1/tickets/", StringComparison.Ordinal) => new { status = "in_progress" },
                ("POST", "/trigger-agent") => new { message = "hello", session_id = $"matrix-{n}", mode = "text" },
                ("POST", "/v1/keys") => new { label = $"matrix {n}", scopes = new[] { "admin" } },
                ("POST", "/api/transactions") => new { user_id = _customerId, amount = -12.5, merchant = "Matrix Cafe", external_id = $"matrix-{n}" },
                _ => null,
            };
        }

        private async Task<string> FreshAgentAsync()
        {
            var n = Interlocked.Increment(ref _counter);
            var created = await _clients[Caller.PlatformAdminA].PostAsJsonAsync("/api/v1/agents", new { name = $"Agent {n}", slug = $"matrix-agent-{n}" });
            return JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        }

        private async Task<string> FreshCustomerSessionAsync()
        {
            var sent = await _clients[Caller.CustomerA].PostAsJsonAsync("/v1/session/action", new { action = "open" });
            return JsonNode.Parse(await sent.Content.ReadAsStringAsync())!["session_id"]!.GetValue<string>();
        }

        private async Task<HttpClient> KeyClientAsync(HttpClient admin, string scope)
        {
            var client = CreateClient();
            client.DefaultRequestHeaders.Add("X-API-Key", await Admin.CreateKeyAsync(admin, $"matrix {scope}", scope));
            return client;
        }
    }
}
