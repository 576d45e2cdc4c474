using VirtualBanker.Core.Banking;

namespace VirtualBanker.Core.Insights;

public sealed record PurchaseImpact(
    long AmountMinor,
    long BalanceBeforeMinor,
    long BalanceAfterMinor,
    double SavingsRateBefore,
    double SavingsRateAfter,
    double HealthScoreBefore,
    double HealthScoreAfter,
    long Forecast30dBeforeMinor,
    long Forecast30dAfterMinor,
    double MonthsOfExpensesAfter,
    string Verdict,
    string Explanation)
{
    /// <summary>The verdict in one sentence: the words the simulator page and the assistant both show.</summary>
    public string Summary => PurchaseSimulation.Summary(Verdict);
}

/// <summary>
/// What a one-off purchase today would do: the same insight functions run on the customer's data with
/// the purchase added, so before and after are computed the same way. The forecast is the exception: a one-off purchase
/// lowers every future balance by its amount and does not recur, so it is subtracted from the forecast as it stands.
/// </summary>
public static class PurchaseSimulation
{
    public const string Affordable = "affordable";
    public const string Caution = "caution";
    public const string NotRecommended = "not_recommended";

    public static string Summary(string verdict) => verdict switch
    {
        Affordable => "Yes, you can afford it.",
        Caution => "It is not comfortably affordable: it would stretch your budget.",
        _ => "I would not recommend it right now.",
    };

    public static PurchaseImpact Simulate(FinancialData data, long amountMinor, string merchant, string category)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(amountMinor);
        var checking = data.Accounts.FirstOrDefault(a => a.Type == AccountType.Checking) ?? data.Accounts.FirstOrDefault();
        var purchase = new TxData(Guid.Empty, merchant, category, -amountMinor, data.Now, checking?.Type ?? AccountType.Checking);
        var after = data with
        {
            Accounts = [.. data.Accounts.Select(a => a.Id == checking?.Id ? a with { BalanceMinor = a.BalanceMinor - amountMinor } : a)],
            Transactions = [.. data.Transactions, purchase],
        };

        var flowBefore = CashFlow.Trailing30Days(data);
        var flowAfter = CashFlow.Trailing30Days(after);
        var monthlyExpenses = Math.Max(1, flowBefore.ExpensesMinor);
        var monthsAfter = Math.Round(after.LiquidMinor / (double)monthlyExpenses, 1);
        var surplus = flowBefore.SavingsMinor;
        var forecast = BalanceForecast.Forecast(data, 1).Expected[0].BalanceMinor;

        var (verdict, why) = (monthsAfter, amountMinor) switch
        {
            _ when after.LiquidMinor < 0 => (NotRecommended, "It would overdraw your accounts."),
            _ when monthsAfter < 1 => (NotRecommended, "It would leave less than one month of expenses in reserve."),
            _ when monthsAfter < 3 => (Caution, $"It would leave {monthsAfter:0.#} months of expenses in reserve; three or more is safer."),
            _ when surplus > 0 && amountMinor > surplus * 3 => (Caution, $"It costs more than three months of your usual savings ({Format.Money(surplus)} a month)."),
            _ => (Affordable, $"You would keep {monthsAfter:0.#} months of expenses in reserve."),
        };

        return new PurchaseImpact(
            amountMinor,
            data.TotalBalanceMinor,
            after.TotalBalanceMinor,
            Math.Round(flowBefore.SavingsRate * 100, 1),
            Math.Round(flowAfter.SavingsRate * 100, 1),
            HealthScore.Compute(data).OverallScore,
            HealthScore.Compute(after).OverallScore,
            forecast,
            forecast - amountMinor,
            monthsAfter,
            verdict,
            why);
    }
}
