using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using VirtualBanker.Api.Hosting;
using VirtualBanker.Core.Agents;
using VirtualBanker.Core.Banking;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Insights;

namespace VirtualBanker.Api.Surfaces.Customer;

[ImmutableObject(true)]
public sealed record CoachingScoreResponse(double OverallScore, IReadOnlyDictionary<string, ScoreItem> Categories, string Explanation, IReadOnlyList<string> ActionableImprovements);

public sealed record ScoreItem(double Score, double Max);

[ImmutableObject(true)]
public sealed record BriefingResponse(string Date, string UserName, string Briefing, BriefingMetricsItem Metrics);

public sealed record BriefingMetricsItem(decimal TotalLiquidCapital, decimal MonthlyIncomeProjection, decimal MonthlyBurnRate);

[ImmutableObject(true)]
public sealed record BehaviorResponse(IReadOnlyList<string> Insights, BehaviorMetrics Metrics);

public sealed record BehaviorMetrics(double WeekendPct, int LateNightCount, decimal AvgTransactionAmount);

[ImmutableObject(true)]
public sealed record PredictResponse(decimal CurrentBalance, [property: JsonPropertyName("predicted_balance_30d")] decimal PredictedBalance30d, IReadOnlyList<ProjectionItem> MonthlyProjections, string Confidence);

[ImmutableObject(true)]
public sealed record FutureResponse(decimal CurrentBalance, int Months, IReadOnlyList<ProjectionItem> MonthlyProjections, string Confidence);

public sealed record ProjectionItem(int Month, decimal Balance, decimal Savings);

[ImmutableObject(true)]
public sealed record ScenariosResponse(int Months, ScenarioSet Scenarios, string Confidence);

public sealed record ScenarioSet(IReadOnlyList<decimal> Conservative, IReadOnlyList<decimal> Expected, IReadOnlyList<decimal> Optimistic);

public sealed record FraudAnalysisResponse(int TotalAlerts, int PendingReviews, IReadOnlyList<FraudAlertItem> Alerts);

public sealed record FraudAlertItem(Guid FraudLogId, Guid TransactionId, decimal Amount, string Merchant, double RiskScore, string Details, string Status, string Timestamp);

public sealed record SimulatePurchaseRequest(
    [property: Required, MoneyRange("0.01", "10000000")] decimal? Amount,
    [property: MaxLength(200)] string? Merchant,
    [property: MaxLength(64)] string? Category);

public sealed record SimulatePurchaseResponse(
    decimal Amount,
    string Merchant,
    string Category,
    decimal CurrentBalance,
    decimal BalanceAfter,
    double SavingsRateBefore,
    double SavingsRateAfter,
    double HealthScoreBefore,
    double HealthScoreAfter,
    [property: JsonPropertyName("forecast_30d_before")] decimal Forecast30dBefore,
    [property: JsonPropertyName("forecast_30d_after")] decimal Forecast30dAfter,
    double MonthsOfExpensesAfter,
    string Verdict,
    bool Affordable,
    string Summary,
    string Explanation);

/// <summary>Contract 001's AI intelligence endpoints. The figures come from Core's pure insight functions.</summary>
internal static class InsightsEndpoints
{
    public static RouteGroupBuilder MapInsightsEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/coaching/score", GetScoreAsync);
        group.MapGet("/coaching/briefing", GetBriefingAsync);
        group.MapGet("/behavior/insights", GetBehaviorAsync);
        group.MapGet("/twin/predict", GetPredictAsync);
        group.MapGet("/twin/future", GetFutureAsync);
        group.MapGet("/twin/scenarios", GetScenariosAsync);
        group.MapGet("/fraud/analysis", GetFraudAsync);
        group.MapPost("/simulate/purchase", SimulatePurchaseAsync);
        return group;
    }

    /// <summary>The customer's financial health score, 0-100, in six dimensions. Each dimension is a ratio a bank adviser would use (savings kept, debt to income, reserves...), with an explanation and the two most useful improvements; cached 10 minutes.</summary>
    public static async Task<CachedJson<CoachingScoreResponse>> GetScoreAsync([AsParameters] Caller caller, CancellationToken cancellationToken) =>
        await caller.CachedAsync("score", TimeSpan.FromMinutes(10), data =>
        {
            var score = HealthScore.Compute(data);
            return new CoachingScoreResponse(
                score.OverallScore,
                score.Categories.ToDictionary(c => c.Name, c => new ScoreItem(c.Score, c.Max)),
                score.Explanation,
                score.ActionableImprovements);
        }, cancellationToken);

    /// <summary>Figures computed here; the narrative by the tenant's briefing model when it has one, else by templates.</summary>
    public static async Task<CachedJson<BriefingResponse>> GetBriefingAsync([AsParameters] Caller caller, BriefingWriter writer, CancellationToken cancellationToken) =>
        await caller.CachedAsync("briefing", TimeSpan.FromHours(1), async (data, ct) =>
        {
            var briefing = DailyBriefing.Compose(data, HealthScore.Compute(data), BalanceForecast.Forecast(data, 1));
            return new BriefingResponse(
                briefing.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                briefing.UserName,
                await writer.WriteAsync(briefing, ct),
                new BriefingMetricsItem(Money.Of(briefing.Metrics.TotalLiquidCapitalMinor), Money.Of(briefing.Metrics.MonthlyIncomeProjectionMinor), Money.Of(briefing.Metrics.MonthlyBurnRateMinor)));
        }, cancellationToken);

    /// <summary>How the customer spends: insights in sentences, with the weekend share, late-night payments and the average payment. Read from their own recent transactions.</summary>
    public static async Task<CachedJson<BehaviorResponse>> GetBehaviorAsync([AsParameters] Caller caller, CancellationToken cancellationToken) =>
        await caller.CachedAsync("behavior", TimeSpan.FromMinutes(10), data =>
        {
            var behavior = BehaviorInsights.Compute(data);
            return new BehaviorResponse(behavior.Insights, new BehaviorMetrics(behavior.WeekendPct, behavior.LateNightCount, Money.Of(behavior.AvgTransactionMinor)));
        }, cancellationToken);

    /// <summary>The customer's total balance forecast 30 days ahead. The net flow of the last 90 days, by day of the month, repeated from today's balance; with a confidence. Cached 5 minutes.</summary>
    public static async Task<CachedJson<PredictResponse>> GetPredictAsync([AsParameters] Caller caller, CancellationToken cancellationToken) =>
        await caller.CachedAsync("predict", TimeSpan.FromMinutes(5), data =>
        {
            var forecast = BalanceForecast.Forecast(data, 1);
            return new PredictResponse(Money.Of(forecast.CurrentBalanceMinor), Money.Of(forecast.Expected[0].BalanceMinor), Projections(forecast), forecast.Confidence);
        }, cancellationToken);

    /// <summary>The balance forecast month by month, up to 60 months ahead. The same model as the 30-day forecast, with the expected balance and what each month adds.</summary>
    public static async Task<CachedJson<FutureResponse>> GetFutureAsync([AsParameters] Caller caller, [FromQuery(Name = "months"), QueryInteger(1, 60)] string? monthsParam, CancellationToken cancellationToken)
    {
        var months = Query.Int(monthsParam, "months", 12, 1, 60);
        return await caller.CachedAsync($"future:{months}", TimeSpan.FromMinutes(5), data =>
        {
            var forecast = BalanceForecast.Forecast(data, months);
            return new FutureResponse(Money.Of(forecast.CurrentBalanceMinor), months, Projections(forecast), forecast.Confidence);
        }, cancellationToken);
    }

    /// <summary>Conservative, expected and optimistic balances for up to 24 months. The band is an 80% interval of the forecast, widening with the horizon.</summary>
    public static async Task<CachedJson<ScenariosResponse>> GetScenariosAsync([AsParameters] Caller caller, [FromQuery(Name = "months"), QueryInteger(1, 24)] string? monthsParam, CancellationToken cancellationToken)
    {
        var months = Query.Int(monthsParam, "months", 6, 1, 24);
        return await caller.CachedAsync($"scenarios:{months}", TimeSpan.FromMinutes(5), data =>
        {
            var forecast = BalanceForecast.Forecast(data, months);
            return new ScenariosResponse(months, new ScenarioSet(
                [.. forecast.Conservative.Select(Money.Of)],
                [.. forecast.Expected.Select(p => Money.Of(p.BalanceMinor))],
                [.. forecast.Optimistic.Select(Money.Of)]), forecast.Confidence);
        }, cancellationToken);
    }

    /// <summary>The customer's fraud alerts: payments scored as unusual, pending or resolved. Each alert names its transaction, amount, merchant, risk score and why it was flagged.</summary>
    public static async Task<Ok<FraudAnalysisResponse>> GetFraudAsync([AsParameters] Caller caller, CancellationToken cancellationToken)
    {
        var alerts = await caller.Customers.FraudAlertsAsync(await caller.UserIdAsync(cancellationToken), cancellationToken);
        return TypedResults.Ok(new FraudAnalysisResponse(
            alerts.Count,
            alerts.Count(a => a.Status == "pending"),
            [.. alerts.Select(a => new FraudAlertItem(a.FraudLogId, a.TransactionId, Money.Of(a.AmountMinor), a.Merchant, a.RiskScore, a.Details, a.Status, Money.Timestamp(a.Timestamp)))]));
    }

    /// <summary>What a one-off purchase would do to the customer's finances. Balance, savings rate, health score and 30-day forecast before and after, with a verdict and its sentence (summary) that the assistant also uses.</summary>
    public static async Task<Ok<SimulatePurchaseResponse>> SimulatePurchaseAsync(SimulatePurchaseRequest request, [AsParameters] Caller caller, CancellationToken cancellationToken)
    {
        var data = await caller.Customers.LoadAsync(await caller.UserIdAsync(cancellationToken), cancellationToken);
        var merchant = string.IsNullOrWhiteSpace(request.Merchant) ? "Purchase" : request.Merchant.Trim();
        var category = Categories.Categorize(merchant, request.Category);
        var impact = PurchaseSimulation.Simulate(data, Money.ToMinor(request.Amount!.Value, "amount"), merchant, category);
        return TypedResults.Ok(new SimulatePurchaseResponse(
            Money.Of(impact.AmountMinor), merchant, category,
            Money.Of(impact.BalanceBeforeMinor), Money.Of(impact.BalanceAfterMinor),
            impact.SavingsRateBefore, impact.SavingsRateAfter,
            impact.HealthScoreBefore, impact.HealthScoreAfter,
            Money.Of(impact.Forecast30dBeforeMinor), Money.Of(impact.Forecast30dAfterMinor),
            impact.MonthsOfExpensesAfter, impact.Verdict, impact.Verdict == PurchaseSimulation.Affordable, impact.Summary, impact.Explanation));
    }

    private static IReadOnlyList<ProjectionItem> Projections(ForecastResult forecast) =>
        [.. forecast.Expected.Select(p => new ProjectionItem(p.Month, Money.Of(p.BalanceMinor), Money.Of(p.SavingsMinor)))];
}

/// <summary>The caller of an insight endpoint and whose data they asked for (<c>user_id</c>, checked).</summary>
internal readonly struct Caller
{
    [FromQuery(Name = "user_id"), QueryUuid]
    public string? UserIdParam { get; init; }

    // Marked as services: the compile-time request delegates cannot ask the container at start-up, and would
    // otherwise take them for the request body.
    [FromServices]
    public IServiceProvider Services { get; init; }

    [FromServices]
    public UserCache Cache { get; init; }

    [FromServices]
    public ICurrentPrincipal Principal { get; init; }

    /// <summary>Resolved on first use: a cached view read by its own customer needs no database context at all.</summary>
    public CustomerDataService Customers => Services.GetRequiredService<CustomerDataService>();

    /// <summary>The caller's own id without a look-up; anyone else's through the role and existence checks of <see cref="CustomerDataService"/>.</summary>
    public Task<Guid> UserIdAsync(CancellationToken cancellationToken) =>
        Query.UserId(UserIdParam) is var requested && CustomerDataService.OwnId(Principal, requested) is { } self
            ? Task.FromResult(self)
            : Customers.ResolveUserAsync(requested, cancellationToken);

    /// <summary>
    /// A view of the customer's data, computed on a miss and cached per customer for <paramref name="ttl"/>.
    /// A hit costs no database round trip.
    /// </summary>
    public Task<CachedJson<T>> CachedAsync<T>(string view, TimeSpan ttl, Func<FinancialData, T> build, CancellationToken cancellationToken) =>
        CachedAsync(view, ttl, (data, _) => Task.FromResult(build(data)), cancellationToken);

    /// <summary>The view is kept as the JSON it is answered with: a hit writes those bytes, it does not serialize again.</summary>
    public async Task<CachedJson<T>> CachedAsync<T>(string view, TimeSpan ttl, Func<FinancialData, CancellationToken, Task<T>> build, CancellationToken cancellationToken)
    {
        var userId = await UserIdAsync(cancellationToken);
        var services = Services;
        return await Cache.GetOrCreateAsync(Principal.TenantId!, userId, view, ttl, async ct =>
        {
            var customers = services.GetRequiredService<CustomerDataService>();
            var value = await build(await customers.LoadAsync(userId, ct), ct);
            return CachedJson<T>.Of(value, services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions);
        }, cancellationToken);
    }
}
