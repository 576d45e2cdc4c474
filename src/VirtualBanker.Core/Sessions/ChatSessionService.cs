using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Errors;

namespace VirtualBanker.Core.Sessions;

/// <summary>Sessions of signed-in customers chatting through contract 001: one open session per customer and agent.</summary>
public sealed class ChatSessionService(VirtualBankerDbContext db, TimeProvider clock)
{
    public const string DefaultAgentSlug = "assistant";
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    public static string NewId() => "sess_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

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
