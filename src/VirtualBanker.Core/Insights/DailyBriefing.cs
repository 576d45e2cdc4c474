using System.Text;

namespace VirtualBanker.Core.Insights;

public sealed record BriefingMetrics(long TotalLiquidCapitalMinor, long MonthlyIncomeProjectionMinor, long MonthlyBurnRateMinor);

public sealed record Briefing(DateOnly Date, string UserName, string Text, BriefingMetrics Metrics, string Summary);

/// <summary>The daily briefing written from the customer's figures by templates (the offline path).</summary>
public static class DailyBriefing
{
    public static Briefing Compose(FinancialData data, HealthScoreResult health, ForecastResult forecast)
    {
        var pendingFraudAlerts = data.PendingFraudAlerts;
        var flow = CashFlow.Trailing30Days(data);
        var metrics = new BriefingMetrics(data.TotalBalanceMinor, flow.IncomeMinor, flow.ExpensesMinor);
        var text = new StringBuilder("DAILY BRIEFING:\n\n");
        text.Append($"Your liquid capital stands at {Format.Money(data.TotalBalanceMinor)}. ");
        text.Append($"Over the last 30 days you received {Format.Money(flow.IncomeMinor)} and spent {Format.Money(flow.ExpensesMinor)}, ");
        text.Append(flow.SavingsMinor >= 0
            ? $"keeping {Format.Money(flow.SavingsMinor)} ({flow.SavingsRate * 100:0.#}% of income).\n\n"
            : $"spending {Format.Money(-flow.SavingsMinor)} more than came in.\n\n");
        text.Append($"Health score: {health.OverallScore:0.#}/100. {health.Explanation}\n\n");
        var next = forecast.Expected[0].BalanceMinor;
        text.Append($"Outlook: your balance is expected to be about {Format.Money(next)} in 30 days ({forecast.Confidence} confidence).");
        if (pendingFraudAlerts > 0)
        {
            text.Append($"\n\nAction needed: {pendingFraudAlerts} suspicious {(pendingFraudAlerts == 1 ? "transaction is" : "transactions are")} waiting for your review.");
        }

        if (health.ActionableImprovements.Count > 0)
        {
            text.Append($"\n\nTip: {health.ActionableImprovements[0]}");
        }

        var summary = health.OverallScore switch
        {
            >= 80 => "Your financial health looks strong",
            >= 60 => "Your financial health is solid",
            >= 40 => "Your finances need some attention",
            _ => "Your finances are under pressure",
        } + $": {Format.Money(data.TotalBalanceMinor)} in total and {Format.Money(flow.SavingsMinor)} kept over the last 30 days.";
        return new Briefing(DateOnly.FromDateTime(data.Now), data.UserName, text.ToString(), metrics, summary);
    }
}
