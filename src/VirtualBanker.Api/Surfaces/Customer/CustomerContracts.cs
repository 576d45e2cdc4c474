using System.ComponentModel;
using System.Globalization;
using VirtualBanker.Core.Banking;
using VirtualBanker.Core.Errors;
using VirtualBanker.Core.Insights;

namespace VirtualBanker.Api.Surfaces.Customer;

// Response shapes of contract 001. Money leaves the API as decimal currency units (minor units inside).
// Records that are cached are immutable, so the cache can hand out the same instance without copying.

[ImmutableObject(true)]
public sealed record DashboardOverview(
    decimal TotalBalance,
    IReadOnlyList<AccountItem> Accounts,
    decimal MonthlyIncome,
    decimal MonthlyExpenses,
    double SavingsRate,
    IReadOnlyList<CategoryAmount> SpendingByCategory,
    IReadOnlyList<TransactionItem> RecentTransactions,
    IReadOnlyList<CashFlowItem> CashFlow,
    double HealthScore,
    int FraudAlertCount,
    BriefingSummary AiBriefing)
{
    /// <summary>The period of monthly_income, monthly_expenses, savings_rate and spending_by_category (not a calendar month; cash_flow is).</summary>
    public string FiguresPeriod => FigurePeriod.Last30Days;
}

public sealed record AccountItem(Guid Id, string Type, string Name, decimal Balance, string Currency);

public sealed record CategoryAmount(string Name, decimal Value);

public sealed record TransactionItem(Guid Id, string Merchant, string Category, decimal Amount, string Type, string Timestamp, IReadOnlyList<string> Tags);

public sealed record CashFlowItem(string Month, decimal Income, decimal Expenses, decimal Savings);

public sealed record BriefingSummary(string Summary, string? Briefing);

internal static class Money
{
    public static decimal Of(long minor) => minor / 100m;

    public static decimal Of(double minor) => Math.Round((decimal)minor / 100m, 2);

    /// <summary>Currency units with at most two decimals to minor units; anything else is a 400 naming the field.</summary>
    public static long ToMinor(decimal amount, string field)
    {
        var minor = amount * 100m;
        if (minor != decimal.Truncate(minor))
        {
            throw new AppException(AppError.Validation(field, $"{field} has more than two decimals."));
        }

        return (long)minor;
    }

    public static string Timestamp(DateTime utc) => DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    public static TransactionItem Item(Transaction t) =>
        new(t.Id, t.Merchant, t.Category, Of(t.AmountMinor), t.Type == TransactionType.Debit ? "debit" : "credit", Timestamp(t.Timestamp), t.Tags);
}

/// <summary>Query parameters are read as text and checked here, so a bad one is a 400 that names it.</summary>
internal static class Query
{
    public static int Int(string? raw, string name, int fallback, int min, int max)
    {
        if (string.IsNullOrEmpty(raw))
        {
            return fallback;
        }

        if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new AppException(AppError.Validation(name, $"{name} must be an integer from {min} to {max}."));
        }

        return value;
    }

    public static Guid? UserId(string? raw) => string.IsNullOrEmpty(raw)
        ? null
        : Guid.TryParse(raw, out var id) ? id : throw new AppException(AppError.Validation("user_id", "user_id must be a UUID."));
}
