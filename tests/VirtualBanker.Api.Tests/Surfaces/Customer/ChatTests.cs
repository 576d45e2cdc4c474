using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VirtualBanker.Api.Tests.Surfaces.Customer;

/// <summary>Contract 001's chat channels on the real pipeline with the builtin (offline) assistant.</summary>
public sealed class ChatTests(VirtualBankerFactory factory) : IClassFixture<VirtualBankerFactory>
{
    [Fact]
    public async Task HttpChat_AnswersFromARealToolResult()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var client = factory.CreateClient(fixture.AccessToken);

        var response = await client.PostAsJsonAsync("/api/ai/chat", new { message = "What is my savings rate?" });
        var text = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("response").GetString();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Fixture: 3,000 in, 1,400 out over the last 30 days.
        Assert.Equal("Over the last 30 days your income was $3,000.00 and your spending $1,400.00, so your savings rate is 53.3% ($1,600.00 saved).", text);
    }

    [Theory]
    [InlineData("what's my balance?", "$5,800.00")]
    [InlineData("can I afford a $1,000 TV?", "Yes, you can afford it.")]
    [InlineData("show my transactions at Whole Foods", "You spent $150.00 at Whole Foods in the last 30 days, in 2 payments.")]
    [InlineData("what's the weather in Paris?", "outside what I can help with")]
    public async Task HttpChat_CommonQuestions(string message, string expected)
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var client = factory.CreateClient(fixture.AccessToken);

        var body = await (await client.PostAsJsonAsync("/api/ai/chat", new { message })).Content.ReadAsStringAsync();

        Assert.Contains(expected, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpChat_EmptyOrMissingMessage_Is400()
    {
        using var client = factory.CreateClient(await factory.LoginAsync());

        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync("/api/ai/chat", new { message = "" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync("/api/ai/chat", new { text = "hi" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.CreateClient().PostAsJsonAsync("/api/ai/chat", new { message = "hi" })).StatusCode);
    }

    [Fact]
    public async Task WebSocket_StreamsStartChunksToolResultAndEnd_AndAnswersPing()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var socket = await ConnectAsync(fixture.AccessToken);

        await SendAsync(socket, new { type = "ping" });
        Assert.Equal("pong", (await ReceiveAsync(socket))["type"]!.GetValue<string>());

        await SendAsync(socket, new { type = "chat", message = "What is my balance?" });
        var frames = await ReceiveUntilAsync(socket, "chat_end");

        Assert.Equal("chat_start", frames[0]["type"]!.GetValue<string>());
        var toolResult = frames.Single(f => f["type"]!.GetValue<string>() == "tool_result");
        Assert.Equal("get_balances", toolResult["name"]!.GetValue<string>());
        Assert.Equal(5800m, toolResult["result"]!["total_balance"]!.GetValue<decimal>());
        var chunks = frames.Where(f => f["type"]!.GetValue<string>() == "chat_chunk").Select(f => f["content"]!.GetValue<string>()).ToList();
        Assert.True(chunks.Count > 1, "the answer is streamed in several chunks");
        Assert.StartsWith("Your total balance is $5,800.00.", string.Concat(chunks), StringComparison.Ordinal);
        var ids = frames.Select(f => f["id"]!.GetValue<long>()).ToList();
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public async Task WebSocket_MalformedFrame_GetsAnErrorAndTheSocketStaysOpen()
    {
        using var socket = await ConnectAsync(await factory.LoginAsync());

        await socket.SendAsync(Encoding.UTF8.GetBytes("{not json"), WebSocketMessageType.Text, true, CancellationToken.None);
        var error = await ReceiveAsync(socket);
        await SendAsync(socket, new { type = "teleport" });
        var unknown = await ReceiveAsync(socket);
        await SendAsync(socket, new { type = "ping" });

        Assert.Equal("error", error["type"]!.GetValue<string>());
        Assert.Equal("error", unknown["type"]!.GetValue<string>());
        Assert.Equal("pong", (await ReceiveAsync(socket))["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task WebSocket_OversizeFrame_ClosesWith1009()
    {
        using var socket = await ConnectAsync(await factory.LoginAsync());

        await socket.SendAsync(Encoding.UTF8.GetBytes("{\"type\":\"chat\",\"message\":\"" + new string('a', 20_000) + "\"}"), WebSocketMessageType.Text, true, CancellationToken.None);
        var result = await socket.ReceiveAsync(new byte[1024], new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);

        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, result.CloseStatus);
    }

    [Fact]
    public async Task WebSocket_ImpersonationOrNoToken_IsRefusedBeforeTheUpgrade()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        var other = await CustomerFixture.CreateAsync(factory);

        var impersonation = await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(fixture.AccessToken, $"&user_id={other.UserId}"));
        var anonymous = await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(token: null));

        Assert.Contains("403", impersonation.Message, StringComparison.Ordinal);
        Assert.Contains("401", anonymous.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WebSocket_DisconnectMidAnswer_ReconnectWithLastEventIdGetsTheRestOnce()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        long lastSeen;
        using (var first = await ConnectAsync(fixture.AccessToken))
        {
            await SendAsync(first, new { type = "chat", message = "How much did I spend on groceries?" });
            var start = await ReceiveAsync(first);
            Assert.Equal("chat_start", start["type"]!.GetValue<string>());
            lastSeen = start["id"]!.GetValue<long>();
            first.Abort();
        }

        using var second = await ConnectAsync(fixture.AccessToken, $"&last_event_id={lastSeen}");
        var rest = await ReceiveUntilAsync(second, "chat_end");

        Assert.All(rest, f => Assert.True(f["id"]!.GetValue<long>() > lastSeen));
        Assert.DoesNotContain(rest, f => f["type"]!.GetValue<string>() == "chat_start");
        var answer = string.Concat(rest.Where(f => f["type"]!.GetValue<string>() == "chat_chunk").Select(f => f["content"]!.GetValue<string>()));
        Assert.Equal("You spent $150.00 on Groceries in the last 30 days.", answer);
        Assert.Equal(answer, rest.Last()["content"]!.GetValue<string>());
    }

    private Task<WebSocket> ConnectAsync(string? token, string extraQuery = "") => Connect(factory, token, extraQuery);

    internal static async Task<WebSocket> Connect(VirtualBankerFactory factory, string? token, string extraQuery = "")
    {
        var client = factory.Server.CreateWebSocketClient();
        var uri = new Uri(factory.Server.BaseAddress, $"/api/ai/chat/ws?access_token={token}{extraQuery}".Replace("ws?access_token=&", "ws?", StringComparison.Ordinal));
        return await client.ConnectAsync(new UriBuilder(uri) { Scheme = "ws" }.Uri, CancellationToken.None);
    }

    internal static Task SendAsync(WebSocket socket, object frame) =>
        socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(frame), WebSocketMessageType.Text, true, CancellationToken.None);

    internal static async Task<JsonObject> ReceiveAsync(WebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var buffer = new byte[64 * 1024];
        var count = 0;
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(new ArraySegment<byte>(buffer, count, buffer.Length - count), timeout.Token);
            count += result.Count;
        }
        while (!result.EndOfMessage);

        return JsonNode.Parse(Encoding.UTF8.GetString(buffer, 0, count))!.AsObject();
    }

    internal static async Task<List<JsonObject>> ReceiveUntilAsync(WebSocket socket, string type)
    {
        var frames = new List<JsonObject>();
        while (true)
        {
            var frame = await ReceiveAsync(socket);
            frames.Add(frame);
            if (frame["type"]!.GetValue<string>() == type)
            {
                return frames;
            }
        }
    }
}
