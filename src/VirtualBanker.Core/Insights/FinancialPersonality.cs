namespace VirtualBanker.Core.Insights;

/// <summary>
/// A one-phrase label for how a customer handles money, from their last months of income and spending. The words
/// describe, never judge (a bank's compliance team signs them): the lowest band says what happened, not who the
/// customer is.
/// </summary>
public static class FinancialPersonality
{
    /// <param name="incomeMinor">Total income over the period, minor units.</param>
    /// <param name="expensesMinor">Total spending over the period (positive), minor units.</param>
    /// <param name="discretionaryShare">Share of spending on dining, shopping and travel, 0–1.</param>
    public static string Classify(long incomeMinor, long expensesMinor, double discretionaryShare)
    {
        if (incomeMinor <= 0)
        {
            return expensesMinor > 0 ? "No Recent Income" : "New Customer";
        }

        var savingsRate = (incomeMinor - expensesMinor) / (double)incomeMinor;
        return savingsRate switch
        {
            >= 0.35 => "Steady Saver",
            >= 0.15 when discretionaryShare < 0.35 => "Balanced Investor",
            >= 0.15 => "Experience Spender",
            >= 0 => "Budget Balancer",
            _ => "Spending Above Income",
        };
    }
}
