using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using VirtualBanker.Api.Tests.Surfaces.Customer;
using VirtualBanker.Api.Tests.Surfaces.Gateway;
using VirtualBanker.Api.Tests.Surfaces.Management;

namespace VirtualBanker.Api.Tests.Surfaces.Portal;

/// <summary>Contract 000: sessions opened with a portal's signed assertion, their ephemeral tokens and the tenant's policy.</summary>
public sealed class PortalSessionTests(VirtualBankerFactory factory) : IClassFixture<VirtualBankerFactory>
{
    private readonly PortalIssuer _portal = new();

    [Fact]
    public async Task Session_FromAnHs256Assertion_RunsNothingBeforeConsent_ThenAnswersFromTheLinkedCustomersData()
    {
        using var admin = await Admin.ClientAsync(factory);
        await Admin.ConfigureAsync(admin, "demo-bank", PortalIssuer.Hs256Settings(requireConsent: true));
        using var anonymous = factory.CreateClient();

        var response = await anonymous.PostAsJsonAsync("/v1/sessions", new
        {
            tenant_id = "demo-bank",
            user_id = "portal-user-456",
            auth_assertion = PortalIssuer.Hs256("portal-user-456", email: "alex@bankbot.dev"),
            portal_context = new { route = "/account", account_id = "acc-789" },
        });
        var created = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var sessionId = created["session_id"]!.GetValue<string>();
        var config = created["config"]!;
        Assert.Equal("#0066cc", config["theme"]!["primaryColor"]!.GetValue<string>());
        Assert.True(config["avatar_enabled"]!.GetValue<bool>());
        Assert.Equal("Hello! How can I help you today?", config["greeting"]!.GetValue<string>());
        Assert.Contains("get_account_status", config["allowed_tools"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.True(config["policy"]!["require_consent"]!.GetValue<bool>());
        Assert.True(created["expires_at"]!.GetValue<DateTime>() <= created["session_expires_at"]!.GetValue<DateTime>());

        using var session = factory.CreateClient(created["ephemeral_token"]!.GetValue<string>());
        var early = await session.PostAsJsonAsync("/v1/session/message", new { session_id = sessionId, message = "what is my balance?" });
        Assert.Equal(HttpStatusCode.Forbidden, early.StatusCode);
        Assert.Contains("consent_required", await early.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var consent = await session.PostAsync($"/v1/sessions/{sessionId}/consent", null);
        Assert.Equal(HttpStatusCode.OK, consent.StatusCode);
        var sent = await session.PostAsJsonAsync("/v1/session/message", new { session_id = sessionId, message = "what is my balance?" });
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        var events = await GatewayTests.ReadSseAsync(session, $"/v1/session/{sessionId}/events", lastEventId: null, until: "chat_end");
        using var alex = factory.CreateClient(await factory.LoginAsync());
        var balance = JsonNode.Parse(await alex.GetStringAsync("/api/dashboard/overview"))!["total_balance"]!.GetValue<decimal>();
        Assert.StartsWith(FormattableString.Invariant($"Your total balance is ${balance:#,0.00}."), events[^1].Data["content"]!.GetValue<string>(),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task EphemeralToken_IsBoundToItsSession_AndOpensNoCustomerApi()
    {
        var tenant = await NewTenantAsync("bound-bank", PortalIssuer.Hs256Settings());
        var first = await CreateAsync(tenant, PortalIssuer.Hs256("u-1"));
        var second = await CreateAsync(tenant, PortalIssuer.Hs256("u-2"));
        using var client = factory.CreateClient(first.Token);

        var other = await client.PostAsJsonAsync("/v1/session/message", new { session_id = second.SessionId, message = "hello" });
        var newSession = await client.PostAsJsonAsync("/v1/session/message", new { message = "hello" });
        var dashboard = await client.GetAsync("/api/dashboard/overview");
        var agents = await client.GetAsync("/api/v1/agents");
        var otherRefresh = await client.PostAsync($"/v1/sessions/{second.SessionId}/refresh-token", null);

        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, newSession.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, dashboard.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, agents.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, otherRefresh.StatusCode);
    }

    [Fact]
    public async Task EphemeralToken_ChatsOverContract001InItsOwnSession_OnlyAfterConsent()
    {
        var tenant = await NewTenantAsync("widget-bank", PortalIssuer.Hs256Settings(requireConsent: true));
        var created = await CreateAsync(tenant, PortalIssuer.Hs256("w-1"));
        using var client = factory.CreateClient(created.Token);

        var early = await client.PostAsJsonAsync("/api/ai/chat", new { message = "hello" });
        Assert.Equal(HttpStatusCode.Forbidden, early.StatusCode);
        Assert.Contains("consent_required", await early.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/v1/sessions/{created.SessionId}/consent", null)).StatusCode);
        var answered = await client.PostAsJsonAsync("/api/ai/chat", new { message = "hello" });
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        var answer = JsonNode.Parse(await answered.Content.ReadAsStringAsync())!["response"]!.GetValue<string>();
        Assert.NotEmpty(answer);

        // The answer belongs to the portal session: its own event stream carries it.
        var events = await GatewayTests.ReadSseAsync(client, $"/v1/session/{created.SessionId}/events", lastEventId: null, until: "chat_end");
        Assert.Equal(answer, events[^1].Data["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task ChatSocket_OpenedBeforeConsent_AnswersOnceConsentIsGiven()
    {
        var tenant = await NewTenantAsync("consent-socket-bank", PortalIssuer.Hs256Settings(requireConsent: true));
        var created = await CreateAsync(tenant, PortalIssuer.Hs256("w-2"));
        using var client = factory.CreateClient(created.Token);
        using var socket = await ChatTests.Connect(factory, created.Token);

        await ChatTests.SendAsync(socket, new { type = "chat", message = "hello" });
        var early = await ChatTests.ReceiveAsync(socket);
        Assert.Equal("error", early["type"]!.GetValue<string>());
        Assert.Contains("consent", early["message"]!.GetValue<string>(), StringComparison.Ordinal);

        // Consent given on another channel while the socket stays open: the socket's next message is answered.
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/v1/sessions/{created.SessionId}/consent", null)).StatusCode);
        await ChatTests.SendAsync(socket, new { type = "chat", message = "hello" });
        var frames = await ChatTests.ReceiveUntilAsync(socket, "chat_end");
        Assert.Equal("chat_start", frames[0]["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Refresh_GivesAWorkingToken_AndEnd_RejectsEveryTokenAndClosesTheStream()
    {
        var tenant = await NewTenantAsync("end-bank", PortalIssuer.Hs256Settings());
        var created = await CreateAsync(tenant, PortalIssuer.Hs256("u-1"));
        using var client = factory.CreateClient(created.Token);

        var refreshed = await client.PostAsync($"/v1/sessions/{created.SessionId}/refresh-token", null);
        var body = JsonNode.Parse(await refreshed.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var newToken = body["ephemeral_token"]!.GetValue<string>();
        Assert.NotEqual(created.Token, newToken);
        Assert.True(body["expires_at"]!.GetValue<DateTime>() > DateTime.UtcNow);

        using var socket = await factory.Server.CreateWebSocketClient()
            .ConnectAsync(new Uri($"ws://localhost/v1/session/{created.SessionId}/stream?access_token={newToken}"), CancellationToken.None);
        using var fresh = factory.CreateClient(newToken);
        var ended = await fresh.PostAsync($"/v1/sessions/{created.SessionId}/end", null);
        Assert.Equal(HttpStatusCode.OK, ended.StatusCode);
        Assert.Equal("ended", JsonNode.Parse(await ended.Content.ReadAsStringAsync())!["status"]!.GetValue<string>());

        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        WebSocketReceiveResult frame;
        do
        {
            frame = await socket.ReceiveAsync(buffer, timeout.Token);
        }
        while (frame.MessageType != WebSocketMessageType.Close);
        Assert.Equal((WebSocketCloseStatus)4000, socket.CloseStatus);

        foreach (var token in new[] { created.Token, newToken })
        {
            using var after = factory.CreateClient(token);
            var refused = await after.PostAsJsonAsync("/v1/session/message", new { session_id = created.SessionId, message = "hello" });
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await after.PostAsync($"/v1/sessions/{created.SessionId}/refresh-token", null)).StatusCode);
        }
    }

    [Theory]
    [InlineData("wrong-issuer")]
    [InlineData("wrong-audience")]
    [InlineData("expired")]
    [InlineData("bad-signature")]
    [InlineData("alg-none")]
    [InlineData("other-user")]
    [InlineData("unknown-tenant")]
    [InlineData("garbage")]
    [InlineData("replayed")]
    [InlineData("ten-year-lifetime")]
    [InlineData("six-minute-lifetime")]
    [InlineData("issued-in-the-future")]
    [InlineData("no-jti")]
    [InlineData("no-iat")]
    [InlineData("unknown-crit")]
    public async Task AssertionThatDoesNotVerify_Is401_InTheContractsShape_AndOpensNothing(string flaw)
    {
        var tenant = await NewTenantAsync($"flaw-{flaw}", PortalIssuer.Hs256Settings());
        var now = DateTime.UtcNow;
        var assertion = flaw switch
        {
            "ten-year-lifetime" => PortalIssuer.Hs256("u-1", shape: d => (d.IssuedAt, d.NotBefore, d.Expires) = (now, now, now.AddYears(10))),
            "six-minute-lifetime" => PortalIssuer.Hs256("u-1", shape: d => d.Expires = d.IssuedAt!.Value.AddMinutes(6)),
            "issued-in-the-future" => PortalIssuer.Hs256("u-1", shape: d => (d.IssuedAt, d.Expires) = (now.AddYears(10), now.AddYears(10).AddMinutes(1))),
            "no-jti" => PortalIssuer.Hs256("u-1", shape: d => d.Claims.Remove("jti")),
            "no-iat" => PortalIssuer.Hs256("u-1", shape: d => d.IssuedAt = null),
            "unknown-crit" => PortalIssuer.Hs256("u-1", shape: d => d.AdditionalHeaderClaims = new Dictionary<string, object>
            {
                ["crit"] = new[] { "exp-bank-binding" }, ["exp-bank-binding"] = "device-1",
            }),
            "wrong-issuer" => PortalIssuer.Hs256("u-1", issuer: "https://evil.example"),
            "wrong-audience" => PortalIssuer.Hs256("u-1", audience: "someone-else"),
            "expired" => PortalIssuer.Hs256("u-1", expires: DateTime.UtcNow.AddMinutes(-5)),
            "bad-signature" => PortalIssuer.Hs256("u-1", secret: "another-secret-that-is-also-32-bytes-long"),
            "alg-none" => PortalIssuer.Unsigned("u-1"),
            "garbage" => "not.a.jwt",
            _ => PortalIssuer.Hs256("u-1"),
        };
        using var anonymous = factory.CreateClient();
        if (flaw == "replayed")
        {
            await CreateAsync(tenant, assertion); // the portal page's own use; whoever copies the assertion from it gets nothing
        }

        var response = await anonymous.PostAsJsonAsync("/v1/sessions", new
        {
            tenant_id = flaw == "unknown-tenant" ? "no-such-bank" : tenant,
            user_id = flaw == "other-user" ? "u-2" : "u-1",
            auth_assertion = assertion,
        });
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(["error", "message"], body.Select(p => p.Key).Order());
        Assert.DoesNotContain("session_id", body.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublicKeyTenant_AcceptsEs256_AndRefusesHs256SignedWithItsPublicKey()
    {
        var tenant = await NewTenantAsync("ec-bank", _portal.EcSettings());
        var ok = await CreateAsync(tenant, _portal.Es256("u-1"));
        Assert.StartsWith("sess_", ok.SessionId, StringComparison.Ordinal);

        // Algorithm confusion: an HS256 token whose HMAC key is the tenant's public key text.
        var confused = PortalIssuer.Hs256("u-1", secret: _portal.Ec.ExportSubjectPublicKeyInfoPem());
        using var anonymous = factory.CreateClient();
        var refused = await anonymous.PostAsJsonAsync("/v1/sessions", new { tenant_id = tenant, auth_assertion = confused });
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task JwksTenant_VerifiesRs256AgainstTheFetchedKeySet()
    {
        await using var jwks = await _portal.StartJwksAsync();
        var tenant = await NewTenantAsync("jwks-bank", PortalIssuer.JwksSettings(jwks));

        var ok = await CreateAsync(tenant, _portal.Rs256("u-1"));
        using var anonymous = factory.CreateClient();
        var unknownKey = await anonymous.PostAsJsonAsync("/v1/sessions", new { tenant_id = tenant, auth_assertion = new PortalIssuer().Rs256("u-1") });

        Assert.StartsWith("sess_", ok.SessionId, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, unknownKey.StatusCode);
    }

    [Fact]
    public async Task TenantPolicy_SetsTheSessionLength_AndItsRateLimit()
    {
        var tenant = await NewTenantAsync("policy-bank", PortalIssuer.Hs256Settings(rateLimitPerMinute: 3, maxMinutes: 5));
        var before = DateTime.UtcNow;
        var created = await CreateAsync(tenant, PortalIssuer.Hs256("u-1"));
        Assert.InRange(created.SessionExpiresAt, before.AddMinutes(5).AddSeconds(-5), before.AddMinutes(5).AddSeconds(30));
        Assert.True(created.ExpiresAt <= created.SessionExpiresAt);

        using var client = factory.CreateClient(created.Token);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await client.PostAsJsonAsync("/v1/session/message", new { session_id = created.SessionId, message = "hello" })).StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task MalformedBodies_Are400_InTheContractsShape()
    {
        using var anonymous = factory.CreateClient();
        foreach (var body in new[] { "{", "[]", "{\"tenant_id\":\"demo-bank\"}", "{\"tenant_id\":\"demo-bank\",\"auth_assertion\":\"x\",\"portal_context\":{\"a\":{\"b\":1}}}" })
        {
            var response = await anonymous.PostAsync("/v1/sessions", new StringContent(body, new MediaTypeHeaderValue("application/json")));
            var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(["error", "message"], json.Select(p => p.Key).Order());
        }
    }

    [Fact]
    public async Task ResumeSessionId_PicksUpTheSameCustomersOpenSession_WithItsConsent_AndNobodyElses()
    {
        var settings = PortalIssuer.Hs256Settings(requireConsent: true);
        settings["policy"]!["privacy_notice_url"] = "/legal/privacy.html";
        var tenant = await NewTenantAsync("resume-bank", settings);
        var first = await CreateAsync(tenant, PortalIssuer.Hs256("u-1"));
        using (var client = factory.CreateClient(first.Token))
        {
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/v1/sessions/{first.SessionId}/consent", null)).StatusCode);
        }

        var again = await CreateJsonAsync(tenant, PortalIssuer.Hs256("u-1"), first.SessionId);
        var someoneElse = await CreateJsonAsync(tenant, PortalIssuer.Hs256("u-2"), first.SessionId);
        var fresh = await CreateJsonAsync(tenant, PortalIssuer.Hs256("u-1"));

        Assert.Equal(first.SessionId, again["session_id"]!.GetValue<string>());
        Assert.True(again["resumed"]!.GetValue<bool>());
        Assert.True(again["consent_given"]!.GetValue<bool>());
        Assert.NotEqual(first.Token, again["ephemeral_token"]!.GetValue<string>());
        Assert.Equal("/legal/privacy.html", again["config"]!["policy"]!["privacy_notice_url"]!.GetValue<string>());
        using (var resumed = factory.CreateClient(again["ephemeral_token"]!.GetValue<string>()))
        {
            var sent = await resumed.PostAsJsonAsync("/v1/session/message", new { session_id = first.SessionId, message = "hello" });
            Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        }

        Assert.NotEqual(first.SessionId, someoneElse["session_id"]!.GetValue<string>());
        Assert.False(someoneElse["resumed"]!.GetValue<bool>());
        Assert.False(someoneElse["consent_given"]!.GetValue<bool>());
        Assert.NotEqual(first.SessionId, fresh["session_id"]!.GetValue<string>());
        Assert.False(fresh["consent_given"]!.GetValue<bool>());
    }

    [Fact]
    public async Task WithdrawingConsent_EndsTheSessionAtOnce_ItsTokenIsRefused_AndResumingItOpensANewOneThatAsksAgain()
    {
        var tenant = await NewTenantAsync("withdraw-bank", PortalIssuer.Hs256Settings(requireConsent: true));
        var created = await CreateAsync(tenant, PortalIssuer.Hs256("u-1"));
        using var client = factory.CreateClient(created.Token);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/v1/sessions/{created.SessionId}/consent", null)).StatusCode);
        using var socket = await factory.Server.CreateWebSocketClient()
            .ConnectAsync(new Uri($"ws://localhost/api/ai/chat/ws?access_token={created.Token}"), CancellationToken.None);

        var withdrawn = await client.DeleteAsync($"/v1/sessions/{created.SessionId}/consent");

        Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
        Assert.Equal("consent_withdrawn", JsonNode.Parse(await withdrawn.Content.ReadAsStringAsync())!["status"]!.GetValue<string>());
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while ((await socket.ReceiveAsync(buffer, timeout.Token)).MessageType != WebSocketMessageType.Close)
        {
        }

        Assert.Equal((WebSocketCloseStatus)4000, socket.CloseStatus);
        var refused = await client.PostAsJsonAsync("/v1/session/message", new { session_id = created.SessionId, message = "hello" });
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var next = await CreateJsonAsync(tenant, PortalIssuer.Hs256("u-1"), created.SessionId);
        Assert.NotEqual(created.SessionId, next["session_id"]!.GetValue<string>());
        Assert.False(next["consent_given"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ChatSocketWithEcho_ReplaysTheCustomersOwnMessagesToo_SoAnotherPageShowsBothSides()
    {
        var tenant = await NewTenantAsync("echo-bank", PortalIssuer.Hs256Settings());
        var created = await CreateAsync(tenant, PortalIssuer.Hs256("u-1"));
        using var client = factory.CreateClient(created.Token);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/ai/chat", new { message = "hello there" })).StatusCode);

        async Task<List<JsonNode>> ReplayAsync(string query)
        {
            using var socket = await factory.Server.CreateWebSocketClient()
                .ConnectAsync(new Uri($"ws://localhost/api/ai/chat/ws?access_token={created.Token}&last_event_id=0{query}"), CancellationToken.None);
            var frames = new List<JsonNode>();
            var buffer = new byte[16384];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (frames.Count == 0 || frames[^1]["type"]!.GetValue<string>() != "chat_end")
            {
                var result = await socket.ReceiveAsync(buffer, timeout.Token);
                frames.Add(JsonNode.Parse(buffer.AsSpan(0, result.Count))!);
            }

            return frames;
        }

        var echoed = await ReplayAsync("&echo=true");
        var plain = await ReplayAsync("");

        Assert.Equal("message", echoed[0]["type"]!.GetValue<string>());
        Assert.Equal("hello there", echoed[0]["content"]!.GetValue<string>());
        Assert.DoesNotContain(plain, f => f["type"]!.GetValue<string>() == "message");
    }

    private async Task<JsonNode> CreateJsonAsync(string tenant, string assertion, string? resume = null)
    {
        using var anonymous = factory.CreateClient();
        var response = await anonymous.PostAsJsonAsync("/v1/sessions", new { tenant_id = tenant, auth_assertion = assertion, resume_session_id = resume });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonNode.Parse(body)!;
    }

    private async Task<string> NewTenantAsync(string id, JsonObject settings)
    {
        using var platform = await Admin.ClientAsync(factory);
        using var _ = await Admin.CreateTenantAsync(factory, platform, id);
        await Admin.ConfigureAsync(platform, id, settings);
        return id;
    }

    private async Task<Created> CreateAsync(string tenant, string assertion)
    {
        using var anonymous = factory.CreateClient();
        var response = await anonymous.PostAsJsonAsync("/v1/sessions", new { tenant_id = tenant, auth_assertion = assertion });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        var json = JsonDocument.Parse(body).RootElement;
        return new Created(json.GetProperty("session_id").GetString()!, json.GetProperty("ephemeral_token").GetString()!,
            json.GetProperty("expires_at").GetDateTime(), json.GetProperty("session_expires_at").GetDateTime());
    }

    private sealed record Created(string SessionId, string Token, DateTime ExpiresAt, DateTime SessionExpiresAt);
}
