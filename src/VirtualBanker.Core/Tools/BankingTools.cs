using System.ComponentModel;
using Microsoft.EntityFrameworkCore;
using VirtualBanker.Core.Agents.Builtin;
using VirtualBanker.Core.Banking;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Insights;

namespace VirtualBanker.Core.Tools;

public sealed record BalancesResult(decimal TotalBalance, IReadOnlyList<AccountBalance> Accounts);

public sealed record AccountBalance(string Name, string Type, decimal Balance, string Currency);

public sealed record AccountStatusResult(string Status, int Accounts, int PendingFraudAlerts, IReadOnlyList<AccountBalance> Details);

public sealed record TransactionSearchResult(string Period, int Count, decimal Total, IReadOnlyList<FoundTransaction> Transactions);

public sealed record FoundTransaction(string Date, string Merchant, string Category, decimal Amount);

public sealed record SpendingResult(string Period, decimal Total, IReadOnlyList<CategorySpend> Categories);

public sealed record CategorySpend(string Category, decimal Amount);

public sealed record SavingsResult(decimal MonthlyIncome, decimal MonthlyExpenses, decimal Saved, double SavingsRatePct,
    IReadOnlyList<CategorySpend> TopCategories, IReadOnlyList<UnusualCharge> Unusual);

/// <summary>A charge that drove spending up: flagged as possible fraud, or a one-off well above the customer's usual payments.</summary>
public sealed record UnusualCharge(string Merchant, decimal Amount, string Date, bool Flagged);

public sealed record HealthResult(double OverallScore, string Explanation, IReadOnlyList<string> Improvements);

public sealed record ForecastToolResult(decimal CurrentBalance, int Months, decimal ExpectedBalance, decimal Conservative, decimal Optimistic, string Confidence);

public sealed record FraudResult(int PendingReviews, IReadOnlyList<FraudItem> Alerts);

public sealed record FraudItem(string Merchant, decimal Amount, double RiskScore, string Details, string Status);

public sealed record SimulationResult(decimal Amount, string Merchant, string Verdict, string Summary, decimal BalanceAfter, double SavingsRateAfter, double MonthsOfExpensesAfter, string Explanation);

public sealed record TicketResult(Guid TicketId, string? Reference, string Subject, string Priority, string Status);

/// <summary>
/// The read tools an agent may call (listed in <see cref="ToolRegistry"/>), each a Core method over the run's customer
/// only. The user id comes from the run, never from the model's arguments, so no prompt can widen the scope.
/// </summary>
public sealed class BankingTools(CustomerDataService customers, VirtualBankerDbContext db, Knowledge.KnowledgeBase knowledge, Staff.TicketDesk tickets, ToolRun run)
{
    private readonly Guid userId = run.UserId;

    [Description("Current balances of the customer's checking, savings and credit accounts, and their total.")]
    public async Task<BalancesResult> GetBalancesAsync(CancellationToken cancellationToken = default)
    {
        var data = await customers.LoadRecentAsync(userId, cancellationToken);
        return new BalancesResult(Money(data.TotalBalanceMinor), Balances(data));
    }

    [Description("Status of the customer's accounts: active or not, and pending fraud reviews.")]
    public async Task<AccountStatusResult> GetAccountStatusAsync(CancellationToken cancellationToken = default)
    {
        var data = await customers.LoadRecentAsync(userId, cancellationToken);
        return new AccountStatusResult(data.PendingFraudAlerts > 0 ? "active_review_pending" : "active", data.Accounts.Count, data.PendingFraudAlerts, Balances(data));
    }

    [Description("Search the customer's transactions by merchant, category and period (e.g. 'this month', 'in September 2026', 'last 3 months').")]
    public async Task<TransactionSearchResult> SearchTransactionsAsync(
        [Description("Merchant name or part of it")] string? merchant = null,
        [Description("Category such as Groceries or Dining")] string? category = null,
        [Description("Period such as 'last month', 'in September 2026', 'in Q3 2026'")] string? period = null,
        [Description("Maximum transactions to list, 1-20")] int limit = 10,
        [Description("'largest' for the biggest payments first; newest first otherwise")] string? sort = null,
        CancellationToken cancellationToken = default)
    {
        var data = await customers.LoadRecentAsync(userId, cancellationToken);
        var span = Span(period, data.Now);
        var found = data.Transactions
            .Where(t => t.Timestamp >= span.From && t.Timestamp <= span.To)
            .Where(t => merchant is null || t.Merchant.Contains(merchant, StringComparison.OrdinalIgnoreCase))
            .Where(t => category is null || string.Equals(t.Category, category, StringComparison.OrdinalIgnoreCase));
        var ordered = sort == "largest"
            ? found.Where(t => t.IsDebit && !t.IsTransfer).OrderBy(t => t.AmountMinor).ThenByDescending(t => t.Timestamp).ToList()
            : found.OrderByDescending(t => t.Timestamp).ToList();
        return new TransactionSearchResult(span.Label, ordered.Count, Money(ordered.Sum(t => t.AmountMinor)),
            [.. ordered.Take(Math.Clamp(limit, 1, 20)).Select(t => new FoundTransaction(Day(t.Timestamp), t.Merchant, t.Category, Money(t.AmountMinor)))]);
    }

    [Description("Spending by category over a period (default: the last 30 days).")]
    public async Task<SpendingResult> SpendingSummaryAsync(
        [Description("Relative period such as 'this month'")] string? period = null,
        [Description("Only this category")] string? category = null,
        CancellationToken cancellationToken = default)
    {
        var data = await customers.LoadRecentAsync(userId, cancellationToken);
        var span = Span(period, data.Now);
        var spending = data.External.Where(t => t.IsDebit && t.Timestamp >= span.From && t.Timestamp <= span.To)
            .Where(t => category is null || string.Equals(t.Category, category, StringComparison.OrdinalIgnoreCase))
            .GroupBy(t => t.Category)
            .Select(g => new CategorySpend(g.Key, Money(-g.Sum(t => t.AmountMinor))))
            .OrderByDescending(c => c.Amount).ToList();
        return new SpendingResult(span.Label, spending.Sum(c => c.Amount), spending);
    }

    [Description("Income, spending and savings rate over the last 30 days, with what drove spending: the top categories and, when spending exceeded income, unusual charges.")]
    public async Task<SavingsResult> SavingsRateAsync(CancellationToken cancellationToken = default)
    {
        var data = await customers.LoadRecentAsync(userId, cancellationToken);
        var flow = CashFlow.Trailing30Days(data);
        var recent = data.Since(data.Now.AddDays(-30)).Where(t => t.IsDebit).ToList();
        var top = recent.GroupBy(t => t.Category).Select(g => new CategorySpend(g.Key, Money(-g.Sum(t => t.AmountMinor))))
            .OrderByDescending(c => c.Amount).Take(3).ToList();

        var unusual = flow.SavingsMinor >= 0 ? [] : await UnusualChargesAsync(data, recent, flow.ExpensesMinor, cancellationToken);
        return new SavingsResult(Money(flow.IncomeMinor), Money(flow.ExpensesMinor), Money(flow.SavingsMinor), Math.Round(flow.SavingsRate * 100, 1), top, unusual);
    }

    /// <summary>
    /// What drove spending above income, asked only then: flagged ones, the customer's pending fraud alerts; one-offs, a
    /// merchant paid once in the data, for at least a tenth of the month's spending.
    /// </summary>
    private async Task<List<UnusualCharge>> UnusualChargesAsync(FinancialData data, List<TxData> recent, long expensesMinor, CancellationToken cancellationToken)
    {
        var flagged = (await customers.FraudAlertsAsync(userId, cancellationToken)).Where(a => a.Status == "pending" && a.Timestamp >= data.Now.AddDays(-30))
            .Select(a => a.TransactionId).ToHashSet();
        var paidOnce = data.External.Where(t => t.IsDebit).CountBy(t => t.Merchant).Where(p => p.Value == 1).Select(p => p.Key).ToHashSet();
        return [.. recent.Where(t => flagged.Contains(t.Id) || (paidOnce.Contains(t.Merchant) && -t.AmountMinor * 10 >= expensesMinor))
            .OrderBy(t => t.AmountMinor).Take(4)
            .Select(t => new UnusualCharge(t.Merchant, Money(-t.AmountMinor), Day(t.Timestamp), flagged.Contains(t.Id)))];
    }

    [Description("The customer's financial health score (0-100) with an explanation and improvements.")]
    public async Task<HealthResult> HealthScoreAsync(CancellationToken cancellationToken = default)
    {
        var score = Insights.HealthScore.Compute(await customers.LoadRecentAsync(userId, cancellationToken));
        return new HealthResult(score.OverallScore, score.Explanation, score.ActionableImprovements);
    }

    [Description("Forecast of the customer's total balance a number of months ahead.")]
    public async Task<ForecastToolResult> ForecastAsync([Description("Months ahead, 1-60")] int months = 1, CancellationToken cancellationToken = default)
    {
        months = Math.Clamp(months, 1, 60);
        var forecast = BalanceForecast.Forecast(await customers.LoadRecentAsync(userId, cancellationToken), months);
        return new ForecastToolResult(Money(forecast.CurrentBalanceMinor), months, Money(forecast.Expected[^1].BalanceMinor),
            Money(forecast.Conservative[^1]), Money(forecast.Optimistic[^1]), forecast.Confidence);
    }

    [Description("Transactions flagged as possible fraud.")]
    public async Task<FraudResult> FraudAlertsAsync(CancellationToken cancellationToken = default)
    {
        var alerts = await customers.FraudAlertsAsync(userId, cancellationToken);
        return new FraudResult(alerts.Count(a => a.Status == "pending"),
            [.. alerts.Select(a => new FraudItem(a.Merchant, Money(a.AmountMinor), a.RiskScore, a.Details, a.Status))]);
    }

    [Description("What a one-off purchase would do to the customer's finances, with an affordability verdict.")]
    public async Task<SimulationResult> SimulatePurchaseAsync(
        [Description("Price in currency units")] decimal amount,
        [Description("Where it would be bought")] string? merchant = null,
        [Description("Category of the purchase")] string? category = null,
        CancellationToken cancellationToken = default)
    {
        if (amount is <= 0 or > 10_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(amount), "The amount must be positive.");
        }

        merchant ??= "Purchase";
        var impact = PurchaseSimulation.Simulate(await customers.LoadRecentAsync(userId, cancellationToken), (long)Math.Round(amount * 100), merchant,
            Categories.Categorize(merchant, category));
        return new SimulationResult(amount, merchant, impact.Verdict, impact.Summary, Money(impact.BalanceAfterMinor), impact.SavingsRateAfter, impact.MonthsOfExpensesAfter, impact.Explanation);
    }

    [Description("Open a support ticket for the customer with a human agent.")]
    public async Task<TicketResult> CreateTicketAsync(
        [Description("Short subject")] string subject,
        [Description("What the customer needs")] string description,
        [Description("'high' for lost or stolen cards and fraud, else 'normal'")] string priority = "normal",
        CancellationToken cancellationToken = default)
    {
        var ticket = await tickets.OpenAsync(userId, run.SessionId, subject, description, priority, cancellationToken);
        return new TicketResult(ticket.Id, ticket.Reference, ticket.Subject, ticket.Priority, ticket.Status);
    }

    [Description("The customer's support tickets, newest first, with their status.")]
    public async Task<IReadOnlyList<TicketResult>> ListTicketsAsync(CancellationToken cancellationToken = default) =>
        await db.Tickets.AsNoTracking().Where(t => t.UserId == userId).OrderByDescending(t => t.CreatedAt).Take(20)
            .Select(t => new TicketResult(t.Id, t.Reference, t.Subject, t.Priority, t.Status)).ToListAsync(cancellationToken);

    [Description("Search the bank's knowledge base (cards, transfers, limits, fees, disputes, identity, opening hours) and return the best articles.")]
    public Task<Knowledge.KnowledgeResult> SearchFaqAsync(
        [Description("The customer's question")] string query,
        [Description("The intent the question was classified as, e.g. card_arrival, if known")] string? topic = null,
        CancellationToken cancellationToken = default) =>
        knowledge.SearchAsync(query, topic, 3, cancellationToken);

    private static decimal Money(long minor) => minor / 100m;

    private static string Day(DateTime timestamp) => timestamp.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static List<AccountBalance> Balances(FinancialData data) =>
        [.. data.Accounts.Select(a => new AccountBalance(a.Name, a.Type.ToString().ToLowerInvariant(), Money(a.BalanceMinor), a.Currency))];

    private static Period Span(string? period, DateTime now) =>
        (period is null ? null : EntityExtractor.ExtractPeriod(period, now)) ?? new Period("in the last 30 days", now.AddDays(-30), now);
}
