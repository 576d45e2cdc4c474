using Microsoft.EntityFrameworkCore;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Errors;
using VirtualBanker.Core.Identity;

namespace VirtualBanker.Core.Actions;

/// <summary>
/// The confirmations the assistant asks for before an action: created when a run proposes one, decided once by the
/// customer (a frame, <c>POST /api/ai/confirmations/{id}</c>, or "yes"/"no" in words), marked executed once it ran.
/// </summary>
public sealed class ConfirmationService(VirtualBankerDbContext db, TimeProvider clock)
{
    /// <summary>How long a proposed action waits for the customer's answer.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    public async Task<Confirmation> CreateAsync(string sessionId, Guid userId, string action, string callId, string arguments, string summary, long replyTo,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var confirmation = new Confirmation
        {
            SessionId = sessionId,
            UserId = userId,
            Action = action,
            CallId = callId,
            Arguments = arguments,
            Summary = summary.Length > 500 ? summary[..500] : summary,
            ReplyTo = replyTo,
            CreatedAt = now,
            ExpiresAt = now + Lifetime,
        };
        db.Confirmations.Add(confirmation);
        await db.SaveChangesAsync(cancellationToken);
        return confirmation;
    }

    /// <summary>
    /// Records the customer's answer, once: another customer's confirmation is a 404, one already answered a 409,
    /// one past its expiry a 410. The check and the change are one conditional update, so two answers racing
    /// cannot both win.
    /// </summary>
    public async Task<Confirmation> DecideAsync(Guid id, ICurrentPrincipal caller, bool approve, CancellationToken cancellationToken, string? sessionId = null)
    {
        var confirmation = await db.Confirmations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (confirmation is null || !IsCallers(confirmation, caller) || (sessionId is not null && confirmation.SessionId != sessionId))
        {
            throw new AppException(AppError.NotFound("No such confirmation."));
        }

        return await DecideOfferAsync(confirmation, approve, cancellationToken);
    }

    /// <summary>Records the answer to an offer the caller has already checked is the customer's own (their "yes" in words).</summary>
    public async Task<Confirmation> DecideOfferAsync(Confirmation confirmation, bool approve, CancellationToken cancellationToken)
    {
        var id = confirmation.Id;
        var now = clock.GetUtcNow().UtcDateTime;
        if (confirmation.Status != ConfirmationStatus.Pending)
        {
            throw new AppException(new AppError("confirmation_not_pending", 409, $"This confirmation was already {confirmation.Status.ToString().ToLowerInvariant()}."));
        }

        if (confirmation.ExpiresAt <= now)
        {
            throw new AppException(new AppError("confirmation_expired", 410, "This confirmation has expired: ask the assistant again."));
        }

        var status = approve ? ConfirmationStatus.Approved : ConfirmationStatus.Rejected;
        var changed = await db.Confirmations
            .Where(c => c.Id == id && c.Status == ConfirmationStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, status).SetProperty(c => c.DecidedAt, now), cancellationToken);
        if (changed == 0)
        {
            throw new AppException(new AppError("confirmation_not_pending", 409, "This confirmation was already answered."));
        }

        confirmation.Status = status;
        confirmation.DecidedAt = now;
        return confirmation;
    }

    /// <summary>The offer a "yes" or "no" answers: the pending confirmation proposed in answer to the customer's previous message.</summary>
    public async Task<Confirmation?> OfferAsync(string sessionId, long inbound, CancellationToken cancellationToken)
    {
        var previous = await db.ConversationEvents.AsNoTracking()
            .Where(e => e.SessionId == sessionId && e.Sequence < inbound && (e.Type == Conversations.EventTypes.Message || e.Type == Conversations.EventTypes.Confirmation))
            .MaxAsync(e => (long?)e.Sequence, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        return previous is null ? null : await db.Confirmations.AsNoTracking()
            .FirstOrDefaultAsync(c => c.SessionId == sessionId && c.ReplyTo == previous && c.Status == ConfirmationStatus.Pending && c.ExpiresAt > now, cancellationToken);
    }

    /// <summary>The session a confirmation of the caller's belongs to; anyone else's is a 404.</summary>
    public async Task<string> SessionOfAsync(Guid id, ICurrentPrincipal caller, CancellationToken cancellationToken) =>
        await db.Confirmations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken) is { } confirmation && IsCallers(confirmation, caller)
            ? confirmation.SessionId
            : throw new AppException(AppError.NotFound("No such confirmation."));

    public Task<Confirmation?> FindAsync(string sessionId, Guid id, CancellationToken cancellationToken) =>
        db.Confirmations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id && c.SessionId == sessionId, cancellationToken);

    public Task MarkExecutedAsync(Guid id, CancellationToken cancellationToken) =>
        db.Confirmations.Where(c => c.Id == id && c.Status == ConfirmationStatus.Approved)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, ConfirmationStatus.Executed), cancellationToken);

    /// <summary>A customer answers their own confirmations; a portal session's token, those of its session.</summary>
    private static bool IsCallers(Confirmation confirmation, ICurrentPrincipal caller) =>
        caller.IsSessionToken ? confirmation.SessionId == caller.SessionId : caller.UserId == confirmation.UserId;
}
