using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Errors;
using VirtualBanker.Core.Insights;

namespace VirtualBanker.Core.Banking;

public sealed class FraudOptions
{
    public const string Section = "Fraud";

    /// <summary>Risk score (0–100) from which a transaction raises an alert and a notification.</summary>
    [Range(1, 100)]
    public double Threshold { get; set; } = FraudScorer.DefaultThreshold;
}

public sealed record IngestTransaction(
    string ExternalId, Guid UserId, Guid? AccountId, string Merchant, long AmountMinor, string Currency, DateTime Timestamp, string? Category, Guid? CardId = null);

public sealed record IngestResult(Transaction Transaction, bool Created, FraudAlert? Alert);

/// <summary>
/// Posts a transaction from the bank's core system: categorises it, updates the balance, scores it for
/// fraud and raises an alert and a notification above the threshold, then drops the customer's cached
/// views. Idempotent by the caller's external id.
/// </summary>
public sealed class TransactionIngestService(
    VirtualBankerDbContext db, UserCache cache, IOptions<FraudOptions> fraud, TimeProvider clock)
{
    /// <summary>How far ahead of this server's clock a processor's timestamp may be (clocks drift); later is refused.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    public async Task<IngestResult> IngestAsync(IngestTransaction request, CancellationToken cancellationToken)
    {
        if (await FindAsync(request.ExternalId, cancellationToken) is { } existing)
        {
            return Same(existing, request);
        }

        // A payment dated in the future would count in "this month" before it happened and skew every figure.
        if (request.Timestamp > clock.GetUtcNow().UtcDateTime + ClockSkew)
        {
            throw new AppException(new AppError("timestamp_in_future", 422, "The timestamp is in the future; send it when the payment happens."));
        }

        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == request.UserId, cancellationToken)
            ?? throw new AppException(AppError.Validation("user_id", "No such user in this tenant."));
        var accounts = await db.Accounts.Where(a => a.UserId == user.Id).ToListAsync(cancellationToken);

        // A card authorisation: only an active card of the customer's is accepted (a frozen, lost or stolen one is declined).
        var card = request.CardId is { } cardId
            ? await db.Cards.AsNoTracking().FirstOrDefaultAsync(c => c.Id == cardId && c.UserId == user.Id, cancellationToken)
                ?? throw new AppException(AppError.Validation("card_id", "No such card for this user."))
            : null;
        if (card is not null && !Actions.CardService.Authorises(card))
        {
            throw new AppException(new AppError("card_not_active", 422, $"The card is {card.Status.ToString().ToLowerInvariant()}: the payment is declined."));
        }

        if (card is not null && request.AccountId is { } named && named != card.AccountId)
        {
            throw new AppException(AppError.Validation("account_id", "The card belongs to another account."));
        }

        var account = (request.AccountId ?? card?.AccountId) is { } accountId
            ? accounts.FirstOrDefault(a => a.Id == accountId) ?? throw new AppException(AppError.Validation("account_id", "No such account for this user."))
            : accounts.OrderBy(a => a.Type).FirstOrDefault() ?? throw new AppException(AppError.Validation("account_id", "The user has no account."));
        if (!string.Equals(account.Currency, request.Currency, StringComparison.OrdinalIgnoreCase))
        {
            throw new AppException(AppError.Validation("currency", $"The account is in {account.Currency}."));
        }

        var category = Categories.Categorize(request.Merchant, request.Category);
        var now = clock.GetUtcNow().UtcDateTime;
        var transaction = new Transaction
        {
            UserId = user.Id,
            AccountId = account.Id,
            ExternalId = request.ExternalId,
            Merchant = request.Merchant.Trim(),
            Category = category,
            AmountMinor = request.AmountMinor,
            Currency = account.Currency,
            Type = request.AmountMinor < 0 ? TransactionType.Debit : TransactionType.Credit,
            Timestamp = request.Timestamp,
            Tags = [category.ToLowerInvariant()],
            CreatedAt = now,
        };
        account.BalanceMinor += request.AmountMinor;
        db.Transactions.Add(transaction);

        var score = FraudScorer.Score(
            new TxData(transaction.Id, transaction.Merchant, category, transaction.AmountMinor, transaction.Timestamp, account.Type),
            await HistoryAsync(user.Id, request.Timestamp, cancellationToken));
        FraudAlert? alert = null;
        if (score.Score >= fraud.Value.Threshold)
        {
            alert = new FraudAlert { UserId = user.Id, TransactionId = transaction.Id, RiskScore = score.Score, Details = score.Details, CreatedAt = now };
            db.FraudAlerts.Add(alert);
            db.Notifications.Add(FraudNotification(user.Id, transaction, now));
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The same external id arrived twice at once; the other request stored it.
            db.ChangeTracker.Clear();
            if (await FindAsync(request.ExternalId, cancellationToken) is { } raced)
            {
                return Same(raced, request);
            }

            throw;
        }

        await cache.InvalidateAsync(transaction.TenantId, user.Id, cancellationToken);
        return new IngestResult(transaction, true, alert);
    }

    public static Notification FraudNotification(Guid userId, Transaction transaction, DateTime now) => new()
    {
        UserId = userId,
        Title = "Unusual Transaction Detected",
        Message = $"A charge of {(-transaction.AmountMinor / 100m).ToString("$#,##0.00", System.Globalization.CultureInfo.InvariantCulture)} at {transaction.Merchant} was flagged for review. If you don't recognise it, contact us right away.",
        Type = "alert",
        CreatedAt = now,
    };

    /// <summary>The stored answer for a repeated external id, when the repeat is the same transaction; a different one under the same id is a 422.</summary>
    private static IngestResult Same(IngestResult stored, IngestTransaction request) =>
        stored.Transaction.UserId == request.UserId && stored.Transaction.AmountMinor == request.AmountMinor
            && string.Equals(stored.Transaction.Merchant, request.Merchant.Trim(), StringComparison.Ordinal)
            ? stored
            : throw new AppException(AppError.IdempotencyKeyReused("This external_id"));

    private async Task<IngestResult?> FindAsync(string externalId, CancellationToken cancellationToken)
    {
        var existing = await db.Transactions.AsNoTracking().FirstOrDefaultAsync(t => t.ExternalId == externalId, cancellationToken);
        if (existing is null)
        {
            return null;
        }

        var alert = await db.FraudAlerts.AsNoTracking().FirstOrDefaultAsync(f => f.TransactionId == existing.Id, cancellationToken);
        return new IngestResult(existing, false, alert);
    }

    /// <summary>The customer's last six months, minus transactions already flagged: fraud must not become the new normal.</summary>
    private async Task<IReadOnlyList<TxData>> HistoryAsync(Guid userId, DateTime until, CancellationToken cancellationToken)
    {
        var since = until.AddDays(-CustomerDataService.HistoryDays);
        var rows = await db.Transactions.AsNoTracking()
            .Where(t => t.UserId == userId && t.Timestamp >= since && t.Timestamp <= until
                && !db.FraudAlerts.Any(f => f.TransactionId == t.Id && f.Status != "dismissed"))
            .Select(t => new { t.Id, t.Merchant, t.Category, t.AmountMinor, t.Timestamp })
            .ToListAsync(cancellationToken);
        return [.. rows.Select(r => new TxData(r.Id, r.Merchant, r.Category, r.AmountMinor, DateTime.SpecifyKind(r.Timestamp, DateTimeKind.Utc), AccountType.Checking))];
    }
}
