using System.ComponentModel;
using VirtualBanker.Core.Banking;

namespace VirtualBanker.Core.Insights;

/// <summary>
/// Everything the insight functions read about one customer: plain data, no database. Immutable, so a
/// cache can hand the same instance to every reader (HybridCache copies anything not marked so).
/// </summary>
[ImmutableObject(true)]
public sealed record FinancialData(string UserName, IReadOnlyList<AccountData> Accounts, IReadOnlyList<TxData> Transactions, DateTime Now)
{
    /// <summary>Fraud alerts still waiting for the customer's review.</summary>
    public int PendingFraudAlerts { get; init; }

    /// <summary>Checking + savings − what is owed on credit cards, in minor units.</summary>
    public long TotalBalanceMinor => Accounts.Sum(a => a.BalanceMinor);

    public long LiquidMinor => Accounts.Where(a => a.Type != AccountType.Credit).Sum(a => a.BalanceMinor);

    public long CreditOwedMinor => -Accounts.Where(a => a.Type == AccountType.Credit && a.BalanceMinor < 0).Sum(a => a.BalanceMinor);

    /// <summary>Money in and out of the customer's hands: moves between their own accounts are not income or spending.</summary>
    public IEnumerable<TxData> External => Transactions.Where(t => !t.IsTransfer);

    public IEnumerable<TxData> Since(DateTime from) => External.Where(t => t.Timestamp >= from && t.Timestamp <= Now);
}

public sealed record AccountData(Guid Id, AccountType Type, string Name, long BalanceMinor, string Currency);

public sealed record TxData(Guid Id, string Merchant, string Category, long AmountMinor, DateTime Timestamp, AccountType Account)
{
    public bool IsTransfer => Category == Categories.Transfer;

    public bool IsDebit => AmountMinor < 0;
}

/// <summary>Monthly totals in minor units; spending is positive.</summary>
public sealed record MonthFlow(DateOnly Month, long IncomeMinor, long ExpensesMinor)
{
    public long SavingsMinor => IncomeMinor - ExpensesMinor;

    public double SavingsRate => IncomeMinor <= 0 ? 0 : (double)SavingsMinor / IncomeMinor;
}

/// <summary>
/// The periods the customer's figures cover, with the words every page and answer uses for them. A rolling 30 days and
/// a calendar month are different figures: each is labelled, never called "this month" for the other.
/// </summary>
public static class FigurePeriod
{
    /// <summary>The dashboard's income, spending and savings rate, the savings answer and the purchase simulator.</summary>
    public const string Last30Days = "last 30 days";

    /// <summary>The health score's monthly income and spending: the mean of the last 90 days per month.</summary>
    public const string MonthlyAverage = "a month on average over the last 3 months";
}

public static class CashFlow
{
    /// <summary>Income and spending of the trailing 30 days (<see cref="FigurePeriod.Last30Days"/>).</summary>
    public static MonthFlow Trailing30Days(FinancialData data)
    {
        var recent = data.Since(data.Now.AddDays(-30)).ToList();
        return new MonthFlow(DateOnly.FromDateTime(data.Now), recent.Where(t => !t.IsDebit).Sum(t => t.AmountMinor), -recent.Where(t => t.IsDebit).Sum(t => t.AmountMinor));
    }

    /// <summary>The last <paramref name="count"/> calendar months, oldest first, the current month so far last.</summary>
    public static IReadOnlyList<MonthFlow> Months(FinancialData data, int count)
    {
        var current = new DateOnly(data.Now.Year, data.Now.Month, 1);
        return [.. Enumerable.Range(0, count).Select(i => current.AddMonths(i - count + 1)).Select(month =>
        {
            var inMonth = data.External.Where(t => t.Timestamp.Year == month.Year && t.Timestamp.Month == month.Month && t.Timestamp <= data.Now).ToList();
            return new MonthFlow(month, inMonth.Where(t => !t.IsDebit).Sum(t => t.AmountMinor), -inMonth.Where(t => t.IsDebit).Sum(t => t.AmountMinor));
        })];
    }

    /// <summary>Complete calendar months with any activity, oldest first.</summary>
    public static IReadOnlyList<MonthFlow> CompleteMonths(FinancialData data, int max) =>
        [.. Months(data, max + 1).SkipLast(1).Where(m => m.IncomeMinor != 0 || m.ExpensesMinor != 0)];

    public static IReadOnlyList<(string Category, long SpentMinor)> SpendingByCategory(FinancialData data, DateTime from) =>
        [.. data.Since(from).Where(t => t.IsDebit).GroupBy(t => t.Category)
            .Select(g => (g.Key, -g.Sum(t => t.AmountMinor))).OrderByDescending(g => g.Item2).ThenBy(g => g.Key, StringComparer.Ordinal)];
}
