using System.Globalization;
using VirtualBanker.Api.Hosting;
using VirtualBanker.Core.Insights;

namespace VirtualBanker.Api.Surfaces.Customer;

internal static class DashboardEndpoints
{
    public static RouteGroupBuilder MapDashboardEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/overview", GetOverviewAsync);
        return group;
    }

    /// <summary>Everything the dashboard shows in one response, cached two minutes per customer (dropped on ingest).</summary>
    public static Task<CachedJson<DashboardOverview>> GetOverviewAsync([AsParameters] Caller caller, CancellationToken cancellationToken) =>
        caller.CachedAsync("dashboard", TimeSpan.FromMinutes(2), Build, cancellationToken);

    internal static DashboardOverview Build(FinancialData data)
    {
        var flow = CashFlow.Trailing30Days(data);
        var health = HealthScore.Compute(data);
        var briefing = DailyBriefing.Compose(data, health, BalanceForecast.Forecast(data, 1));
        return new DashboardOverview(
            Money.Of(data.TotalBalanceMinor),
            [.. data.Accounts.Select(a => new AccountItem(a.Id, a.Type.ToString().ToLowerInvariant(), a.Name, Money.Of(a.BalanceMinor), a.Currency))],
            Money.Of(flow.IncomeMinor),
            Money.Of(flow.ExpensesMinor),
            Math.Round(flow.SavingsRate * 100, 1),
            [.. CashFlow.SpendingByCategory(data, data.Now.AddDays(-30)).Select(c => new CategoryAmount(c.Category, Money.Of(c.SpentMinor)))],
            [.. data.Transactions.OrderByDescending(t => t.Timestamp).Take(10).Select(t => new TransactionItem(
                t.Id, t.Merchant, t.Category, Money.Of(t.AmountMinor), t.IsDebit ? "debit" : "credit", Money.Timestamp(t.Timestamp), [t.Category.ToLowerInvariant()]))],
            [.. CashFlow.Months(data, 6).Select(m => new CashFlowItem(
                m.Month.ToString("MMM", CultureInfo.InvariantCulture), Money.Of(m.IncomeMinor), Money.Of(m.ExpensesMinor), Money.Of(m.SavingsMinor)))],
            health.OverallScore,
            data.PendingFraudAlerts,
            new BriefingSummary(briefing.Summary, null));
    }
}
