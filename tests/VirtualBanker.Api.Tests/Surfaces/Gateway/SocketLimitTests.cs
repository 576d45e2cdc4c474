using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using VirtualBanker.Api.Tests.Surfaces.Customer;

namespace VirtualBanker.Api.Tests.Surfaces.Gateway;

public sealed class TightSocketsFactory : VirtualBankerFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Conversation:IdleTimeoutSeconds"] = "1",
        ["Conversation:MaxConnectionsPerUser"] = "2",
    };
}

/// <summary>Hostile or forgetful clients: idle sockets close, one user cannot hold unlimited sockets, ended sessions close their streams.</summary>
public sealed class SocketLimitTests(TightSocketsFactory factory) : IClassFixture<TightSocketsFactory>
{
    [Fact]
    public async Task IdleChatSocket_IsClosedWithGoingAway()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var socket = await ChatTests.Connect(factory, fixture.AccessToken);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var result = await socket.ReceiveAsync(new byte[1024], timeout.Token);

        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, result.CloseStatus);
    }

    [Fact]
    public async Task ConnectionsPerUser_AreCapped()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var first = await ChatTests.Connect(factory, fixture.AccessToken);
        using var second = await ChatTests.Connect(factory, fixture.AccessToken);

        var third = await Assert.ThrowsAnyAsync<Exception>(() => ChatTests.Connect(factory, fixture.AccessToken));
        Assert.Contains("429", third.Message, StringComparison.Ordinal);

        var other = await CustomerFixture.CreateAsync(factory);
        using var someoneElse = await ChatTests.Connect(factory, other.AccessToken);
        Assert.Equal(WebSocketState.Open, someoneElse.State);
    }

    [Fact]
    public async Task EndingTheSession_ClosesItsStreamWith4000_AndNewStreamsAre410()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var client = factory.CreateClient(fixture.AccessToken);
        var sessionId = JsonDocument.Parse(await (await client.PostAsJsonAsync("/v1/session/message", new { message = "hello" })).Content.ReadAsStringAsync())
            .RootElement.GetProperty("session_id").GetString()!;
        using var socket = await factory.Server.CreateWebSocketClient()
            .ConnectAsync(new Uri($"ws://localhost/v1/session/{sessionId}/stream?access_token={fixture.AccessToken}"), CancellationToken.None);
        await ChatTests.ReceiveUntilAsync(socket, "chat_end");

        await client.PostAsJsonAsync("/api_terminate_chat", new { session_id = sessionId });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var result = await socket.ReceiveAsync(new byte[1024], timeout.Token);

        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal(4000, (int)result.CloseStatus!);
        Assert.Equal(System.Net.HttpStatusCode.Gone, (await client.GetAsync($"/v1/session/{sessionId}/events")).StatusCode);
    }
}
