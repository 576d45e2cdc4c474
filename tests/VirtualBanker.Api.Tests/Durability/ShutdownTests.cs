using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using VirtualBanker.Api.Tests.Agents;

namespace VirtualBanker.Api.Tests.Durability;

/// <summary>Graceful shutdown of a real server process: what a rolling deploy does to the clients of the node it stops.</summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task Sigterm_ClosesSocketsWithGoingAway_EndsStreams_FinishesTheRequestInFlight_AndExitsCleanly()
    {
        await using var upstream = await FakeOpenAiServer.StartAsync();
        await using var node = await ServerNode.StartProcessAsync(new Dictionary<string, string>());
        var token = await node.CustomerTokenAsync();
        using var customer = node.Client(token);

        // A customer with a chat socket open and an event stream open on a conversation.
        var opened = await customer.PostAsJsonAsync("/v1/session/message", new { message = "Hello" });
        var sessionId = JsonNode.Parse(await opened.Content.ReadAsStringAsync())!["session_id"]!.GetValue<string>();
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://{node.Address.Authority}/api/ai/chat/ws?access_token={token}"), CancellationToken.None);
        using var events = new HttpRequestMessage(HttpMethod.Get, $"/v1/session/{sessionId}/events");
        using var stream = await customer.SendAsync(events, HttpCompletionOption.ResponseHeadersRead);
        using var sse = new StreamReader(await stream.Content.ReadAsStreamAsync());

        // And a question in flight over HTTP, its answer held up by the model.
        using var admin = node.Client(await node.AdminTokenAsync());
        var profile = await admin.PostAsJsonAsync("/v1/model-profiles", new
        {
            role = "chat", deployment_mode = "default", provider = "openai", model = "fake-gpt", base_url = upstream.BaseUrl, api_key = "test-key",
            parameters = new { timeout_seconds = 60 },
        });
        Assert.True(profile.IsSuccessStatusCode, await profile.Content.ReadAsStringAsync());
        upstream.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var inFlight = customer.PostAsJsonAsync("/api/ai/chat", new { message = "How much did I spend on groceries?" });
        await WaitForAsync(() => !upstream.Requests.IsEmpty);

        node.Terminate();

        // The socket is closed with 1001 "going away" and the event stream ends, at once: clients reconnect elsewhere.
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, await Surfaces.Portal.RealtimeSignalingTests.ClosedWithAsync(socket));
        using var soon = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (await sse.ReadLineAsync(soon.Token) is not null)
        {
        }

        // The request in flight is drained, not dropped: it gets its answer once the model gives it.
        Assert.False(inFlight.IsCompleted);
        upstream.Hold.SetResult();
        using var answered = await inFlight;
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(JsonNode.Parse(await answered.Content.ReadAsStringAsync())!["response"]?.GetValue<string>()));

        Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.DoesNotContain(node.Output, line => line.Contains("fail:", StringComparison.Ordinal) || line.Contains("crit:", StringComparison.Ordinal));
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(50);
        }
    }
}
