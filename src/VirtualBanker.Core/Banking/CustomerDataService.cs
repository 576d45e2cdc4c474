using Microsoft.EntityFrameworkCore;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Errors;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Insights;

namespace VirtualBanker.Core.Banking;

/// <summary>Reads one customer's banking data, after deciding whether the caller may see it.</summary>
public sealed class CustomerDataService(VirtualBankerDbContext db, ICurrentPrincipal principal, UserCache cache, TimeProvider clock)
{
    /// <summary>How far back insights look: six months of history plus the current month.</summary>
    public const int HistoryDays = 200;

    /// <summary>
    /// Object-level authorization for the <c>user_id</c> parameter of contract 001: a customer only ever
    /// gets their own id; another id is 403 unless the caller administers the tenant. Other tenants'
    /// users are invisible through the tenant filter, so an admin asking for one gets 404.
    /// </summary>
    public async Task<Guid> ResolveUserAsync(Guid? requested, CancellationToken cancellationToken)
    {
        if (OwnId(principal, requested) is { } self)
        {
            return self;
        }

        if (requested is null)
        {
            throw new AppException(AppError.Forbidden("This operation needs a signed-in customer or a user_id."));
        }

        if (!principal.IsInRole(Roles.TenantAdmin) && !principal.IsInRole(Roles.PlatformAdmin))
        {
            throw new AppException(AppError.Forbidden("You may only read your own data."));
        }

        return await db.Users.AnyAsync(u => u.Id == requested, cancellationToken)
            ? requested.Value
            : throw new AppException(AppError.NotFound("No such user."));
    }

    /// <summary>The caller's own id when they asked for no one else: answered without a database (the fast path of <see cref="ResolveUserAsync"/>).</summary>
    public static Guid? OwnId(ICurrentPrincipal principal, Guid? requested) =>
        principal.UserId is { } self && (requested is null || requested == self) ? self : null;

    public async Task<FinancialData> LoadAsync(Guid userId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var customer = await CustomerQuery.For(db)(db, userId, cancellationToken) ?? throw new AppException(AppError.NotFound("No such user."));
        var accountTypes = customer.Accounts.ToDictionary(a => a.Id, a => a.Type);
        var transactions = new List<TxData>();
        await foreach (var t in TransactionsQuery.For(db)(db, userId, now.AddDays(-HistoryDays)).WithCancellation(cancellationToken))
        {
            transactions.Add(new TxData(t.Id, t.Merchant, t.Category, t.AmountMinor, DateTime.SpecifyKind(t.Timestamp, DateTimeKind.Utc), accountTypes.GetValueOrDefault(t.AccountId)));
        }

        return new FinancialData(customer.Name, customer.Accounts, transactions, now) { PendingFraudAlerts = customer.PendingFraudAlerts };
    }

    /// <summary>
    /// The customer's data for agent tools: loaded at most a minute ago and never before their latest ingest
    /// (an ingest drops it on every node, like their cached views). A conversation calls a tool on nearly
    /// every message, and reading six months of transactions each time was most of a message's work.
    /// </summary>
    public async Task<FinancialData> LoadRecentAsync(Guid userId, CancellationToken cancellationToken) =>
        await cache.GetOrCreateAsync(db.Tenant.TenantId!, userId, "data", TimeSpan.FromMinutes(1),
            async ct => await LoadAsync(userId, ct), cancellationToken, localOnly: true);

    // Every insight view's cache miss and every miss of the tools' data runs these two queries: compiled once, they skip
    // EF's per-call expression work (parameter extraction, cache-key hashing), which cost more than the SQL.
    // The tenant filter still applies: it reads the context it runs on.

    // The customer, their accounts and their count of pending alerts in one round trip.
    private static readonly PerModelQuery<Func<VirtualBankerDbContext, Guid, CancellationToken, Task<CustomerRow?>>> CustomerQuery = new(() =>
        EF.CompileAsyncQuery((VirtualBankerDbContext db, Guid userId, CancellationToken _) => db.Users.Where(u => u.Id == userId)
            .Select(u => new CustomerRow(
                u.Name,
                db.Accounts.Where(a => a.UserId == u.Id).OrderBy(a => a.Type)
                    .Select(a => new AccountData(a.Id, a.Type, a.Name, a.BalanceMinor, a.Currency)).ToList(),
                db.FraudAlerts.Count(f => f.UserId == u.Id && f.Status == "pending")))
            .FirstOrDefault()));

    private static readonly PerModelQuery<Func<VirtualBankerDbContext, Guid, DateTime, IAsyncEnumerable<TxRow>>> TransactionsQuery = new(() =>
        EF.CompileAsyncQuery((VirtualBankerDbContext db, Guid userId, DateTime since) => db.Transactions.AsNoTracking()
            .Where(t => t.UserId == userId && t.Timestamp >= since)
            .OrderBy(t => t.Timestamp)
            .Select(t => new TxRow(t.Id, t.Merchant, t.Category, t.AmountMinor, t.Timestamp, t.AccountId))));

    private sealed record CustomerRow(string Name, List<AccountData> Accounts, int PendingFraudAlerts);

    private sealed record TxRow(Guid Id, string Merchant, string Category, long AmountMinor, DateTime Timestamp, Guid AccountId);

    /// <summary>One page of a customer's transactions, newest first, with the total matching count.</summary>
    public async Task<(IReadOnlyList<Transaction> Items, int Total)> ListTransactionsAsync(
        Guid userId, int page, int limit, string? category, TransactionType? type, CancellationToken cancellationToken)
    {
        var query = db.Transactions.AsNoTracking().Where(t => t.UserId == userId);
        if (!string.IsNullOrEmpty(category))
        {
            var normalized = category.Trim().ToLowerInvariant();
            query = query.Where(t => t.Category.ToLower() == normalized);
        }

        if (type is not null)
        {
            query = query.Where(t => t.Type == type);
        }

        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(t => t.Timestamp).ThenByDescending(t => t.Id)
            .Skip((page - 1) * limit).Take(limit).ToListAsync(cancellationToken);
        return (items, total);
    }

    public async Task<IReadOnlyList<FraudAlertView>> FraudAlertsAsync(Guid userId, CancellationToken cancellationToken) =>
        await (from f in db.FraudAlerts.AsNoTracking()
               join t in db.Transactions on f.TransactionId equals t.Id
               where f.UserId == userId
               orderby t.Timestamp descending
               select new FraudAlertView(f.Id, t.Id, -t.AmountMinor, t.Merchant, f.RiskScore, f.Details, f.Status, t.Timestamp))
            .ToListAsync(cancellationToken);
}

public sealed record FraudAlertView(Guid FraudLogId, Guid TransactionId, long AmountMinor, string Merchant, double RiskScore, string Details, string Status, DateTime Timestamp);
