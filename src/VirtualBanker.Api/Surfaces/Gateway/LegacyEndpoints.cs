using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using VirtualBanker.Api.Hosting;
using VirtualBanker.Core.Conversations;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Errors;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Realtime;
using VirtualBanker.Core.Sessions;

namespace VirtualBanker.Api.Surfaces.Gateway;

public sealed record LegacyMessageRequest([property: MaxLength(64)] string? SessionId, [property: MaxLength(64)] string? PersonaId, [property: Required, MinLength(1), MaxLength(4000)] string? Message);

public sealed record LegacySessionRequest([property: Required, MaxLength(64)] string? SessionId);

public sealed record LegacyMessageResponse(string SessionId, string Response);

public sealed record LegacyLogResponse(string SessionId, IReadOnlyList<JsonObject> Events);

public sealed record LegacySessionResponse(string SessionId, string Status);

public sealed record RealtimeSessionRequest([property: MaxLength(64)] string? SessionId);

/// <summary>Where and how to signal for a session's voice/avatar call: the same data as contract 000's session config.</summary>
public sealed record RealtimeSessionResponse(string SessionId, string SignalingUrl, IReadOnlyList<IceServer> IceServers, DateTime ExpiresAt);

public sealed record LegacyFilesRequest([property: Required, MinLength(1), MaxLength(20)] List<string>? Paths);

/// <summary>Found files as base64 by path; paths that are not (or not yours) are listed in <c>missing</c>.</summary>
public sealed record LegacyFilesResponse(IReadOnlyDictionary<string, string> Files, IReadOnlyList<string> Missing);

/// <summary>Seed 002's legacy python API, kept for old clients; the same pipeline underneath.</summary>
internal static class LegacyEndpoints
{
    public static RouteGroupBuilder MapLegacyEndpoints(this RouteGroupBuilder group)
    {
        group.MapPost("/api_message", MessageAsync);
        group.MapGet("/api_log_get", LogFromQueryAsync);
        group.MapPost("/api_log_get", LogAsync);
        group.MapPost("/api_terminate_chat", TerminateAsync);
        group.MapPost("/api_reset_chat", ResetAsync);
        group.MapPost("/api_files_get", FilesAsync);
        group.MapPost("/realtime_session", RealtimeSessionAsync);
        return group;
    }

    /// <summary>
    /// The signaling endpoint and ICE servers of a session: the one named, the portal session of the token,
    /// or the signed-in customer's own chat session.
    /// </summary>
    public static async Task<Ok<RealtimeSessionResponse>> RealtimeSessionAsync(RealtimeSessionRequest? request, ICurrentPrincipal principal, ChatSessionService sessions,
        IceServers iceServers, CancellationToken cancellationToken)
    {
        var sessionId = request?.SessionId ?? (principal.IsSessionToken ? principal.SessionId : null);
        var session = sessionId is not null ? await sessions.GetForCallerAsync(sessionId, principal, cancellationToken)
            : principal.UserId is { } userId ? await sessions.GetOrCreateCustomerSessionAsync(userId, cancellationToken)
            : throw new AppException(AppError.Validation("session_id", "session_id is required."));
        return TypedResults.Ok(new RealtimeSessionResponse(session.Id, $"/v1/realtime/{session.Id}", iceServers.For(session.Id, session.ExpiresAt), session.ExpiresAt));
    }

    /// <summary>Sends a message and answers in the same response.</summary>
    public static async Task<Ok<LegacyMessageResponse>> MessageAsync(
        LegacyMessageRequest request, ICurrentPrincipal principal, ChatSessionService sessions, ConversationService conversations, CancellationToken cancellationToken)
    {
        var session = string.IsNullOrEmpty(request.SessionId)
            ? await sessions.CreateAsync(principal, request.PersonaId, cancellationToken)
            : await sessions.GetForCallerAsync(request.SessionId, principal, cancellationToken);
        return TypedResults.Ok(new LegacyMessageResponse(session.Id, await conversations.AskAsync(session, request.Message!, cancellationToken)));
    }

    /// <summary>A session's conversation log, by session_id in the query (legacy).</summary>
    public static Task<Ok<LegacyLogResponse>> LogFromQueryAsync(
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "session_id")] string? sessionId, ICurrentPrincipal principal, ChatSessionService sessions, VirtualBankerDbContext db, CancellationToken cancellationToken) =>
        LogAsync(new LegacySessionRequest(sessionId ?? throw new AppException(AppError.Validation("session_id", "session_id is required."))), principal, sessions, db, cancellationToken);

    /// <summary>The session's whole event log, oldest first.</summary>
    public static async Task<Ok<LegacyLogResponse>> LogAsync(
        LegacySessionRequest request, ICurrentPrincipal principal, ChatSessionService sessions, VirtualBankerDbContext db, CancellationToken cancellationToken)
    {
        var session = await sessions.GetForCallerAsync(request.SessionId!, principal, cancellationToken);
        var events = await db.ConversationEvents.AsNoTracking().Where(e => e.SessionId == session.Id).OrderBy(e => e.Sequence).Take(1000).ToListAsync(cancellationToken);
        return TypedResults.Ok(new LegacyLogResponse(session.Id, [.. events.Select(ConversationSockets.ToFrame)]));
    }

    /// <summary>Ends a conversation (legacy).</summary>
    public static async Task<Ok<LegacySessionResponse>> TerminateAsync(
        LegacySessionRequest request, ICurrentPrincipal principal, ChatSessionService sessions, CancellationToken cancellationToken)
    {
        var session = await sessions.GetForCallerAsync(request.SessionId!, principal, cancellationToken);
        await sessions.EndAsync(session.Id, cancellationToken);
        return TypedResults.Ok(new LegacySessionResponse(session.Id, "terminated"));
    }

    /// <summary>Ends the session and opens a fresh one with the same agent (an empty memory).</summary>
    public static async Task<Ok<LegacySessionResponse>> ResetAsync(
        LegacySessionRequest request, ICurrentPrincipal principal, ChatSessionService sessions, CancellationToken cancellationToken)
    {
        var session = await sessions.GetForCallerAsync(request.SessionId!, principal, cancellationToken);
        await sessions.EndAsync(session.Id, cancellationToken);
        var fresh = await sessions.CreateAsync(principal, session.AgentId?.ToString(), cancellationToken);
        return TypedResults.Ok(new LegacySessionResponse(fresh.Id, "reset"));
    }

    /// <summary>
    /// The legacy file download. The files a session has are its transcript, as
    /// <c>{session_id}/transcript.txt</c> (plain text) or <c>{session_id}/transcript.json</c> (the event log).
    /// </summary>
    public static async Task<Ok<LegacyFilesResponse>> FilesAsync(
        LegacyFilesRequest request, ICurrentPrincipal principal, ChatSessionService sessions, VirtualBankerDbContext db, CancellationToken cancellationToken)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var path in request.Paths!.Distinct(StringComparer.Ordinal))
        {
            var parts = path?.Split('/') ?? [];
            Session? session = null;
            if (parts is [var sessionId, "transcript.txt" or "transcript.json"] && sessionId.Length <= 64)
            {
                try
                {
                    session = await sessions.GetForCallerAsync(sessionId, principal, cancellationToken);
                }
                catch (AppException)
                {
                    session = null;
                }
            }

            if (session is null)
            {
                missing.Add(path ?? "");
                continue;
            }

            var events = await db.ConversationEvents.AsNoTracking().Where(e => e.SessionId == session.Id).OrderBy(e => e.Sequence).Take(5000).ToListAsync(cancellationToken);
            var content = parts[1] == "transcript.json"
                ? new JsonArray([.. events.Select(e => (JsonNode)ConversationSockets.ToFrame(e))]).ToJsonString()
                : string.Join('\n', events.Where(e => e.Type is EventTypes.Message or EventTypes.ChatEnd)
                    .Select(e => $"[{e.CreatedAt:yyyy-MM-dd HH:mm:ss}Z] {(e.Type == EventTypes.Message ? "customer" : "assistant")}: {ConversationService.Content(e)}"));
            files[path!] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(content));
        }

        return TypedResults.Ok(new LegacyFilesResponse(files, missing));
    }
}
