using System.Buffers;
using System.ComponentModel.DataAnnotations;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace VirtualBanker.Api.Hosting;

public sealed class EventStreamOptions
{
    public const string Section = "Streams";

    /// <summary>A comment line this often while a stream is quiet, so proxies and clients that time out idle connections keep it.</summary>
    [Range(1, 300)]
    public int HeartbeatSeconds { get; set; } = 15;

    /// <summary>The <c>retry:</c> a stream opens with: how long an EventSource waits before it reconnects.</summary>
    [Range(100, 600_000)]
    public int RetryMilliseconds { get; set; } = 3000;
}

/// <summary>
/// Server-Sent Events written so that a stream says it is open before anything happens: the status line and headers go out at
/// once with <c>retry:</c> (a client waiting for a quiet session's headers used to time out, with a <c>Last-Event-ID</c> at the end
/// too), then every event as <c>event</c>, <c>id</c> and <c>data</c>, and a <c>: keep-alive</c> comment every
/// <see cref="EventStreamOptions.HeartbeatSeconds"/>. <c>TypedResults.ServerSentEvents</c> writes nothing until the first event and
/// has no comments.
/// </summary>
internal sealed class EventStreamResult<T>(IAsyncEnumerable<SseItem<T>> items) : IResult, IEndpointMetadataProvider
    where T : JsonNode
{
    /// <summary>The OpenAPI documents describe the answer as <c>text/event-stream</c>.</summary>
    public static void PopulateMetadata(System.Reflection.MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(SseItem<T>), ["text/event-stream"]));

    private static readonly byte[] KeepAlive = ": keep-alive\n\n"u8.ToArray();

    public async Task ExecuteAsync(HttpContext context)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<EventStreamOptions>>().Value;
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no"; // nginx: pass each event on at once
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var body = response.BodyWriter;
        var cancellationToken = context.RequestAborted;

        body.Write(Encoding.UTF8.GetBytes($"retry: {options.RetryMilliseconds}\n\n"));
        await body.FlushAsync(cancellationToken);

        using var heartbeat = new PeriodicTimer(TimeSpan.FromSeconds(options.HeartbeatSeconds));
        await using var events = items.GetAsyncEnumerator(cancellationToken);
        try
        {
            var next = events.MoveNextAsync().AsTask();
            var tick = heartbeat.WaitForNextTickAsync(cancellationToken).AsTask();
            while (true)
            {
                if (await Task.WhenAny(next, tick) == tick)
                {
                    await tick;
                    body.Write(KeepAlive);
                    tick = heartbeat.WaitForNextTickAsync(cancellationToken).AsTask();
                }
                else if (await next)
                {
                    Write(body, events.Current);
                    next = events.MoveNextAsync().AsTask();
                }
                else
                {
                    return;
                }

                await body.FlushAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    private static void Write(IBufferWriter<byte> body, SseItem<T> item)
    {
        var text = new StringBuilder();
        if (item.EventType is { Length: > 0 } type)
        {
            text.Append("event: ").Append(type).Append('\n');
        }

        if (item.EventId is { Length: > 0 } id)
        {
            text.Append("id: ").Append(id).Append('\n');
        }

        text.Append("data: ").Append(item.Data.ToJsonString()).Append("\n\n");
        body.Write(Encoding.UTF8.GetBytes(text.ToString()));
    }
}
