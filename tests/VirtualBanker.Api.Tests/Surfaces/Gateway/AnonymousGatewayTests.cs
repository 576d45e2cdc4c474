using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using VirtualBanker.Api.Tests.Surfaces.Customer;

namespace VirtualBanker.Api.Tests.Surfaces.Gateway;

/// <summary>Contract 002's local-development mode: GATEWAY_REQUIRE_AUTH=false in Development.</summary>
public sealed class AnonymousGatewayFactory : VirtualBankerFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["GATEWAY_REQUIRE_AUTH"] = "false" };
}

/// <summary>The contract's local-dev flow: an anonymous caller posts a message and follows its session over SSE and the WebSocket.</summary>
public sealed class AnonymousGatewayTests(AnonymousGatewayFactory factory) : IClassFixture<AnonymousGatewayFactory>
{
    [Fact]
    public async Task AnAnonymousCaller_WhoPosts_StreamsThatSession_OverSseAndWebSocket()
    {
        using var anonymous = factory.CreateClient();
        var posted = await anonymous.PostAsJsonAsync("/v1/session/message", new { message = "hello" });
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        var sessionId = JsonNode.Parse(await posted.Content.ReadAsStringAsync())!["session_id"]!.GetValue<string>();

        var events = await GatewayTests.ReadSseAsync(anonymous, $"/v1/session/{sessionId}/events", null, "chat_end");
        Assert.Contains(events, e => e.Event == "chat_chunk");

        using var socket = await factory.Server.CreateWebSocketClient().ConnectAsync(new Uri($"ws://localhost/v1/session/{sessionId}/stream"), CancellationToken.None);
        JsonObject frame;
        do
        {
            frame = await ChatTests.ReceiveAsync(socket);
        }
        while (frame["type"]!.GetValue<string>() != "chat_end");
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }
}
