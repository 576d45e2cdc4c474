using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using VirtualBanker.Core.Banking;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Errors;
using VirtualBanker.Core.Tenancy;

namespace VirtualBanker.Core.Actions;

public sealed record TransferRequest(Guid FromAccountId, Guid? ToAccountId, Guid? PayeeId, long AmountMinor, string? Memo);

public sealed record AccountBalanceView(Guid AccountId, string Name, decimal Balance, string Currency);

public sealed record TransferView(Guid Id, Guid FromAccountId, Guid? ToAccountId, Guid? PayeeId, decimal Amount, string Currency, string Memo, DateTime CreatedAt);

public sealed record TransferResult(TransferView Transfer, IReadOnlyList<AccountBalanceView> Balances);

/// <summary>
/// Transfers between the customer's own accounts (paying the credit card is one) and payments to their payees, on a
/// double-entry ledger. The balance check and the debit are one conditional update, so no interleaving of concurrent
/// transfers takes an account below its floor (0, or minus a credit card's limit); the per-day limit on payments to
/// payees is checked and counted the same way. Everything of a transfer (balances, ledger entries, the statement
/// lines, the audit row) is one database transaction, run once per idempotency key (<see cref="ActionLog"/>).
/// </summary>
public sealed partial class TransferService(VirtualBankerDbContext db, ActionLog log, TenantDirectory tenants, UserCache cache, TimeProvider clock)
{
    public const string Action = "transfer";
    public const long MaxAmountMinor = 1_000_000_00;

    public Task<List<Payee>> PayeesAsync(Guid userId, CancellationToken cancellationToken) =>
        db.Payees.AsNoTracking().Where(p => p.UserId == userId).OrderBy(p => p.Name).ToListAsync(cancellationToken);

    public async Task<Payee> AddPayeeAsync(ActionContext context, string name, string accountNumber, string bankCode, CancellationToken cancellationToken)
    {
        name = name.Trim();
        accountNumber = accountNumber.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        bankCode = bankCode.Trim().ToUpperInvariant();
        if (name.Length is 0 or > 100 || !PrintableName().IsMatch(name))
        {
            throw new AppException(AppError.Validation("name", "name is 1 to 100 letters, digits, spaces and . , ' & -"));
        }

        if (!AccountNumber().IsMatch(accountNumber))
        {
            throw new AppException(AppError.Validation("account_number", "account_number is 4 to 34 letters and digits (an account number or IBAN)."));
        }

        if (!BankCode().IsMatch(bankCode))
        {
            throw new AppException(AppError.Validation("bank_code", "bank_code is a 9-digit routing number or an 8 or 11 character BIC."));
        }

        return await log.RunAsync(context, "payee.add", new { name, accountNumber, bankCode }, async () =>
        {
            if (await db.Payees.AnyAsync(p => p.UserId == context.UserId && p.AccountNumber == accountNumber && p.BankCode == bankCode, cancellationToken))
            {
                throw new AppException(AppError.Conflict("This payee is already saved."));
            }

            var payee = new Payee { UserId = context.UserId, Name = name, AccountNumber = accountNumber, BankCode = bankCode, CreatedAt = clock.GetUtcNow().UtcDateTime };
            db.Payees.Add(payee);
            return (payee, payee.Id, (long?)null);
        }, cancellationToken);
    }

    public Task<List<Transfer>> ListAsync(Guid userId, int limit, CancellationToken cancellationToken) =>
        db.Transfers.AsNoTracking().Where(t => t.UserId == userId).OrderByDescending(t => t.CreatedAt).Take(limit).ToListAsync(cancellationToken);

    public async Task<TransferResult> TransferAsync(ActionContext context, TransferRequest request, CancellationToken cancellationToken)
    {
        var memo = (request.Memo ?? "").Trim();
        if (request.AmountMinor is <= 0 or > MaxAmountMinor)
        {
            throw new AppException(AppError.Validation("amount", "amount must be more than 0 and at most 1,000,000.00."));
        }

        if (memo.Length > 140)
        {
            throw new AppException(AppError.Validation("memo", "memo is at most 140 characters."));
        }

        if ((request.ToAccountId is null) == (request.PayeeId is null))
        {
            throw new AppException(AppError.Validation("to_account_id", "Give exactly one of to_account_id and payee_id."));
        }

        if (request.ToAccountId == request.FromAccountId)
        {
            throw new AppException(new AppError("same_account", 422, "The accounts to move money from and to are the same."));
        }

        var limit = (await tenants.FindAsync(db.Tenant.TenantId!, cancellationToken))?.Settings.Policy.DailyTransferLimit ?? new TenantPolicy().DailyTransferLimit;
        var (from, to, payee) = await PartiesAsync(context.UserId, request, cancellationToken);
        var result = await log.RunAsync(context, Action, request with { Memo = memo }, () => MoveAsync(context.UserId, from, to, payee, request.AmountMinor, memo, limit * 100L, cancellationToken),
            cancellationToken);
        await cache.InvalidateAsync(db.Tenant.TenantId!, context.UserId, cancellationToken);
        return result;
    }

    /// <summary>The customer's own accounts and payee the request names (another customer's are a 404), read before the write transaction.</summary>
    private async Task<(Account From, Account? To, Payee? Payee)> PartiesAsync(Guid userId, TransferRequest request, CancellationToken cancellationToken)
    {
        var accounts = await db.Accounts.AsNoTracking().Where(a => a.UserId == userId).ToListAsync(cancellationToken);
        var from = accounts.FirstOrDefault(a => a.Id == request.FromAccountId) ?? throw new AppException(AppError.NotFound("No such account."));
        var to = request.ToAccountId is { } toId ? accounts.FirstOrDefault(a => a.Id == toId) ?? throw new AppException(AppError.NotFound("No such account.")) : null;
        var payee = request.PayeeId is { } payeeId
            ? await db.Payees.AsNoTracking().FirstOrDefaultAsync(p => p.Id == payeeId && p.UserId == userId, cancellationToken) ?? throw new AppException(AppError.NotFound("No such payee."))
            : null;
        if (to is not null && to.Currency != from.Currency)
        {
            throw new AppException(AppError.Validation("to_account_id", "The accounts are in different currencies."));
        }

        return (from, to, payee);
    }

    private async Task<(TransferResult, Guid?, long?)> MoveAsync(Guid userId, Account from, Account? to, Payee? payee, long amount, string memo, long dailyLimitMinor,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (payee is not null && !await CountTowardsDailyLimitAsync(userId, DateOnly.FromDateTime(now), amount, dailyLimitMinor, cancellationToken))
        {
            throw new AppException(new AppError("limit_exceeded", 422, $"This would take your payments today over the daily limit of {dailyLimitMinor / 100m:#,0.00} {from.Currency}."));
        }

        // The check and the debit in one statement: of concurrent transfers, only those the balance covers succeed. Each
        // update returns the new balance (both providers speak RETURNING), so the answer needs no read of its own. Raw SQL
        // skips the tenant filter: these ids were read under it (PartiesAsync).
        var credit = nameof(AccountType.Credit);
        var fromBalance = await db.Database.SqlQuery<long>($"""
            UPDATE "Accounts" SET "BalanceMinor" = "BalanceMinor" - {amount}
            WHERE "Id" = {from.Id} AND "BalanceMinor" - {amount} >= CASE WHEN "Type" = {credit} THEN -"CreditLimitMinor" ELSE 0 END
            RETURNING "BalanceMinor" AS "Value"
            """).ToListAsync(cancellationToken);
        if (fromBalance.Count == 0)
        {
            throw new AppException(new AppError("insufficient_funds", 422, $"{from.Name} does not have {amount / 100m:#,0.00} {from.Currency} available."));
        }

        var balances = new List<AccountBalanceView> { new(from.Id, from.Name, fromBalance[0] / 100m, from.Currency) };
        if (to is not null)
        {
            var toBalance = await db.Database.SqlQuery<long>($"""
                UPDATE "Accounts" SET "BalanceMinor" = "BalanceMinor" + {amount} WHERE "Id" = {to.Id} RETURNING "BalanceMinor" AS "Value"
                """).ToListAsync(cancellationToken);
            balances.Add(new AccountBalanceView(to.Id, to.Name, toBalance[0] / 100m, to.Currency));
        }

        var transfer = new Transfer
        {
            UserId = userId, FromAccountId = from.Id, ToAccountId = to?.Id, PayeeId = payee?.Id, AmountMinor = amount, Currency = from.Currency, Memo = memo, CreatedAt = now,
        };
        db.Transfers.Add(transfer);
        db.LedgerEntries.AddRange(
            new LedgerEntry { TransferId = transfer.Id, AccountId = from.Id, AmountMinor = -amount, CreatedAt = now },
            new LedgerEntry { TransferId = transfer.Id, AccountId = to?.Id, PayeeId = payee?.Id, AmountMinor = amount, CreatedAt = now });

        // The statement lines, as the bank's core would post them (a transfer is not spending: see Categories.Transfer).
        var toName = to?.Name ?? payee!.Name;
        db.Transactions.Add(Line(userId, from, $"{transfer.Id}:out", $"Transfer to {toName}", -amount, now));
        if (to is not null)
        {
            db.Transactions.Add(Line(userId, to, $"{transfer.Id}:in", $"Transfer from {from.Name}", amount, now));
        }

        return (new TransferResult(View(transfer), balances), transfer.Id, amount);
    }

    /// <summary>Adds the payment to the customer's total for the day, unless that would exceed the limit (one conditional update).</summary>
    private async Task<bool> CountTowardsDailyLimitAsync(Guid userId, DateOnly day, long amount, long limit, CancellationToken cancellationToken)
    {
        if (amount > limit)
        {
            return false;
        }

        var tenant = db.Tenant.TenantId!;
        if (!await db.TransferDays.AnyAsync(d => d.UserId == userId && d.Day == day, cancellationToken))
        {
            // Both providers speak ON CONFLICT: a concurrent first payment of the day does not fail on the key.
            await db.Database.ExecuteSqlAsync(
                $"""INSERT INTO "TransferDays" ("TenantId", "UserId", "Day", "TotalMinor") VALUES ({tenant}, {userId}, {day}, {0L}) ON CONFLICT DO NOTHING""",
                cancellationToken);
        }

        return await db.TransferDays.Where(d => d.UserId == userId && d.Day == day && d.TotalMinor + amount <= limit)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.TotalMinor, d => d.TotalMinor + amount), cancellationToken) == 1;
    }

    private static Transaction Line(Guid userId, Account account, string id, string merchant, long amount, DateTime now) => new()
    {
        UserId = userId,
        AccountId = account.Id,
        ExternalId = $"transfer:{id}",
        Merchant = merchant,
        Category = Categories.Transfer,
        AmountMinor = amount,
        Currency = account.Currency,
        Type = amount < 0 ? TransactionType.Debit : TransactionType.Credit,
        Timestamp = now,
        Tags = ["transfer"],
        CreatedAt = now,
    };

    public static TransferView View(Transfer t) => new(t.Id, t.FromAccountId, t.ToAccountId, t.PayeeId, t.AmountMinor / 100m, t.Currency, t.Memo,
        DateTime.SpecifyKind(t.CreatedAt, DateTimeKind.Utc));

    [GeneratedRegex(@"^[\p{L}\p{N} .,'&-]+$")]
    private static partial Regex PrintableName();

    [GeneratedRegex("^[A-Z0-9]{4,34}$")]
    private static partial Regex AccountNumber();

    [GeneratedRegex("^([0-9]{9}|[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?)$")]
    private static partial Regex BankCode();
}
