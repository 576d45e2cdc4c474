using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using VirtualBanker.Api.Tests.Surfaces.Customer;

namespace VirtualBanker.Api.Tests.Surfaces.Gateway;

public sealed record SseEvent(string? Id, string? Event, JsonObject Data);

/// <summary>Contract 002's conversation channels on the one pipeline.</summary>
public sealed class GatewayTests(VirtualBankerFactory factory) : IClassFixture<VirtualBankerFactory>
{
    [Fact]
    public async Task Message_ThenSse_StreamsTheAnswerWithIncreasingIds_AndResumesAfterLastEventId()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var client = factory.CreateClient(fixture.AccessToken);

        var posted = await client.PostAsJsonAsync("/v1/session/message", new { message = "what is my balance?", attachments = Array.Empty<string>(), metadata = new { channel = "test" } });
        var body = JsonDocument.Parse(await posted.Content.ReadAsStringAsync()).RootElement;
        var sessionId = body.GetProperty("session_id").GetString()!;

        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.StartsWith("sess_", sessionId, StringComparison.Ordinal);
        Assert.Equal("1", body.GetProperty("event_id").GetString());
        var events = await ReadSseAsync(client, $"/v1/session/{sessionId}/events", lastEventId: null, until: "chat_end");
        Assert.Equal("chat_start", events[0].Event);
        Assert.Contains(events, e => e.Event == "tool_result" && e.Data["name"]!.GetValue<string>() == "get_balances");
        Assert.StartsWith("Your total balance is $5,800.00.", events[^1].Data["content"]!.GetValue<string>(), StringComparison.Ordinal);
        var ids = events.Select(e => long.Parse(e.Id!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(ids.Order(), ids);

        var resumed = await ReadSseAsync(client, $"/v1/session/{sessionId}/events", lastEventId: events[2].Id, until: "chat_end");
        Assert.Equal(events.Skip(3).Select(e => e.Id), resumed.Select(e => e.Id));
    }

    [Fact]
    public async Task SecondMessage_InTheSameSession_AndWebSocketStream()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var client = factory.CreateClient(fixture.AccessToken);
        var first = JsonDocument.Parse(await (await client.PostAsJsonAsync("/v1/session/message", new { message = "hello" })).Content.ReadAsStringAsync()).RootElement;
        var sessionId = first.GetProperty("session_id").GetString()!;

        var ws = factory.Server.CreateWebSocketClient();
        using var socket = await ws.ConnectAsync(new Uri($"ws://localhost/v1/session/{sessionId}/stream?access_token={fixture.AccessToken}"), CancellationToken.None);
        var greeting = await ChatTests.ReceiveUntilAsync(socket, "chat_end");
        await client.PostAsJsonAsync("/v1/session/message", new { session_id = sessionId, message = "how much did I spend on groceries?" });
        var second = await ChatTests.ReceiveUntilAsync(socket, "chat_end");

        Assert.StartsWith("Hello!", greeting[^1]["content"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("You spent $150.00 on Groceries in the last 30 days.", second[^1]["content"]!.GetValue<string>());
        Assert.True(second[0]["id"]!.GetValue<long>() > greeting[^1]["id"]!.GetValue<long>());
    }

    [Fact]
    public async Task AnotherUsersSession_IsNotFoundOnEveryRoute()
    {
        var owner = await CustomerFixture.CreateAsync(factory);
        var other = await CustomerFixture.CreateAsync(factory);
        using var ownerClient = factory.CreateClient(owner.AccessToken);
        var sessionId = JsonDocument.Parse(await (await ownerClient.PostAsJsonAsync("/v1/session/message", new { message = "hello" })).Content.ReadAsStringAsync())
            .RootElement.GetProperty("session_id").GetString()!;
        using var intruder = factory.CreateClient(other.AccessToken);

        var message = await intruder.PostAsJsonAsync("/v1/session/message", new { session_id = sessionId, message = "hi" });
        var action = await intruder.PostAsJsonAsync("/v1/session/action", new { session_id = sessionId, action = "reset" });
        var events = await intruder.GetAsync($"/v1/session/{sessionId}/events");

        Assert.Equal(HttpStatusCode.NotFound, message.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, action.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, events.StatusCode);
        Assert.Equal("application/problem+json", events.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await intruder.GetAsync("/v1/session/..%2F..%2Fetc%2Fpasswd/events")).StatusCode);
    }

    [Fact]
    public async Task Anonymous_IsRefused_AndBadBodiesAre400()
    {
        using var anonymous = factory.CreateClient();
        using var client = factory.CreateClient(await factory.LoginAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/v1/session/message", new { message = "hi" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync("/v1/session/message", new { message = "" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync("/v1/session/message", new { message = "hi", attachments = new[] { new string('x', 3000) } })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsJsonAsync("/v1/session/message", new { message = "hi", persona_id = "no-such-persona" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync("/v1/session/action", new { metadata = new { } })).StatusCode);
    }

    [Fact]
    public async Task IdempotencyKey_RepeatedMessage_IsStoredAndRunOnce()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var client = factory.CreateClient(fixture.AccessToken);
        var sessionId = JsonDocument.Parse(await (await client.PostAsJsonAsync("/v1/session/message", new { message = "hello" })).Content.ReadAsStringAsync())
            .RootElement.GetProperty("session_id").GetString()!;
        await ReadSseAsync(client, $"/v1/session/{sessionId}/events", null, "chat_end");

        async Task<string> SendAsync()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/v1/session/message") { Content = JsonContent.Create(new { session_id = sessionId, message = "thanks" }) };
            request.Headers.Add("Idempotency-Key", "thanks-once");
            return JsonDocument.Parse(await (await client.SendAsync(request)).Content.ReadAsStringAsync()).RootElement.GetProperty("event_id").GetString()!;
        }

        var first = await SendAsync();
        var again = await SendAsync();
        var events = await ReadSseAsync(client, $"/v1/session/{sessionId}/events", first, "chat_end");

        Assert.Equal(first, again);
        Assert.Single(events, e => e.Event == "chat_start");
    }

    [Fact]
    public async Task IdempotencyKey_ReusedWithAnotherMessage_Is422_AndStoresNothing()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var client = factory.CreateClient(fixture.AccessToken);

        async Task<HttpResponseMessage> SendAsync(string? sessionId, string message)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/v1/session/message") { Content = JsonContent.Create(new { session_id = sessionId, message }) };
            request.Headers.Add("Idempotency-Key", "key-1");
            return await client.SendAsync(request);
        }

        var first = await SendAsync(null, "hello");
        var sessionId = JsonDocument.Parse(await first.Content.ReadAsStringAsync()).RootElement.GetProperty("session_id").GetString()!;
        await ReadSseAsync(client, $"/v1/session/{sessionId}/events", null, "chat_end");
        var reused = await SendAsync(sessionId, "transfer everything");

        Assert.Equal((HttpStatusCode)422, reused.StatusCode);
        Assert.Contains("idempotency_key_reused", await reused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var log = JsonDocument.Parse(await client.GetStringAsync($"/api_log_get?session_id={sessionId}")).RootElement.ToString();
        Assert.DoesNotContain("transfer everything", log, StringComparison.Ordinal);
    }

    internal static async Task<List<SseEvent>> ReadSseAsync(HttpClient client, string path, string? lastEventId, string until)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        var events = new List<SseEvent>();
        string? id = null, type = null, data = null;
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.Length == 0)
            {
                if (data is not null)
                {
                    events.Add(new SseEvent(id, type, JsonNode.Parse(data)!.AsObject()));
                    if (type == until)
                    {
                        return events;
                    }
                }

                (id, type, data) = (null, null, null);
            }
            else if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = line[4..];
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line[6..];
            }
        }

        return events;
    }
}

public sealed class RequeueTests(ScriptedProviderFactory factory) : IClassFixture<ScriptedProviderFactory>
{
    [Fact]
    public async Task FailedRun_IsListed_ResolvedWithPublish_RunsAgain_AndCanBeDeleted()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var client = factory.CreateClient(fixture.AccessToken);
        using var admin = factory.CreateClient(await factory.LoginAsync("admin@bankbot.dev", VirtualBankerFactory.AdminPassword));
        factory.Exploding = true;
        var sessionId = JsonDocument.Parse(await (await client.PostAsJsonAsync("/v1/session/message", new { message = "please explode" })).Content.ReadAsStringAsync())
            .RootElement.GetProperty("session_id").GetString()!;

        JsonElement item = default;
        for (var i = 0; i < 100 && item.ValueKind == JsonValueKind.Undefined; i++)
        {
            var list = JsonDocument.Parse(await admin.GetStringAsync("/v1/requeue")).RootElement;
            item = list.EnumerateArray().FirstOrDefault(r => r.GetProperty("session_id").GetString() == sessionId);
            await Task.Delay(50);
        }

        Assert.NotEqual(JsonValueKind.Undefined, item.ValueKind);
        Assert.Equal(3, item.GetProperty("attempts").GetInt32());
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/v1/requeue")).StatusCode);
        var id = item.GetProperty("requeue_id").GetGuid();

        factory.Exploding = false;
        var resolved = await admin.PostAsync($"/v1/requeue/{id}/resolve?publish=true", null);
        Assert.Equal("republished", JsonDocument.Parse(await resolved.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
        var rerun = await GatewayTests.ReadSseAsync(client, $"/v1/session/{sessionId}/events", null, "chat_end");
        Assert.Equal("Partial echo: please explode", rerun[^1].Data["content"]!.GetValue<string>());
        Assert.DoesNotContain(JsonDocument.Parse(await admin.GetStringAsync("/v1/requeue")).RootElement.EnumerateArray(), r => r.GetProperty("requeue_id").GetGuid() == id);

        Assert.Equal("deleted", JsonDocument.Parse(await (await admin.DeleteAsync($"/v1/requeue/{id}")).Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/v1/requeue/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync($"/v1/requeue/{Guid.NewGuid()}/resolve", null)).StatusCode);
    }
}
