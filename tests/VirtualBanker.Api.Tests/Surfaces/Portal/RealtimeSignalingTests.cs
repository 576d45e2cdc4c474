using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using VirtualBanker.Api.Tests.Surfaces.Customer;
using VirtualBanker.Api.Tests.Surfaces.Management;

namespace VirtualBanker.Api.Tests.Surfaces.Portal;

/// <summary>The server with ICE servers configured and small signaling limits.</summary>
public sealed class RealtimeFactory : VirtualBankerFactory
{
    public const string TurnSecret = "coturn-static-auth-secret";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Realtime:StunUrls:0"] = "stun:stun.bank.test:3478",
        ["Realtime:TurnUrls:0"] = "turn:turn.bank.test:3478?transport=udp",
        ["Realtime:TurnSecret"] = TurnSecret,
        ["Realtime:MaxParticipants"] = "3",
        ["Realtime:MaxSdpBytes"] = "4096",
    };
}

public sealed class RealtimeExpiryTests(FakeClockFactory factory) : IClassFixture<FakeClockFactory>
{
    [Fact]
    public async Task ASessionReachingItsEnd_ClosesItsSignalingSockets_With4000()
    {
        using var platform = await Admin.ClientAsync(factory);
        using var _ = await Admin.CreateTenantAsync(factory, platform, "rtc-expiry-bank");
        await Admin.ConfigureAsync(platform, "rtc-expiry-bank", PortalIssuer.Hs256Settings(maxMinutes: 5));
        using var anonymous = factory.CreateClient();
        var created = await PortalIssuer.OpenSessionAsync(anonymous, "rtc-expiry-bank", PortalIssuer.Hs256("u-expiry", expires: factory.Clock.GetUtcNow().UtcDateTime.AddMinutes(5)));
        using var socket = await factory.Server.CreateWebSocketClient().ConnectAsync(
            new Uri($"ws://localhost/v1/realtime/{created["session_id"]}?access_token={created["ephemeral_token"]}"), CancellationToken.None);
        await ChatTests.SendAsync(socket, new { type = "join" });
        Assert.Equal("joined", (await ChatTests.ReceiveAsync(socket))["type"]!.GetValue<string>());

        factory.Clock.Advance(TimeSpan.FromMinutes(6));

        Assert.Equal((WebSocketCloseStatus)4000, await RealtimeSignalingTests.ClosedWithAsync(socket));
        Assert.Equal("The session has expired.", socket.CloseStatusDescription);
    }
}

/// <summary>Contract 000's WebRTC signaling over <c>WS /v1/realtime/{session_id}</c>, and the ICE data of the session.</summary>
public sealed class RealtimeSignalingTests(RealtimeFactory factory) : IClassFixture<RealtimeFactory>
{
    private const string Sdp = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n";

    [Fact]
    public async Task Participants_Join_SeeEachOther_AndHaveOffersAnswersAndCandidatesRelayed()
    {
        var session = await NewSessionAsync("rtc-relay-bank");
        using var a = await ConnectAsync(session);
        var joinedA = await JoinAsync(a);
        Assert.Empty(joinedA["participants"]!.AsArray());
        Assert.Equal("customer", joinedA["role"]!.GetValue<string>());
        AssertIceServers(joinedA["ice_servers"]!.AsArray(), session.SessionId);

        using var b = await ConnectAsync(session);
        var joinedB = await JoinAsync(b, name: "Phone");
        var idA = joinedA["participant_id"]!.GetValue<string>();
        var idB = joinedB["participant_id"]!.GetValue<string>();
        Assert.Equal(idA, joinedB["participants"]!.AsArray().Single()!["id"]!.GetValue<string>());
        var presence = await ChatTests.ReceiveAsync(a);
        Assert.Equal("participant-joined", presence["type"]!.GetValue<string>());
        Assert.Equal(idB, presence["participant"]!["id"]!.GetValue<string>());
        Assert.Equal("Phone", presence["participant"]!["name"]!.GetValue<string>());

        await ChatTests.SendAsync(a, new { type = "offer", to = idB, sdp = Sdp });
        var offer = await ChatTests.ReceiveAsync(b);
        Assert.Equal(("offer", idA, Sdp), (offer["type"]!.GetValue<string>(), offer["from"]!.GetValue<string>(), offer["sdp"]!.GetValue<string>()));

        await ChatTests.SendAsync(b, new { type = "answer", to = idA, sdp = Sdp });
        Assert.Equal(idB, (await ChatTests.ReceiveAsync(a))["from"]!.GetValue<string>());

        var candidate = new { candidate = "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host", sdpMid = "0", sdpMLineIndex = 0 };
        await ChatTests.SendAsync(b, new { type = "ice-candidate", to = idA, candidate });
        var relayed = await ChatTests.ReceiveAsync(a);
        Assert.Equal(candidate.candidate, relayed["candidate"]!["candidate"]!.GetValue<string>());
        await ChatTests.SendAsync(a, new { type = "ice-candidate", to = idB, candidate = (object?)null });
        var endOfCandidates = await ChatTests.ReceiveAsync(b);
        Assert.Equal("ice-candidate", endOfCandidates["type"]!.GetValue<string>());
        Assert.Null(endOfCandidates["candidate"]);

        await ChatTests.SendAsync(b, new { type = "leave" });
        var left = await ChatTests.ReceiveAsync(a);
        Assert.Equal(("participant-left", idB), (left["type"]!.GetValue<string>(), left["participant"]!["id"]!.GetValue<string>()));
        await ChatTests.SendAsync(a, new { type = "offer", to = idB, sdp = Sdp });
        Assert.Equal("unknown_target", (await ChatTests.ReceiveAsync(a))["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task BadFrames_UnknownTargets_AndOversizeSdp_GetErrors_AndTheSocketStaysUsable()
    {
        var session = await NewSessionAsync("rtc-bad-bank");
        using var socket = await ConnectAsync(session);
        await ChatTests.SendAsync(socket, new { type = "offer", to = "p-1", sdp = Sdp });
        Assert.Equal("not_joined", (await ChatTests.ReceiveAsync(socket))["code"]!.GetValue<string>());
        await JoinAsync(socket);
        using var other = await ConnectAsync(session);
        var otherId = (await JoinAsync(other))["participant_id"]!.GetValue<string>();
        await ChatTests.ReceiveAsync(socket); // presence

        foreach (var (frame, code) in new (object Frame, string Code)[]
        {
            (new { type = "dance" }, "bad_frame"),
            (new { type = "offer", to = otherId }, "bad_frame"),
            (new { type = "offer", to = otherId, sdp = "<script>alert(1)</script>" }, "bad_frame"),
            (new { type = "ice-candidate", to = otherId, candidate = "not an object" }, "bad_frame"),
            (new { type = "offer", to = "p-nobody", sdp = Sdp }, "unknown_target"),
            (new { type = "answer", sdp = Sdp }, "unknown_target"),
            (new { type = "offer", to = otherId, sdp = Sdp + new string('a', 5000) }, "sdp_too_large"),
            (new { type = "join" }, "already_joined"),
        })
        {
            await ChatTests.SendAsync(socket, frame);
            var error = await ChatTests.ReceiveAsync(socket);
            Assert.Equal(("error", code), (error["type"]!.GetValue<string>(), error["code"]!.GetValue<string>()));
        }

        await socket.SendAsync("not json"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        Assert.Equal("error", (await ChatTests.ReceiveAsync(socket))["type"]!.GetValue<string>());

        // Nothing of the refused frames reached the other participant; a good one still does.
        await ChatTests.SendAsync(socket, new { type = "offer", to = otherId, sdp = Sdp });
        Assert.Equal("offer", (await ChatTests.ReceiveAsync(other))["type"]!.GetValue<string>());

        // A frame past the socket's 64 KiB limit closes it with 1009.
        await socket.SendAsync(Encoding.UTF8.GetBytes(new string('x', 70_000)), WebSocketMessageType.Text, true, CancellationToken.None);
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await ClosedWithAsync(socket));
    }

    [Fact]
    public async Task OnlyTheSessionsToken_OrARealtimeKeyOfItsTenant_MayJoin()
    {
        var session = await NewSessionAsync("rtc-auth-bank");
        var other = await NewSessionAsync("rtc-auth-bank");
        Assert.Equal(HttpStatusCode.Unauthorized, await HandshakeStatusAsync($"/v1/realtime/{session.SessionId}"));
        Assert.Equal(HttpStatusCode.NotFound, await HandshakeStatusAsync($"/v1/realtime/{session.SessionId}?access_token={other.Token}"));
        Assert.Equal(HttpStatusCode.Forbidden, await HandshakeStatusAsync($"/v1/realtime/{session.SessionId}?access_token={await factory.LoginAsync()}"));

        using var platform = await Admin.ClientAsync(factory);
        using var tenantAdmin = await Admin.ClientAsync(factory, "admin@rtc-auth-bank.example", "Other-Bank-Pass-2026!", clientId: "rtc-auth-bank");
        var agentKey = await Admin.CreateKeyAsync(tenantAdmin, "voice agent", "realtime");
        var chatKey = await Admin.CreateKeyAsync(tenantAdmin, "chat only", "chat");
        var foreignKey = await Admin.CreateKeyAsync(platform, "demo bank voice", "realtime");
        Assert.Equal(HttpStatusCode.Forbidden, await HandshakeStatusAsync($"/v1/realtime/{session.SessionId}", chatKey));
        Assert.Equal(HttpStatusCode.NotFound, await HandshakeStatusAsync($"/v1/realtime/{session.SessionId}", foreignKey));

        var client = factory.Server.CreateWebSocketClient();
        client.ConfigureRequest = r => r.Headers["X-API-Key"] = agentKey;
        using var agent = await client.ConnectAsync(new Uri($"ws://localhost/v1/realtime/{session.SessionId}"), CancellationToken.None);
        Assert.Equal("agent", (await JoinAsync(agent))["role"]!.GetValue<string>());
    }

    [Fact]
    public async Task EndingTheSession_ClosesItsSockets_With4000_AndAFullRoomRefusesWith4009()
    {
        var session = await NewSessionAsync("rtc-end-bank");
        var sockets = new List<WebSocket>();
        for (var i = 0; i < 3; i++)
        {
            sockets.Add(await ConnectAsync(session));
            await JoinAsync(sockets[i]);
        }

        using var fourth = await ConnectAsync(session);
        await ChatTests.SendAsync(fourth, new { type = "join" });
        Assert.Equal("room_full", (await ChatTests.ReceiveAsync(fourth))["code"]!.GetValue<string>());
        Assert.Equal((WebSocketCloseStatus)4009, await ClosedWithAsync(fourth));

        using var client = factory.CreateClient(session.Token);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/v1/sessions/{session.SessionId}/end", null)).StatusCode);
        foreach (var socket in sockets)
        {
            Assert.Equal((WebSocketCloseStatus)4000, await ClosedWithAsync(socket));
            socket.Dispose();
        }
    }

    [Fact]
    public async Task SessionConfig_AndLegacyRealtimeSession_CarryTheIceServers()
    {
        var session = await NewSessionAsync("rtc-config-bank");
        AssertIceServers(session.Config["ice_servers"]!.AsArray(), session.SessionId);
        Assert.Null(session.Config["ice_servers"]![0]!["username"]);

        using var client = factory.CreateClient(session.Token);
        var legacy = JsonNode.Parse(await (await client.PostAsJsonAsync("/realtime_session", new { })).Content.ReadAsStringAsync())!;
        Assert.Equal(session.SessionId, legacy["session_id"]!.GetValue<string>());
        Assert.Equal($"/v1/realtime/{session.SessionId}", legacy["signaling_url"]!.GetValue<string>());
        AssertIceServers(legacy["ice_servers"]!.AsArray(), session.SessionId);
    }

    /// <summary>STUN as configured; TURN with the TURN REST API credential: "expiry:session" and its HMAC-SHA1 under the shared secret.</summary>
    private static void AssertIceServers(JsonArray servers, string sessionId)
    {
        Assert.Equal("stun:stun.bank.test:3478", servers[0]!["urls"]![0]!.GetValue<string>());
        var turn = servers[1]!;
        Assert.Equal("turn:turn.bank.test:3478?transport=udp", turn["urls"]![0]!.GetValue<string>());
        var username = turn["username"]!.GetValue<string>();
        var expiry = DateTimeOffset.FromUnixTimeSeconds(long.Parse(username.Split(':')[0]));
        Assert.Equal(sessionId, username.Split(':', 2)[1]);
        Assert.InRange(expiry, DateTimeOffset.UtcNow.AddMinutes(5), DateTimeOffset.UtcNow.AddMinutes(61));
        var expected = Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(RealtimeFactory.TurnSecret), Encoding.UTF8.GetBytes(username)));
        Assert.Equal(expected, turn["credential"]!.GetValue<string>());
    }

    private async Task<PortalSession> NewSessionAsync(string tenant)
    {
        using var platform = await Admin.ClientAsync(factory);
        if (!(await platform.GetAsync($"/api/v1/clients/{tenant}")).IsSuccessStatusCode)
        {
            using var _ = await Admin.CreateTenantAsync(factory, platform, tenant);
            await Admin.ConfigureAsync(platform, tenant, PortalIssuer.Hs256Settings());
        }

        using var anonymous = factory.CreateClient();
        var body = await PortalIssuer.OpenSessionAsync(anonymous, tenant, PortalIssuer.Hs256($"u-{Guid.NewGuid():N}"));
        return new PortalSession(body["session_id"]!.GetValue<string>(), body["ephemeral_token"]!.GetValue<string>(), body["config"]!.AsObject());
    }

    private Task<WebSocket> ConnectAsync(PortalSession session) =>
        factory.Server.CreateWebSocketClient().ConnectAsync(new Uri($"ws://localhost/v1/realtime/{session.SessionId}?access_token={session.Token}"), CancellationToken.None);

    private static async Task<JsonObject> JoinAsync(WebSocket socket, string? name = null)
    {
        await ChatTests.SendAsync(socket, new { type = "join", name });
        var joined = await ChatTests.ReceiveAsync(socket);
        Assert.Equal("joined", joined["type"]!.GetValue<string>());
        return joined;
    }

    private async Task<HttpStatusCode> HandshakeStatusAsync(string path, string? apiKey = null)
    {
        var client = factory.Server.CreateWebSocketClient();
        client.ConfigureRequest = r =>
        {
            if (apiKey is not null)
            {
                r.Headers["X-API-Key"] = apiKey;
            }
        };
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => client.ConnectAsync(new Uri($"ws://localhost{path}"), CancellationToken.None));
        return (HttpStatusCode)int.Parse(refused.Message[(refused.Message.LastIndexOf(' ') + 1)..].TrimEnd('.'));
    }

    internal static async Task<WebSocketCloseStatus?> ClosedWithAsync(WebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[4096];
        while ((await socket.ReceiveAsync(buffer, timeout.Token)).MessageType != WebSocketMessageType.Close)
        {
        }

        return socket.CloseStatus;
    }

    private sealed record PortalSession(string SessionId, string Token, JsonObject Config);
}
