using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using VirtualBanker.Api.Tests.Surfaces.Customer;

namespace VirtualBanker.Api.Tests.Surfaces.Gateway;

/// <summary>A server whose streams send their keep-alive comment every second.</summary>
public sealed class HeartbeatFactory : VirtualBankerFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Streams:HeartbeatSeconds"] = "1" };
}

/// <summary>Contract 002's SSE stream as a literal client meets it: open at once, told when to retry, kept alive while quiet.</summary>
public sealed class EventStreamTests(HeartbeatFactory factory) : IClassFixture<HeartbeatFactory>
{
    [Fact]
    public async Task AQuietStream_AnswersAtOnce_WithRetry_AndAKeepAliveComment_EvenWithALastEventIdPastTheEnd()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var client = factory.CreateClient(fixture.AccessToken);
        var posted = await client.PostAsJsonAsync("/v1/session/message", new { message = "hello" });
        var sessionId = JsonNode.Parse(await posted.Content.ReadAsStringAsync())!["session_id"]!.GetValue<string>();
        await GatewayTests.ReadSseAsync(client, $"/v1/session/{sessionId}/events", null, "chat_end"); // the answer is in: now it is quiet

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/session/{sessionId}/events");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        request.Headers.Add("Last-Event-ID", "999999");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        Assert.Equal("retry: 3000", await reader.ReadLineAsync(timeout.Token));
        Assert.Equal("", await reader.ReadLineAsync(timeout.Token));
        Assert.Equal(": keep-alive", await reader.ReadLineAsync(timeout.Token));
    }
}
