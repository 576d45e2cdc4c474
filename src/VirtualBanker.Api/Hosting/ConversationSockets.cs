using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using VirtualBanker.Core.Conversations;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Tenancy;

namespace VirtualBanker.Api.Hosting;

/// <summary>The WebSocket plumbing every chat surface shares: serialised sends, bounded receives, the event pump.</summary>
internal static class ConversationSockets
{
    public const int MaxFrameBytes = 16 * 1024;

    /// <summary>Close code sent when the session ends or expires (documented in the README).</summary>
    public const WebSocketCloseStatus SessionEnded = (WebSocketCloseStatus)4000;

    /// <summary>Close code sent when the socket's token expires or is revoked (logout): reconnect with a fresh token.</summary>
    public const WebSocketCloseStatus TokenEnded = (WebSocketCloseStatus)4001;

    /// <summary>
    /// For the endpoints of long-lived connections (sockets, SSE): no validation filter. Their parameters (route
    /// ids, services) have nothing to validate, and the filter's state would live as long as the connection: with
    /// 10,000 idle sockets, 5 MiB. Do not add a parameter that needs validating to such an endpoint.
    /// </summary>
    public static RouteHandlerBuilder LongLived(this RouteHandlerBuilder endpoint) => endpoint.DisableValidation();

    /// <summary>
    /// Answers a plain HTTP request to a socket endpoint with a 400 in the surface's shape; true when it did.
    /// Called before anything else, so such a request has no side effect (no session is looked up or created).
    /// </summary>
    public static async Task<bool> RejectUnlessWebSocketAsync(HttpContext context)
    {
        if (context.WebSockets.IsWebSocketRequest)
        {
            return false;
        }

        await ErrorRenderer.WriteAsync(context, Core.Errors.AppError.BadRequest("This endpoint speaks WebSocket only."));
        return true;
    }

    /// <summary>
    /// Accepts the WebSocket if the caller is under their connection cap (else a 429 in the surface's
    /// shape, and null), and hands it to the <see cref="SocketWatch"/>. Dispose the result when the socket closes.
    /// With <paramref name="closeWhenIdle"/> (all but one-way streams), a client silent for the idle timeout is
    /// sent away (1001); such a client must send (the contracts' ping) and so keeps proxies' idle timers going
    /// itself, and the server sends no keep-alive frames of its own (a timer less for each socket).
    /// </summary>
    public static async Task<AcceptedSocket?> AcceptAsync(HttpContext context, ICurrentPrincipal principal, bool closeWhenIdle = true)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptions<ConversationOptions>>().Value;
        var counter = services.GetRequiredService<ConnectionCounter>();
        var caller = (principal.TenantId, principal.UserId?.ToString() ?? principal.SessionId);
        if (!counter.TryAcquire(caller, options.MaxConnectionsPerUser))
        {
            await ErrorRenderer.WriteAsync(context, Core.Errors.AppError.RateLimited($"At most {options.MaxConnectionsPerUser} open chat connections per user."));
            return null;
        }

        WebSocket socket;
        try
        {
            socket = await context.WebSockets.AcceptWebSocketAsync(closeWhenIdle
                ? new WebSocketAcceptContext { KeepAliveInterval = TimeSpan.Zero }
                : new WebSocketAcceptContext());
        }
        catch
        {
            counter.Release(caller);
            throw;
        }

        var watch = services.GetRequiredService<SocketWatch>();
        var accepted = new AcceptedSocket(socket, watch, counter, caller, closeWhenIdle ? TimeSpan.FromSeconds(options.IdleTimeoutSeconds) : null,
            services.GetRequiredService<ILogger<AcceptedSocket>>());

        // A portal session's sockets close with the session itself (4000), which also bounds its tokens.
        watch.Add(accepted, principal.IsSessionToken ? null : context.User);
        return accepted;
    }

    /// <summary>
    /// Runs <paramref name="work"/> with the services of a scope of its own. Socket and stream handlers use
    /// it instead of the request's services: the request lives as long as the connection, and a DbContext
    /// used in the request's scope (with its connection and EF's services, about 25 KiB) would stay alive
    /// all that time, for every idle socket. The scope's tenant is the caller's, as in the request's.
    /// </summary>
    public static async Task<T> InScopeAsync<T>(IServiceScopeFactory scopes, Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }

    /// <summary>Where a reconnecting client left off: <c>last_event_id</c> in the query, or the Last-Event-ID header.</summary>
    public static long? ResumePoint(HttpRequest request)
    {
        var raw = request.Query["last_event_id"].FirstOrDefault() ?? request.Headers["Last-Event-ID"].FirstOrDefault();
        return long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
    }

    /// <summary>What streams send for an event: everything but the caller's own inbound messages, which are not echoed.</summary>
    public static JsonObject? OutboundFrame(ConversationEvent e) =>
        e.Type is EventTypes.Message or EventTypes.Action or EventTypes.Confirmation ? null : ToFrame(e);

    /// <summary>
    /// Contract 003's <c>message</c> form: an answer arrives once, whole, as <c>{"type":"message","content","user_id","timestamp"}</c>
    /// (<c>user_id</c> is <c>assistant</c>, or the staff member's name when a person answers), with its <c>id</c> and <c>reply_to</c>. Its
    /// streaming (<c>chat_start</c>, chunks, tool calls) is left out; every other event (<c>confirmation_required</c>, <c>handoff</c>,
    /// <c>error</c>) goes as it is.
    /// </summary>
    public static JsonObject? MessageFrame(ConversationEvent e)
    {
        if (e.Type is EventTypes.ChatStart or EventTypes.ChatChunk or EventTypes.ToolCall or EventTypes.ToolResult)
        {
            return null;
        }

        if (e.Type != EventTypes.ChatEnd)
        {
            return OutboundFrame(e);
        }

        var payload = JsonNode.Parse(e.Payload)!.AsObject();
        return new JsonObject
        {
            ["type"] = "message",
            ["content"] = payload["content"]?.DeepClone(),
            ["user_id"] = payload["author"]?["name"]?.DeepClone() ?? "assistant",
            ["timestamp"] = DateTime.SpecifyKind(e.CreatedAt, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
            ["id"] = e.Sequence,
            ["reply_to"] = payload["reply_to"]?.DeepClone(),
        };
    }

    /// <summary>
    /// A session's events after <paramref name="after"/> as Server-Sent Events, each the frame <paramref name="frame"/> makes of it (null
    /// skips it), named by its type and identified by its id (what <c>Last-Event-ID</c> resumes from). Ends with the session or the token.
    /// </summary>
    public static async IAsyncEnumerable<System.Net.ServerSentEvents.SseItem<JsonObject>> EventsAsync(ConversationStream stream, string tenantId, string sessionId,
        long after, Func<ConversationEvent, JsonObject?> frame, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var events = stream.StreamAsync(tenantId, sessionId, after, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await events.MoveNextAsync())
                {
                    yield break;
                }
            }
            catch (Exception ex) when (ex is SessionClosedException or SubscriberOverflowException or OperationCanceledException)
            {
                yield break;
            }

            if (frame(events.Current) is { } framed)
            {
                yield return new System.Net.ServerSentEvents.SseItem<JsonObject>(framed, events.Current.Type)
                {
                    EventId = events.Current.Sequence.ToString(CultureInfo.InvariantCulture),
                };
            }
        }
    }

    /// <summary>A pipeline event as one JSON object: its payload, its type and its id (what clients resume from).</summary>
    public static JsonObject ToFrame(ConversationEvent e)
    {
        var frame = JsonNode.Parse(e.Payload)!.AsObject();
        frame["type"] = e.Type;
        frame["id"] = e.Sequence;
        return frame;
    }

    /// <summary>
    /// Reads JSON-object frames until the client closes or the connection ends (so the source that stops a
    /// socket's other loops once this one returns need not be linked to RequestAborted: a linked source would
    /// hold a registration on the request's token for the socket's whole life). An oversize frame closes the socket with 1009;
    /// anything that is not a JSON object gets an error frame and the socket stays open. Where the socket has
    /// an idle timeout, a client silent that long is sent away (1001, by the <see cref="SocketWatch"/>).
    /// <paramref name="cancellationToken"/> is for the replies it sends.
    /// </summary>
    public static async Task ReceiveLoopAsync(AcceptedSocket socket, Func<JsonObject, Task> onFrame, CancellationToken cancellationToken, int maxFrameBytes = MaxFrameBytes)
    {
        var channel = socket.Channel;
        while (channel.Socket.State == WebSocketState.Open)
        {
            socket.Touch();
            (string Text, bool TooLarge)? frame;
            try
            {
                // No token: cancelling a pending receive aborts the socket, and nothing needs to. The loop ends
                // with the connection, the client's close or ours (idle, token end, shutdown: see SocketWatch),
                // and a token would hold a registration for the socket's whole life.
                frame = await channel.ReceiveAsync(maxFrameBytes, CancellationToken.None);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                return;
            }

            if (frame is null)
            {
                return;
            }

            if (frame.Value.TooLarge)
            {
                await channel.CloseAsync(WebSocketCloseStatus.MessageTooBig, $"Frame larger than {maxFrameBytes / 1024} KiB.");
                return;
            }

            JsonObject? message;
            try
            {
                message = JsonNode.Parse(frame.Value.Text) as JsonObject;
            }
            catch (System.Text.Json.JsonException)
            {
                message = null;
            }

            if (message is null)
            {
                await channel.SendAsync(ErrorFrame("Frames must be JSON objects."), cancellationToken);
                continue;
            }

            await onFrame(message);
        }
    }

    public static JsonObject ErrorFrame(string message) => new() { ["type"] = "error", ["message"] = message };

    /// <summary>
    /// Forwards a session's events (missed ones first, then live) until disposed, the client leaves or it falls
    /// behind (closed with 1008), or the session ends (closed with 4000). Nothing of it waits between events.
    /// </summary>
    public static IDisposable Follow(AcceptedSocket socket, ConversationStream stream, string tenantId, string sessionId, long after,
        Func<ConversationEvent, JsonObject?> frame, CancellationToken cancellationToken)
    {
        var channel = socket.Channel;
        return stream.Follow(tenantId, sessionId, after,
            e => frame(e) is { } json ? channel.SendAsync(json, cancellationToken) : Task.CompletedTask,
            reason => _ = reason switch
            {
                SubscriberOverflowException => channel.CloseAsync(WebSocketCloseStatus.PolicyViolation, "Client too slow to read the stream."),
                SessionClosedException => channel.CloseAsync(SessionEnded, "The session has ended."),
                WebSocketException or OperationCanceledException or IOException => Task.CompletedTask, // the client went away or the socket is closing; the run goes on and its events stay in the log
                _ => socket.FailAsync(reason),
            },
            cancellationToken);
    }
}
