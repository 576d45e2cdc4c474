using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using VirtualBanker.Api.Hosting;
using VirtualBanker.Core.Conversations;
using VirtualBanker.Core.Errors;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Realtime;
using VirtualBanker.Core.Sessions;

namespace VirtualBanker.Api.Surfaces.Management;

public sealed record TriggerAgentRequest(
    [property: MaxLength(4000)] string? Message,
    [property: MaxLength(64)] string? AgentSlug,
    [property: MaxLength(128)] string? SessionId,
    [property: MaxLength(200)] string? UserId,
    [property: MaxLength(128)] string? ConversationId,
    [property: MaxLength(16)] string? Mode,
    [property: MaxLength(32)] string? Platform,
    [property: MaxLength(200)] string? RoomName);

public sealed record TriggerAgentResponse(bool Success, string Mode, string AgentSlug, string SessionId, string ConversationId, string Response);

/// <summary>A voice agent sent to a LiveKit room: where to connect, and its room access token.</summary>
public sealed record VoiceTriggerResponse(bool Success, string Mode, string Platform, string AgentSlug, string RoomName, string ConversationId, string DispatchId,
    string ServerUrl, string Token, string Identity, DateTime ExpiresAt);

internal static class TriggerEndpoints
{
    public static RouteGroupBuilder MapTriggerEndpoints(this RouteGroupBuilder group)
    {
        group.MapPost("/trigger-agent", TriggerAsync);
        group.MapGet("/ws/chat/{sessionId}", ChatSocketAsync).LongLived().DescribedAsWebSocket();
        return group;
    }

    /// <summary>Text mode runs the agent on the message and returns its answer; voice mode (a <c>room_name</c>) sends a voice agent to a LiveKit room.</summary>
    public static async Task<Results<Ok<TriggerAgentResponse>, Ok<VoiceTriggerResponse>, ErrorResult>> TriggerAsync(
        TriggerAgentRequest request, ICurrentPrincipal principal, ChatSessionService sessions, ConversationService conversations, VoiceDispatchService voice,
        CancellationToken cancellationToken)
    {
        if (request.Mode is not null && !string.Equals(request.Mode, "text", StringComparison.OrdinalIgnoreCase) && !string.Equals(request.Mode, "voice", StringComparison.OrdinalIgnoreCase))
        {
            return new ErrorResult(AppError.Validation("mode", "Mode is text or voice."));
        }

        if (request.Platform is not null || request.RoomName is not null || string.Equals(request.Mode, "voice", StringComparison.OrdinalIgnoreCase))
        {
            if (!string.Equals(request.Platform ?? "livekit", "livekit", StringComparison.OrdinalIgnoreCase))
            {
                return new ErrorResult(AppError.Validation("platform", "platform must be \"livekit\"."));
            }

            var d = await voice.DispatchAsync(principal.TenantId!, request.RoomName, request.AgentSlug, request.ConversationId, request.SessionId, request.UserId, cancellationToken);
            return TypedResults.Ok(new VoiceTriggerResponse(true, "voice", "livekit", d.AgentSlug, d.RoomName, d.ConversationId, d.DispatchId,
                d.Access.ServerUrl, d.Access.Token, d.Access.Identity, d.Access.ExpiresAt));
        }

        if (string.IsNullOrWhiteSpace(request.Message))
        {
            return new ErrorResult(AppError.Validation("message", "message is required in text mode."));
        }

        var conversationId = request.ConversationId ?? request.SessionId ?? $"conv-{Guid.NewGuid():N}";
        var externalSession = request.SessionId ?? conversationId;
        var session = await sessions.GetOrCreateExternalAsync(principal.TenantId!, externalSession, request.AgentSlug, request.UserId, cancellationToken);
        var answer = await conversations.AskAsync(session, request.Message, cancellationToken);
        return TypedResults.Ok(new TriggerAgentResponse(true, "text", request.AgentSlug ?? ChatSessionService.DefaultAgentSlug, externalSession, conversationId, answer));
    }

    /// <summary>
    /// Real-time text chat of contract 003. Client frames: <c>{"type":"message","content":"Hello","user_id":"..."}</c>
    /// or <c>{"type":"ping"}</c>; server frames are the pipeline's events (chat_start, chat_chunk, chat_end, error).
    /// </summary>
    public static Task ChatSocketAsync(string sessionId, HttpContext context, ICurrentPrincipal principal) =>
        ChatSocket.RunAsync(context, principal, ChatDialect.Management, async (services, cancellationToken) =>
        {
            var conversations = services.GetRequiredService<ConversationService>();
            var session = await services.GetRequiredService<ChatSessionService>().GetOrCreateExternalAsync(principal.TenantId!, sessionId, null, null, cancellationToken);
            conversations.EnsureOpen(session);
            return (session, conversations.CurrentId(session));
        });
}
