using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using VirtualBanker.Api.Tests.Surfaces.Portal;

namespace VirtualBanker.Api.Tests.Surfaces.Customer;

/// <summary>A chat socket is authenticated at its handshake; its token's expiry, its login's logout and its API key's revocation or expiry still close it (4001).</summary>
public sealed class SocketTokenTests(FakeClockFactory factory) : IClassFixture<FakeClockFactory>
{
    [Fact]
    public async Task Logout_ClosesTheCustomersOpenChatSocket()
    {
        var token = await RegisterAsync();
        using var socket = await ConnectAsync(token);
        Assert.Equal("pong", await PingAsync(socket));

        using var client = factory.CreateClient(token);
        (await client.PostAsync("/api/auth/logout", null)).EnsureSuccessStatusCode();
        factory.Clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal((WebSocketCloseStatus)4001, await RealtimeSignalingTests.ClosedWithAsync(socket));
    }

    [Fact]
    public async Task TokenExpiry_ClosesTheOpenChatSocket_WhileAFreshTokensSocketStaysOpen()
    {
        var token = await RegisterAsync();
        using var socket = await ConnectAsync(token);
        Assert.Equal("pong", await PingAsync(socket));

        // Access tokens live 15 minutes; the socket outlives its token by nothing more than one check.
        factory.Clock.Advance(TimeSpan.FromMinutes(14));
        var fresh = await RegisterAsync();
        using var other = await ConnectAsync(fresh);
        factory.Clock.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal((WebSocketCloseStatus)4001, await RealtimeSignalingTests.ClosedWithAsync(socket));
        Assert.Equal("pong", await PingAsync(other));
    }

    [Fact]
    public async Task RevokingAnApiKey_ClosesTheSocketsOpenedWithIt()
    {
        using var admin = await Management.Admin.ClientAsync(factory);
        var created = JsonNode.Parse(await (await admin.PostAsJsonAsync("/v1/keys", new { label = "site", scopes = new[] { "chat" } })).Content.ReadAsStringAsync())!;
        var keyClient = factory.Server.CreateWebSocketClient();
        keyClient.ConfigureRequest = request => request.Headers["X-API-Key"] = created["secret"]!.GetValue<string>();
        using var socket = await keyClient.ConnectAsync(new Uri($"ws://localhost/ws/chat/site-{Guid.NewGuid():N}"), CancellationToken.None);
        Assert.Equal("pong", await PingAsync(socket));

        Assert.True((await admin.DeleteAsync($"/v1/keys/{created["key_id"]!.GetValue<string>()}")).IsSuccessStatusCode);
        factory.Clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal((WebSocketCloseStatus)4001, await RealtimeSignalingTests.ClosedWithAsync(socket));
    }

    [Fact]
    public async Task AnApiKeysExpiry_ClosesTheSocketsOpenedWithIt()
    {
        using var admin = await Management.Admin.ClientAsync(factory);
        var expires = factory.Clock.GetUtcNow().UtcDateTime.AddMinutes(10);
        var created = JsonNode.Parse(await (await admin.PostAsJsonAsync("/v1/keys", new { label = "short-lived", scopes = new[] { "chat" }, expires_at = expires })).Content.ReadAsStringAsync())!;
        var keyClient = factory.Server.CreateWebSocketClient();
        keyClient.ConfigureRequest = request => request.Headers["X-API-Key"] = created["secret"]!.GetValue<string>();
        using var socket = await keyClient.ConnectAsync(new Uri($"ws://localhost/ws/chat/site-{Guid.NewGuid():N}"), CancellationToken.None);
        Assert.Equal("pong", await PingAsync(socket));

        factory.Clock.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal("pong", await PingAsync(socket));
        factory.Clock.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal((WebSocketCloseStatus)4001, await RealtimeSignalingTests.ClosedWithAsync(socket));
    }

    private async Task<string> RegisterAsync()
    {
        using var client = factory.CreateClient();
        var response = await client.PostAsJsonAsync("/api/auth/register", new { email = $"socket-{Guid.NewGuid():N}@bankbot.dev", password = "Socket-Token-Pass-7", name = "Socket User" });
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["access_token"]!.GetValue<string>();
    }

    private Task<WebSocket> ConnectAsync(string token) =>
        factory.Server.CreateWebSocketClient().ConnectAsync(new Uri($"ws://localhost/api/ai/chat/ws?access_token={token}"), CancellationToken.None);

    private static async Task<string?> PingAsync(WebSocket socket)
    {
        await socket.SendAsync("{\"type\":\"ping\"}"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        return (await ChatTests.ReceiveAsync(socket))["type"]?.GetValue<string>();
    }
}
