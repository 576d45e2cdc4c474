using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using VirtualBanker.Api.Hosting;
using VirtualBanker.Core.Conversations;
using VirtualBanker.Core.Errors;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Sessions;
using VirtualBanker.Core.Tenancy;

namespace VirtualBanker.Api.Surfaces.Gateway;

public sealed record SessionMessageRequest(
    [property: MaxLength(64)] string? SessionId,
    [property: MaxLength(64)] string? PersonaId,
    [property: Required, MinLength(1), MaxLength(4000)] string? Message,
    [property: MaxLength(10)] string[]? Attachments,
    JsonObject? Metadata);

public sealed record SessionActionRequest(
    [property: MaxLength(64)] string? SessionId,
    [property: MaxLength(64)] string? PersonaId,
    [property: Required, MinLength(1), MaxLength(200)] string? Action,
    JsonObject? Metadata);

public sealed record SessionEventResponse(string SessionId, string EventId);

internal static class SessionEndpoints
{
    public static RouteGroupBuilder MapSessionEndpoints(this RouteGroupBuilder group)
    {
        group.MapPost("/message", MessageAsync).AcceptsIdempotencyKey();
        group.MapPost("/action", ActionAsync).AcceptsIdempotencyKey();
        group.MapGet("/{sessionId}/events", Events).LongLived().AcceptsLastEventId();
        group.MapGet("/{sessionId}/stream", StreamAsync).LongLived().DescribedAsWebSocket();
        return group;
    }

    /// <summary>Queues a message for the agent (topic conversation.inbound); a new session is opened when none is given.</summary>
    public static async Task<Ok<SessionEventResponse>> MessageAsync(
        SessionMessageRequest request, ICurrentPrincipal principal, ChatSessionService sessions, ConversationService conversations, HttpRequest http, CancellationToken cancellationToken)
    {
        if (request.Attachments?.Any(a => a is null || a.Length > 2048) == true)
        {
            throw new AppException(AppError.Validation("attachments", "Each attachment is a reference of at most 2,048 characters."));
        }

        var session = await SessionAsync(request.SessionId, request.PersonaId, principal, sessions, cancellationToken);
        var extra = new JsonObject
        {
            ["attachments"] = new JsonArray([.. (request.Attachments ?? []).Select(a => (JsonNode)a)]),
            ["metadata"] = request.Metadata?.DeepClone(),
        };
        var inbound = await conversations.SendAsync(session, EventTypes.Message, request.Message!, IdempotencyKey(http), cancellationToken, extra);
        return TypedResults.Ok(new SessionEventResponse(session.Id, inbound.Sequence.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>Posts an action in a session: the customer's answer to a confirmation, or a tool action. Idempotent with the Idempotency-Key header.</summary>
    public static async Task<Ok<SessionEventResponse>> ActionAsync(
        SessionActionRequest request, ICurrentPrincipal principal, ChatSessionService sessions, ConversationService conversations, HttpRequest http, CancellationToken cancellationToken)
    {
        var session = await SessionAsync(request.SessionId, request.PersonaId, principal, sessions, cancellationToken);

        // The customer's answer to a proposed action (confirmation_required): "confirm" or "cancel" with metadata.confirmation_id.
        // Only the customer's own token or portal session may give it; an integrator's API key gets a 404.
        if (request.Action is "confirm" or "cancel" && request.Metadata?["confirmation_id"] is JsonValue id && Guid.TryParse(id.ToString(), out var confirmationId))
        {
            var (_, answer) = await conversations.AnswerConfirmationAsync(session, confirmationId, request.Action == "confirm", principal, "gateway", cancellationToken);
            return TypedResults.Ok(new SessionEventResponse(session.Id, answer.Sequence.ToString(CultureInfo.InvariantCulture)));
        }

        var inbound = await conversations.SendAsync(session, EventTypes.Action, request.Action!, IdempotencyKey(http), cancellationToken,
            new JsonObject { ["metadata"] = request.Metadata?.DeepClone() });
        return TypedResults.Ok(new SessionEventResponse(session.Id, inbound.Sequence.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>
    /// The session's outbound events as Server-Sent Events; Last-Event-ID resumes after that event. The
    /// stream ends when the server shuts down, so the client reconnects (to another node) at once.
    /// </summary>
    /// <remarks>
    /// Event names: chat_start, chat_chunk, tool_call, tool_result, confirmation_required, chat_end, handoff and error;
    /// each event's data is a JSON object with type, id and reply_to, described field by field in the AsyncAPI document
    /// (/asyncapi/virtualbanker.json). A comment line keeps the stream alive every 15 s; retry: 3000 is sent first.
    /// </remarks>
    public static async Task<EventStreamResult<JsonObject>> Events(string sessionId, ICurrentPrincipal principal, IServiceScopeFactory scopes, ConversationStream stream,
        TenantContext tenant, HttpRequest http, IHostApplicationLifetime lifetime, CancellationToken cancellationToken)
    {
        var session = await OpenSessionAsync(scopes, sessionId, principal, tenant.TenantId!, cancellationToken);
        var after = ConversationSockets.ResumePoint(http) ?? 0;
        var open = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        http.HttpContext.Response.RegisterForDispose(open);
        return new EventStreamResult<JsonObject>(ConversationSockets.EventsAsync(stream, tenant.TenantId!, session.Id, after, ConversationSockets.OutboundFrame, open.Token));
    }

    /// <summary>The same events over a WebSocket, one JSON object per message.</summary>
    public static async Task StreamAsync(string sessionId, HttpContext context, ICurrentPrincipal principal, IServiceScopeFactory scopes, ConversationStream stream, TenantContext tenant)
    {
        if (await ConversationSockets.RejectUnlessWebSocketAsync(context))
        {
            return;
        }

        var session = await OpenSessionAsync(scopes, sessionId, principal, tenant.TenantId!, context.RequestAborted);
        using var accepted = await ConversationSockets.AcceptAsync(context, principal, closeWhenIdle: false);
        if (accepted is null)
        {
            return;
        }

        var channel = accepted.Channel;
        using var stop = new CancellationTokenSource(); // cancelled once the receive loop ends (see ReceiveLoopAsync)
        using var follower = ConversationSockets.Follow(accepted, stream, tenant.TenantId!, session.Id, ConversationSockets.ResumePoint(context.Request) ?? 0, ConversationSockets.OutboundFrame, stop.Token);

        // The stream is one-way; reading only notices the client closing (or misbehaving).
        await ConversationSockets.ReceiveLoopAsync(accepted, _ =>
            channel.SendAsync(ConversationSockets.ErrorFrame("This stream is read-only; send messages with POST /v1/session/message."), stop.Token), stop.Token);

        await stop.CancelAsync();
    }

    /// <summary>
    /// The caller's open session, looked up in a scope of its own: the stream that follows outlives the request's services (see
    /// InScopeAsync). The scope gets the request's tenant: an anonymous caller's (GATEWAY_REQUIRE_AUTH=false) is the default one.
    /// </summary>
    private static Task<Session> OpenSessionAsync(IServiceScopeFactory scopes, string sessionId, ICurrentPrincipal principal, string tenantId, CancellationToken cancellationToken) =>
        ConversationSockets.InScopeAsync(scopes, async services =>
        {
            services.GetRequiredService<TenantContext>().UseTenant(tenantId);
            var session = await services.GetRequiredService<ChatSessionService>().GetForCallerAsync(sessionId, principal, cancellationToken);
            services.GetRequiredService<ConversationService>().EnsureOpen(session);
            return session;
        });

    private static async Task<Session> SessionAsync(string? sessionId, string? personaId, ICurrentPrincipal principal, ChatSessionService sessions, CancellationToken cancellationToken) =>
        string.IsNullOrEmpty(sessionId)
            ? await sessions.CreateAsync(principal, personaId, cancellationToken)
            : await sessions.GetForCallerAsync(sessionId, principal, cancellationToken);

    private static string? IdempotencyKey(HttpRequest request) =>
        request.Headers["Idempotency-Key"].FirstOrDefault() is { Length: > 0 and <= 128 } key ? key : null;
}
