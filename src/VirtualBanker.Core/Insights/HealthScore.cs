using System.Globalization;
using VirtualBanker.Core.Banking;

namespace VirtualBanker.Core.Insights;

public sealed record ScoreCategory(string Name, double Score, double Max)
{
    public double Ratio => Max == 0 ? 0 : Score / Max;
}

public sealed record HealthScoreResult(double OverallScore, IReadOnlyList<ScoreCategory> Categories, string Explanation, IReadOnlyList<string> ActionableImprovements);

/// <summary>
/// Financial health, 0–100, in the six dimensions of contract 001 (maxima 20, 20, 20, 20, 10, 10).
/// Each is a linear scale between a "poor" and a "good" threshold of a ratio a bank adviser would use.
/// </summary>
public static class HealthScore
{
    public const string SavingsConsistency = "savings_consistency";
    public const string DebtRatio = "debt_ratio";
    public const string SpendingDiscipline = "spending_discipline";
    public const string EmergencyFunds = "emergency_funds";
    public const string Investments = "investments";
    public const string SubscriptionManagement = "subscription_management";

    public static HealthScoreResult Compute(FinancialData data)
    {
        var months = CashFlow.CompleteMonths(data, 6);
        var last90 = data.Since(data.Now.AddDays(-90)).ToList();
        var income90 = last90.Where(t => !t.IsDebit).Sum(t => t.AmountMinor);
        var spent90 = -last90.Where(t => t.IsDebit).Sum(t => t.AmountMinor);
        var monthlyIncome = income90 / 3.0;
        var monthlyExpenses = spent90 / 3.0;
        var subscriptions = -last90.Where(t => t.IsDebit && t.Category == Categories.Subscriptions).Sum(t => t.AmountMinor) / 3.0;

        // Share of complete months in which at least 10% of income was kept.
        var savingMonths = months.Count == 0 ? 0 : months.Count(m => m.SavingsRate >= 0.10) / (double)months.Count;

        // Share of complete months with money moved into savings (the customer's own investing habit).
        var savingsAccount = data.Accounts.Where(a => a.Type == AccountType.Savings).Select(a => a.Id).ToHashSet();
        var investingMonths = months.Count == 0 ? 0 : months.Count(m => data.Transactions.Any(t =>
            t.IsTransfer && !t.IsDebit && t.Account == AccountType.Savings
            && t.Timestamp.Year == m.Month.Year && t.Timestamp.Month == m.Month.Month)) / (double)months.Count;

        var categories = new List<ScoreCategory>
        {
            new(SavingsConsistency, Round(20 * savingMonths), 20),
            new(DebtRatio, Round(20 * Scale(monthlyIncome <= 0 ? (data.CreditOwedMinor > 0 ? 1 : 0) : data.CreditOwedMinor / monthlyIncome, poor: 1.0, good: 0.1)), 20),
            new(SpendingDiscipline, Round(20 * Scale(monthlyIncome <= 0 ? 1 : monthlyExpenses / monthlyIncome, poor: 1.0, good: 0.5)), 20),
            new(EmergencyFunds, Round(20 * Scale(monthlyExpenses <= 0 ? 6 : data.LiquidMinor / monthlyExpenses, poor: 0, good: 6, higherIsBetter: true)), 20),
            new(Investments, Round(10 * investingMonths), 10),
            new(SubscriptionManagement, Round(10 * Scale(monthlyIncome <= 0 ? 0 : subscriptions / monthlyIncome, poor: 0.10, good: 0.02)), 10),
        };

        var overall = Math.Round(categories.Sum(c => c.Score), 1);
        var ranked = categories.OrderBy(c => c.Ratio).ThenBy(c => c.Name, StringComparer.Ordinal).ToList();
        var weakest = ranked.Where(c => c.Ratio < 1).Take(2).ToList();
        return new HealthScoreResult(overall, categories, Explain(overall, ranked), [.. weakest.Select(c => Improve(c, data, monthlyIncome, monthlyExpenses, subscriptions))]);
    }

    /// <summary>0 at <paramref name="poor"/>, 1 at <paramref name="good"/>, linear between, clamped.</summary>
    private static double Scale(double value, double poor, double good, bool higherIsBetter = false)
    {
        var t = higherIsBetter ? (value - poor) / (good - poor) : (poor - value) / (poor - good);
        return Math.Clamp(t, 0, 1);
    }

    private static double Round(double score) => Math.Round(score, 1);

    private static string Label(string name) => name.Replace('_', ' ');

    private static string Explain(double overall, IReadOnlyList<ScoreCategory> ranked)
    {
        var band = overall switch
        {
            >= 80 => "strong",
            >= 60 => "solid",
            >= 40 => "fair",
            _ => "under pressure",
        };
        var best = ranked[^1];
        var worst = ranked[0];
        return worst.Ratio >= 1
            ? $"Your financial health is {band} at {overall:0.#}/100, with full marks in every dimension."
            : string.Create(CultureInfo.InvariantCulture,
                $"Your financial health is {band} at {overall:0.#}/100. Your best dimension is {Label(best.Name)} ({best.Score:0.#}/{best.Max:0}); the most room to improve is in {Label(worst.Name)} ({worst.Score:0.#}/{worst.Max:0}).");
    }

    private static string Improve(ScoreCategory category, FinancialData data, double monthlyIncome, double monthlyExpenses, double subscriptions)
    {
        string Money(double minor) => Format.Money((long)Math.Round(minor));
        return category.Name switch
        {
            SavingsConsistency => $"Set up an automatic transfer of {Money(monthlyIncome * 0.10)} (10% of your income, {FigurePeriod.MonthlyAverage}) to savings right after payday, every month.",
            DebtRatio => $"Pay down the {Money(data.CreditOwedMinor)} owed on your card, starting with the highest-interest balance.",
            SpendingDiscipline => $"You spent {Money(monthlyExpenses)} and earned {Money(monthlyIncome)} {FigurePeriod.MonthlyAverage}; set a monthly budget for dining and shopping.",
            EmergencyFunds => $"Build your emergency fund towards six months of expenses ({Money(monthlyExpenses * 6)}, at your spending of the last 3 months); you have {Money(data.LiquidMinor)} in checking and savings now.",
            Investments => "Move a fixed amount into savings or investments every month, even a small one; regular months count more than one large transfer.",
            SubscriptionManagement => $"Review your subscriptions: they cost {Money(subscriptions)} {FigurePeriod.MonthlyAverage}. Cancel the ones you have not used lately.",
            _ => $"Improve your {Label(category.Name)}.",
        };
    }
}

internal static class Format
{
    public static string Money(long minor) => (minor / 100m).ToString("$#,##0.00", CultureInfo.InvariantCulture);
}
