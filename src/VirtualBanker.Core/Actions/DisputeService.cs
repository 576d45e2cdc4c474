using Microsoft.EntityFrameworkCore;
using VirtualBanker.Core.Banking;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Errors;

namespace VirtualBanker.Core.Actions;

public sealed record DisputeView(Guid Id, string Reference, Guid TransactionId, string Status, string Reason, DateTime CreatedAt)
{
    public static DisputeView Of(Dispute d) => new(d.Id, d.Reference, d.TransactionId, d.Status, d.Reason, DateTime.SpecifyKind(d.CreatedAt, DateTimeKind.Utc));
}

public sealed record FraudResolution(Guid FraudLogId, string Status, IReadOnlyList<CardView> FrozenCards, DisputeView? Dispute);

/// <summary>
/// Disputes of payments, and the customer's verdict on a fraud alert: "it was me" closes it; "not me" confirms it as
/// fraud, freezes the card(s) of the payment's account and opens a dispute, in one step (<see cref="ActionLog"/>).
/// </summary>
public sealed class DisputeService(VirtualBankerDbContext db, ActionLog log, UserCache cache, Staff.StaffQueue queue, TimeProvider clock)
{
    public Task<List<Dispute>> ListAsync(Guid userId, CancellationToken cancellationToken) =>
        db.Disputes.AsNoTracking().Where(d => d.UserId == userId).OrderByDescending(d => d.CreatedAt).ToListAsync(cancellationToken);

    public async Task<DisputeView> OpenAsync(ActionContext context, Guid transactionId, string reason, CancellationToken cancellationToken)
    {
        reason = reason.Trim();
        if (reason.Length is 0 or > 500)
        {
            throw new AppException(AppError.Validation("reason", "reason is 1 to 500 characters."));
        }

        return await log.RunAsync(context, "dispute.open", new { transactionId, reason }, async () =>
        {
            var dispute = await NewDisputeAsync(context.UserId, transactionId, reason, cancellationToken);
            return (DisputeView.Of(dispute), dispute.Id, (long?)null);
        }, cancellationToken);
    }

    public async Task<FraudResolution> ResolveAlertAsync(ActionContext context, Guid fraudLogId, bool genuine, CancellationToken cancellationToken)
    {
        var result = await log.RunAsync(context, "fraud.resolve", new { fraudLogId, genuine }, async () =>
        {
            var alert = await db.FraudAlerts.FirstOrDefaultAsync(a => a.Id == fraudLogId && a.UserId == context.UserId, cancellationToken)
                ?? throw new AppException(AppError.NotFound("No such fraud alert."));
            if (alert.Status != "pending")
            {
                throw new AppException(new AppError("alert_resolved", 409, $"This alert was already {alert.Status}."));
            }

            if (genuine)
            {
                alert.Status = "dismissed";
                return (new FraudResolution(alert.Id, alert.Status, [], null), alert.Id, (long?)null);
            }

            alert.Status = "confirmed";
            var accountId = await db.Transactions.Where(t => t.Id == alert.TransactionId).Select(t => t.AccountId).SingleAsync(cancellationToken);
            var cards = await db.Cards.Where(c => c.AccountId == accountId && c.UserId == context.UserId && c.Status == CardStatus.Active).ToListAsync(cancellationToken);
            foreach (var card in cards)
            {
                card.Status = CardStatus.Frozen;
                card.UpdatedAt = clock.GetUtcNow().UtcDateTime;
            }

            var dispute = await db.Disputes.FirstOrDefaultAsync(d => d.TransactionId == alert.TransactionId, cancellationToken)
                ?? await NewDisputeAsync(context.UserId, alert.TransactionId, "Reported as fraud: the customer did not make this payment.", cancellationToken);
            return (new FraudResolution(alert.Id, alert.Status, [.. cards.Select(CardView.Of)], DisputeView.Of(dispute)), alert.Id, (long?)null);
        }, cancellationToken);
        await cache.InvalidateAsync(db.Tenant.TenantId!, context.UserId, cancellationToken);
        if (!genuine)
        {
            // Confirmed fraud is a matter for a person: the customer goes to the staff queue, at high priority.
            await queue.RequestAsync(context.UserId, context.SessionId, Staff.HandoffReasons.FraudConfirmed, context.Channel, Staff.HandoffPriorities.High, cancellationToken);
        }

        return result;
    }

    private async Task<Dispute> NewDisputeAsync(Guid userId, Guid transactionId, string reason, CancellationToken cancellationToken)
    {
        var transaction = await db.Transactions.AsNoTracking().FirstOrDefaultAsync(t => t.Id == transactionId && t.UserId == userId, cancellationToken)
            ?? throw new AppException(AppError.NotFound("No such transaction."));
        if (transaction.AmountMinor >= 0 || transaction.Category == Categories.Transfer)
        {
            throw new AppException(AppError.Validation("transaction_id", "Only a payment can be disputed."));
        }

        if (await db.Disputes.AnyAsync(d => d.TransactionId == transactionId, cancellationToken))
        {
            throw new AppException(AppError.Conflict("This payment is already disputed."));
        }

        var dispute = new Dispute
        {
            UserId = userId, TransactionId = transactionId, Reference = References.New("DS"), Reason = reason, CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.Disputes.Add(dispute);
        return dispute;
    }
}
