using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using VirtualBanker.Core.Conversations;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Errors;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Sessions;
using VirtualBanker.Core.Tenancy;

namespace VirtualBanker.Core.Realtime;

public sealed record VoiceDispatch(string DispatchId, string AgentSlug, string RoomName, string ConversationId, LiveKitAccess Access);

/// <summary>
/// Sends a voice agent to a LiveKit room (contract 003, <c>POST /trigger-agent</c> with <c>room_name</c>):
/// issues the agent's room token and records the dispatch as a <c>voice_dispatch</c> event of the room's
/// conversation. The voice worker (a LiveKit agent) joins with that token. Everything is checked before anything is stored.
/// </summary>
public sealed partial class VoiceDispatchService(
    VirtualBankerDbContext db,
    TenantDirectory tenants,
    ISecretProtector protector,
    ChatSessionService sessions,
    ConversationService conversations,
    TimeProvider clock)
{
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(1);

    public async Task<VoiceDispatch> DispatchAsync(string tenantId, string? roomName, string? agentSlug, string? conversationId, string? sessionId, string? userId,
        CancellationToken cancellationToken)
    {
        if (roomName is not { } room || !RoomPattern().IsMatch(room))
        {
            throw new AppException(AppError.Validation("room_name", "room_name is 1-128 letters, digits or _.:-"));
        }

        var slug = agentSlug ?? ChatSessionService.DefaultAgentSlug;
        var agentName = await db.Agents.Where(a => a.Enabled && a.Slug == slug).Select(a => a.Name).FirstOrDefaultAsync(cancellationToken)
            ?? throw new AppException(AppError.NotFound("No such agent."));
        var tenant = await tenants.FindAsync(tenantId, cancellationToken) ?? throw new AppException(AppError.NotFound());
        conversationId ??= $"room:{room}";
        var metadata = new JsonObject { ["conversation_id"] = conversationId, ["user_id"] = userId };
        var access = LiveKitTokens.ForAgent(tenant.Settings, protector, room, slug, agentName, metadata, clock.GetUtcNow().UtcDateTime, TokenLifetime);

        var session = await sessions.GetOrCreateExternalAsync(tenantId, sessionId ?? conversationId, slug, userId, cancellationToken);
        var dispatchId = Guid.CreateVersion7().ToString();
        await conversations.AppendAsync(session.Id, "voice_dispatch", new JsonObject
        {
            ["dispatch_id"] = dispatchId,
            ["platform"] = "livekit",
            ["room_name"] = room,
            ["agent_slug"] = slug,
            ["identity"] = access.Identity,
            ["expires_at"] = access.ExpiresAt,
        }, null, cancellationToken);
        return new VoiceDispatch(dispatchId, slug, room, conversationId, access);
    }

    [GeneratedRegex("^[A-Za-z0-9_.:-]{1,128}$")]
    private static partial Regex RoomPattern();
}
