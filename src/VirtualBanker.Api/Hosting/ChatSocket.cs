using System.Text.Json.Nodes;
using VirtualBanker.Core.Conversations;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Errors;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Observability;
using VirtualBanker.Core.Sessions;

namespace VirtualBanker.Api.Hosting;

/// <summary>
/// How one contract spells its chat frames: the type and field of a customer message, and whether the socket serves
/// several sessions (each frame names its <c>session_id</c>, and so does every frame sent back).
/// </summary>
/// <param name="Surface">A path of the contract's surface: its messages count against that surface's rate limit.</param>
/// <param name="AnswersAsMessages">
/// Answers go out whole, in the contract's <c>message</c> form (<see cref="ConversationSockets.MessageFrame"/>), unless the client
/// asks for the streaming frames with <c>?frames=stream</c>.
/// </param>
internal sealed record ChatDialect(string MessageType, string ContentField, bool PerFrameSession, PathString Surface, bool AnswersAsMessages = false)
{
    /// <summary>Contract 001: <c>{"type":"chat","message":"..."}</c>.</summary>
    public static readonly ChatDialect Customer = new("chat", "message", PerFrameSession: false, "/api/ai/chat/ws");

    /// <summary>Contract 003: <c>{"type":"message","content":"..."}</c>.</summary>
    public static readonly ChatDialect Management = new("message", "content", PerFrameSession: false, "/ws/chat/session", AnswersAsMessages: true);

    /// <summary>Contract 004: <c>{"type":"message","content":"...","session_id":"..."}</c>, several sessions on one socket.</summary>
    public static readonly ChatDialect Workspace = new("message", "content", PerFrameSession: true, "/ws");

    public string Usage => $"Send {{\"type\":\"{MessageType}\",\"{ContentField}\":\"...\"{(PerFrameSession ? ",\"session_id\":\"...\"" : "")}}}, "
        + "{\"type\":\"confirm\",\"confirmation_id\":\"...\"}, {\"type\":\"cancel\",\"confirmation_id\":\"...\"} or {\"type\":\"ping\"}.";
}

/// <summary>
/// The one routine of every text chat socket (customer, management, workspace): accepted under the caller's connection
/// cap and counted in the metrics, it streams its sessions' events (missed ones first) and takes the client's frames:
/// <c>ping</c>, a message, and <c>confirm</c>/<c>cancel</c> for an action the assistant proposed
/// (<c>confirmation_required</c>). The surfaces differ only in their <see cref="ChatDialect"/> and how a frame's session is found.
/// </summary>
internal static class ChatSocket
{
    /// <summary>
    /// Runs the socket until the client leaves. A plain HTTP request is refused first (400, no side effect). A socket of
    /// one session finds it with <paramref name="open"/> (its session and the id to stream from when the client does not
    /// resume; refusals are HTTP answers, before the upgrade); a socket of several sessions finds each frame's with
    /// <paramref name="sessionOf"/> and follows it from its first use.
    /// </summary>
    /// <remarks>
    /// This is the socket's only long-lived frame: endpoints return its task instead of awaiting it, and
    /// <paramref name="open"/> is let go once used. Thousands of sockets are idle, and each byte they hold counts.
    /// </remarks>
    public static async Task RunAsync(HttpContext context, ICurrentPrincipal principal, ChatDialect dialect,
        Func<IServiceProvider, CancellationToken, Task<(Session Session, long Current)>>? open,
        Func<IServiceProvider, JsonObject, CancellationToken, Task<Session>>? sessionOf = null)
    {
        if (await ConversationSockets.RejectUnlessWebSocketAsync(context))
        {
            return;
        }

        var services = context.RequestServices;
        var scopes = services.GetRequiredService<IServiceScopeFactory>();
        var resume = ConversationSockets.ResumePoint(context.Request);
        Session? session = null;
        var after = 0L;
        if (open is not null)
        {
            // Each database use in a scope of its own: the socket outlives the request's services (see InScopeAsync).
            (session, after) = await ConversationSockets.InScopeAsync(scopes, s => open(s, context.RequestAborted));
            after = resume ?? after;
            open = null;
        }

        using var accepted = await ConversationSockets.AcceptAsync(context, principal);
        if (accepted is null)
        {
            return;
        }

        services.GetRequiredService<MetricsCollector>().RecordWebSocketConnect(reconnect: resume is not null);
        var stream = services.GetRequiredService<ConversationStream>();
        var channel = accepted.Channel;
        using var stop = new CancellationTokenSource(); // cancelled once the receive loop ends (see ReceiveLoopAsync)
        // The socket's one session is followed from the start; a per-frame socket's sessions as frames name them. (No
        // map on the sockets of one session: thousands are idle, and each byte they hold counts.)
        var outbound = dialect.AnswersAsMessages && context.Request.Query["frames"] != "stream" ? MessageFrames
            : context.Request.Query["echo"] == "true" ? EchoingFrames : StreamingFrames;
        using var follower = session is null ? null
            : ConversationSockets.Follow(accepted, stream, principal.TenantId!, session.Id, after, outbound, stop.Token);
        var followers = session is null ? new Dictionary<string, IDisposable>(StringComparer.Ordinal) : null;
        void Follow(Session followed, long from)
        {
            if (followers is not null && !followers.ContainsKey(followed.Id))
            {
                followers[followed.Id] = ConversationSockets.Follow(accepted, stream, principal.TenantId!, followed.Id, from,
                    e => ConversationSockets.OutboundFrame(e) is { } f ? WithSession(f, e.SessionId) : null, stop.Token);
            }
        }

        try
        {
            await ConversationSockets.ReceiveLoopAsync(accepted, async frame =>
            {
                var type = frame.Text("type");
                if (type == "ping")
                {
                    await channel.SendAsync(new JsonObject { ["type"] = "pong" }, stop.Token);
                    return;
                }

                var content = type == dialect.MessageType ? frame.Text(dialect.ContentField) : null;
                var confirmation = type is "confirm" or "cancel" && Guid.TryParse(frame.Text("confirmation_id"), out var id) ? id : (Guid?)null;
                if (content is null && confirmation is null)
                {
                    await channel.SendAsync(ConversationSockets.ErrorFrame(dialect.Usage), stop.Token);
                    return;
                }

                // A message counts against the caller's budget like an HTTP request; over it, the socket says so and stays open.
                var limiter = services.GetRequiredService<RateLimiter>();
                if (limiter.Applies(dialect.Surface) && await limiter.CountAsync(principal, dialect.Surface, null, stop.Token) is { Over: true } limited)
                {
                    var refused = ConversationSockets.ErrorFrame(limited.Message);
                    refused["code"] = ErrorCodes.RateLimited;
                    refused["retry_after"] = limited.RetryAfterSeconds;
                    await channel.SendAsync(refused, stop.Token);
                    return;
                }

                try
                {
                    // A scope per frame: the socket outlives the request's services (see InScopeAsync).
                    await ConversationSockets.InScopeAsync(scopes, async frameServices =>
                    {
                        var target = session ?? await sessionOf!(frameServices, frame, stop.Token);
                        var conversations = frameServices.GetRequiredService<ConversationService>();
                        Follow(target, conversations.CurrentId(target));
                        return confirmation is { } answered
                            ? (await conversations.AnswerConfirmationAsync(target, answered, type == "confirm", principal, "websocket", stop.Token)).Inbound
                            : await conversations.SendAsync(target, EventTypes.Message, content!, null, stop.Token, new JsonObject { ["channel"] = "websocket" });
                    });
                }
                catch (AppException ex)
                {
                    var error = ConversationSockets.ErrorFrame(ex.Error.Message);
                    error["code"] = ex.Error.Code;
                    await channel.SendAsync(error, stop.Token);
                }
            }, stop.Token);
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var followed in followers?.Values ?? Enumerable.Empty<IDisposable>())
            {
                followed.Dispose();
            }
        }
    }

    // One delegate each for every socket, not one per socket.
    private static readonly Func<ConversationEvent, JsonObject?> StreamingFrames = ConversationSockets.OutboundFrame;
    private static readonly Func<ConversationEvent, JsonObject?> MessageFrames = ConversationSockets.MessageFrame;

    /// <summary>
    /// <c>?echo=true</c>: the customer's own messages come too (<c>{"type":"message","id","content","channel"}</c>), so a page
    /// that resumes a conversation from event 0 shows both sides, and tabs of one conversation see each other's questions.
    /// </summary>
    private static readonly Func<ConversationEvent, JsonObject?> EchoingFrames =
        e => e.Type == EventTypes.Message ? ConversationSockets.ToFrame(e) : ConversationSockets.OutboundFrame(e);

    private static JsonObject WithSession(JsonObject frame, string sessionId)
    {
        frame["session_id"] = sessionId;
        return frame;
    }
}
