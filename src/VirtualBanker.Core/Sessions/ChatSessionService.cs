using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Errors;
using VirtualBanker.Core.Identity;

namespace VirtualBanker.Core.Sessions;

/// <summary>Sessions of signed-in customers chatting through contract 001: one open session per customer and agent.</summary>
public sealed class ChatSessionService(VirtualBankerDbContext db, Conversations.ConversationFeed feed, TimeProvider clock)
{
    public const string DefaultAgentSlug = "assistant";
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    public static string NewId() => "sess_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    /// <summary>
    /// A new session with the agent named by <paramref name="persona"/> (its slug or id; the default agent
    /// when null) for the caller: a customer, or — for a machine key — no customer at all.
    /// </summary>
    public async Task<Session> CreateAsync(ICurrentPrincipal caller, string? persona, CancellationToken cancellationToken)
    {
        if (caller.IsSessionToken)
        {
            throw new AppException(AppError.Forbidden("A session token is bound to its own session."));
        }

        var userId = caller.UserId;
        var slug = persona ?? DefaultAgentSlug;
        var byId = Guid.TryParse(persona, out var personaId);
        var agentId = await db.Agents.Where(a => a.Enabled && (a.Slug == slug || (byId && a.Id == personaId))).Select(a => (Guid?)a.Id).FirstOrDefaultAsync(cancellationToken)
            ?? throw new AppException(persona is null
                ? new AppError(ErrorCodes.Unavailable, 503, "No assistant is configured for this bank.")
                : AppError.NotFound("No such persona."));
        var now = clock.GetUtcNow().UtcDateTime;
        var session = new Session { Id = NewId(), UserId = userId, AgentId = agentId, CreatedAt = now, ExpiresAt = now + Lifetime };
        db.Sessions.Add(session);
        await db.SaveChangesAsync(cancellationToken);
        db.Entry(session).State = EntityState.Detached;
        return session;
    }

    /// <summary>
    /// The session if the caller may use it: it is in the caller's tenant (query filter); for a portal
    /// session token it is that session; for a user it is their own (or, with <paramref name="adminMayAccess"/>,
    /// any when they are an admin); a machine key may use any. Anything else is "not found", so ids of others reveal nothing.
    /// </summary>
    public async Task<Session> GetForCallerAsync(string sessionId, ICurrentPrincipal caller, CancellationToken cancellationToken, bool adminMayAccess = false)
    {
        var session = sessionId.Length is > 0 and <= 64
            ? await db.Sessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sessionId, cancellationToken)
            : null;
        if (session is null || !(caller.IsSessionToken
            ? session.Id == caller.SessionId
            : caller.UserId is not { } userId || session.UserId == userId || (adminMayAccess && caller.IsAdmin)))
        {
            throw new AppException(AppError.NotFound("No such session."));
        }

        return session;
    }

    /// <summary>
    /// The session a site integration names with its own id (contract 003), created on first use. The
    /// stored id is derived from tenant and external id, so two banks using "session-123" never collide
    /// and one bank can never address another's.
    /// </summary>
    public async Task<Session> GetOrCreateExternalAsync(string tenantId, string externalSessionId, string? agentSlug, string? externalUserId, CancellationToken cancellationToken)
    {
        if (!System.Text.RegularExpressions.Regex.IsMatch(externalSessionId, "^[A-Za-z0-9_.:-]{1,128}$"))
        {
            throw new AppException(AppError.Validation("session_id", "session_id is 1-128 letters, digits or _.:-"));
        }

        var id = "ext_" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{tenantId}\n{externalSessionId}")))[..40];
        var existing = await db.Sessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (existing is not null && agentSlug is null)
        {
            return existing;
        }

        // An agent named by the caller must exist and be enabled, on a new session and an existing one alike.
        var slug = agentSlug ?? DefaultAgentSlug;
        var agentId = await db.Agents.Where(a => a.Enabled && a.Slug == slug).Select(a => (Guid?)a.Id).FirstOrDefaultAsync(cancellationToken)
            ?? throw new AppException(AppError.NotFound("No such agent."));
        if (existing is not null)
        {
            return existing;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var session = new Session { Id = id, AgentId = agentId, ExternalUserId = externalUserId, CreatedAt = now, ExpiresAt = now + Lifetime };
        db.Sessions.Add(session);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Created by a concurrent request with the same id.
            db.ChangeTracker.Clear();
            return await db.Sessions.AsNoTracking().FirstAsync(s => s.Id == id, cancellationToken);
        }

        db.Entry(session).State = EntityState.Detached;
        return session;
    }

    /// <summary>Ends a session: its tokens stop working and its live streams close.</summary>
    public async Task EndAsync(string sessionId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await db.Sessions.Where(s => s.Id == sessionId && s.Status == SessionStatus.Active)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, SessionStatus.Ended).SetProperty(x => x.EndedAt, now), cancellationToken);
        feed.Close(sessionId);
    }

    /// <summary>The customer's open chat session with the tenant's default agent, created when there is none.</summary>
    public async Task<Session> GetOrCreateCustomerSessionAsync(Guid userId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var agentId = await db.Agents.Where(a => a.Slug == DefaultAgentSlug && a.Enabled).Select(a => (Guid?)a.Id).FirstOrDefaultAsync(cancellationToken)
            ?? throw new AppException(new AppError(ErrorCodes.Unavailable, 503, "No assistant is configured for this bank."));
        var open = await db.Sessions.AsNoTracking()
            .Where(s => s.UserId == userId && s.AgentId == agentId && s.ExternalUserId == null && s.Status == SessionStatus.Active && s.ExpiresAt > now)
            .OrderByDescending(s => s.CreatedAt)
            .FirstOrDefaultAsync(cancellationToken);
        if (open is not null)
        {
            return open;
        }

        var session = new Session { Id = NewId(), UserId = userId, AgentId = agentId, CreatedAt = now, ExpiresAt = now + Lifetime };
        db.Sessions.Add(session);
        await db.SaveChangesAsync(cancellationToken);
        db.Entry(session).State = EntityState.Detached;
        return session;
    }
}
