using System.Net.Http.Json;
using System.Text.Json;
using VirtualBanker.Api.Tests.Surfaces.Customer;

namespace VirtualBanker.Api.Tests.Surfaces.Workspace;

/// <summary>Contract 004's WS /ws: {type, content, session_id} on the one pipeline.</summary>
public sealed class WorkspaceSocketTests(VirtualBankerFactory factory) : IClassFixture<VirtualBankerFactory>
{
    [Fact]
    public async Task Message_WithoutSession_UsesTheUsersChat_AndFramesCarryTheSessionId()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var socket = await Connect(fixture.AccessToken);

        await ChatTests.SendAsync(socket, new { type = "message", content = "what is my balance?" });
        var frames = await ChatTests.ReceiveUntilAsync(socket, "chat_end");

        Assert.StartsWith("Your total balance is $5,800.00.", frames[^1]["content"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.All(frames, f => Assert.StartsWith("sess_", f["session_id"]!.GetValue<string>(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Message_ToAnotherUsersSession_GetsAnErrorFrame()
    {
        var owner = await CustomerFixture.CreateAsync(factory);
        using var ownerClient = factory.CreateClient(owner.AccessToken);
        var sessionId = JsonDocument.Parse(await (await ownerClient.PostAsJsonAsync("/v1/session/message", new { message = "hello" })).Content.ReadAsStringAsync())
            .RootElement.GetProperty("session_id").GetString();
        var other = await CustomerFixture.CreateAsync(factory);
        using var socket = await Connect(other.AccessToken);

        await ChatTests.SendAsync(socket, new { type = "message", content = "hi", session_id = sessionId });
        var reply = await ChatTests.ReceiveAsync(socket);

        Assert.Equal("error", reply["type"]!.GetValue<string>());
        Assert.Equal("No such session.", reply["message"]!.GetValue<string>());
    }

    private Task<System.Net.WebSockets.WebSocket> Connect(string token) =>
        factory.Server.CreateWebSocketClient().ConnectAsync(new Uri($"ws://localhost/ws?access_token={token}"), CancellationToken.None);
}
