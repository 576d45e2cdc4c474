using VirtualBanker.Core.Banking;
using VirtualBanker.Core.Insights;

namespace VirtualBanker.Core.Tests.Insights;

public sealed class InsightsTests
{
    private readonly FinancialData _data = InsightsFixture.Build();

    [Fact]
    public void Trailing30Days_CountsIncomeAndSpendingButNotOwnTransfers()
    {
        var flow = CashFlow.Trailing30Days(_data);

        Assert.Equal(3000_00, flow.IncomeMinor);
        Assert.Equal(1365_00, flow.ExpensesMinor); // 1,200 + 15 + 75 + 75
        Assert.Equal(0.545, flow.SavingsRate, 3);
        Assert.Equal(5800_00, _data.TotalBalanceMinor);
    }

    [Fact]
    public void SpendingByCategory_IsSortedLargestFirst()
    {
        var spending = CashFlow.SpendingByCategory(_data, InsightsFixture.Now.AddDays(-30));

        Assert.Equal([("Housing", 1200_00L), ("Groceries", 150_00L), ("Subscriptions", 15_00L)], spending);
    }

    [Fact]
    public void Months_LastSixCalendarMonthsOldestFirst()
    {
        var months = CashFlow.Months(_data, 6);

        Assert.Equal(new DateOnly(2026, 6, 1), months[0].Month);
        Assert.Equal(new DateOnly(2026, 11, 1), months[^1].Month);
        Assert.Equal(0, months[0].IncomeMinor);
        Assert.Equal(1635_00, months[3].SavingsMinor); // August
    }

    [Fact]
    public void HealthScore_HandComputed()
    {
        var score = HealthScore.Compute(_data);
        var byName = score.Categories.ToDictionary(c => c.Name);

        Assert.Equal([20, 20, 20, 20, 10, 10], score.Categories.Select(c => c.Max));
        Assert.Equal(20, byName[HealthScore.SavingsConsistency].Score);     // 3 of 3 complete months kept ≥ 10%
        Assert.Equal(20, byName[HealthScore.DebtRatio].Score);              // 200 owed / 3,000 income = 0.07 ≤ 0.1
        Assert.Equal(20, byName[HealthScore.SpendingDiscipline].Score);     // 1,365 / 3,000 = 0.455 ≤ 0.5
        Assert.Equal(14.7, byName[HealthScore.EmergencyFunds].Score);       // 6,000 / 1,365 = 4.40 of 6 months
        Assert.Equal(10, byName[HealthScore.Investments].Score);            // savings transfer in 3 of 3 months
        Assert.Equal(10, byName[HealthScore.SubscriptionManagement].Score); // 15 / 3,000 = 0.5% ≤ 2%
        Assert.Equal(94.7, score.OverallScore);
        Assert.Equal(["Build your emergency fund towards six months of expenses ($8,190.00, at your spending of the last 3 months); you have $6,000.00 in checking and savings now."], score.ActionableImprovements);
        Assert.Contains("emergency funds (14.7/20)", score.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void HealthScore_NoDataAtAll_IsLowAndSuggestsImprovements()
    {
        var empty = new FinancialData("Nobody", [], [], InsightsFixture.Now);

        var score = HealthScore.Compute(empty);

        Assert.InRange(score.OverallScore, 0, 100);
        Assert.NotEmpty(score.ActionableImprovements);
    }

    [Fact]
    public void Behavior_HandComputed()
    {
        var behavior = BehaviorInsights.Compute(_data);

        // All four debits of the last 30 days fall on weekdays: weekend spending is 100% lower.
        Assert.Equal(-100, behavior.WeekendPct);
        Assert.Equal(0, behavior.LateNightCount);
        Assert.Equal(341_25, behavior.AvgTransactionMinor); // 1,365 / 4
        Assert.Contains("Weekend spending is 100% lower than weekday average", behavior.Insights);
    }

    [Fact]
    public void Behavior_LateNightDebitThisMonth_IsCounted()
    {
        var data = _data with { Transactions = [.. _data.Transactions, InsightsFixture.Tx("Bar", Categories.Dining, -40_00, new DateTime(2026, 11, 14, 23, 30, 0, DateTimeKind.Utc))] };

        var behavior = BehaviorInsights.Compute(data);

        Assert.Equal(1, behavior.LateNightCount);
        Assert.Contains("Late-night transactions detected 1 time this month", behavior.Insights);
        Assert.True(behavior.WeekendPct > -100); // the 14th is a Saturday: weekends are no longer spend-free
    }

    [Fact]
    public void Forecast_LinearHistory_IsExtrapolatedWithNoSpreadAndHighConfidence()
    {
        var days = Enumerable.Range(0, 120).Select(i => InsightsFixture.Tx("Daily", Categories.Income, 10_00, InsightsFixture.Now.AddDays(-119 + i).Date.AddHours(8))).ToList();
        var data = new FinancialData("Line", [new AccountData(Guid.NewGuid(), AccountType.Checking, "C", 5000_00, "USD")], days, InsightsFixture.Now);

        var forecast = BalanceForecast.Forecast(data, 3);

        Assert.Equal("high", forecast.Confidence);
        Assert.Equal(300_00, forecast.MonthlyNetMinor);
        Assert.InRange(forecast.Expected[0].BalanceMinor, 5000_00 + (30 * 10_00) - 1, 5000_00 + (30 * 10_00) + 1);
        Assert.InRange(forecast.Expected[1].SavingsMinor, (30 * 10_00) - 1, (30 * 10_00) + 1);
        Assert.Equal(forecast.Expected.Select(p => p.BalanceMinor), forecast.Conservative, (a, b) => Math.Abs(a - b) <= 1);
    }

    [Fact]
    public void Forecast_MonthlyPattern_KeepsTheTrendAndWidensTheBandWithTheHorizon()
    {
        // The fixture's exact months, plus coffee of 3 to 9 on every third day: the pattern no longer repeats exactly.
        var coffee = Enumerable.Range(1, 40).Select(i => InsightsFixture.Tx("Starbucks", Categories.Dining, -(300 + (i % 7 * 100)), InsightsFixture.Now.AddDays(-3 * i)));
        var data = _data with { Transactions = [.. _data.Transactions, .. coffee] };

        var forecast = BalanceForecast.Forecast(data, 12);

        // The fixture keeps 1,635 a month less ~60 of coffee; 300 only moves between own accounts, so the total grows ~1,575/month.
        Assert.InRange(forecast.Expected[11].BalanceMinor - data.TotalBalanceMinor, 12 * 1400_00, 12 * 1900_00);
        Assert.All(Enumerable.Range(0, 12), i => Assert.True(forecast.Conservative[i] <= forecast.Expected[i].BalanceMinor && forecast.Expected[i].BalanceMinor <= forecast.Optimistic[i]));
        Assert.True(forecast.Optimistic[0] - forecast.Conservative[0] > 0);
        Assert.True(forecast.Optimistic[11] - forecast.Conservative[11] > forecast.Optimistic[0] - forecast.Conservative[0]);
    }

    [Fact]
    public void Forecast_SpendingMoreThanEarning_GoesDownByTheShortfall()
    {
        // The fixture's months with 2,400 more spending in each of the last three: they lose money (1,635 − 2,400 a
        // month), so the balance is forecast to fall by about that, although the months before rose steadily.
        var extra = Enumerable.Range(0, 3).Select(i => InsightsFixture.Tx("Luxe Watches", Categories.Shopping, -2400_00, InsightsFixture.Now.AddDays(-5 - (30 * i)))).ToList();
        var data = _data with { Transactions = [.. _data.Transactions, .. extra] };
        var flows = BalanceForecast.DailyFlows(data, DateOnly.FromDateTime(data.Now));

        var forecast = BalanceForecast.Forecast(data, 2);

        var net90 = flows.Sum(f => f.NetMinor);
        Assert.True(net90 < 0);
        Assert.Equal((long)Math.Round(net90 * 30.0 / flows.Count), forecast.MonthlyNetMinor);
        Assert.True(forecast.Expected[0].BalanceMinor < data.TotalBalanceMinor, $"{forecast.Expected[0].BalanceMinor} < {data.TotalBalanceMinor}");
        Assert.True(forecast.Expected[1].BalanceMinor < forecast.Expected[0].BalanceMinor);
        Assert.InRange((double)(forecast.Expected[1].BalanceMinor - data.TotalBalanceMinor), 2 * forecast.MonthlyNetMinor * 1.15, 2 * forecast.MonthlyNetMinor * 0.85);
    }

    [Fact]
    public void Forecast_TooLittleHistory_IsFlatWithLowConfidence()
    {
        var data = new FinancialData("New", [new AccountData(Guid.NewGuid(), AccountType.Checking, "C", 100_00, "USD")],
            [InsightsFixture.Tx("Shop", Categories.Shopping, -10_00, InsightsFixture.Now.AddDays(-2))], InsightsFixture.Now);

        var forecast = BalanceForecast.Forecast(data, 2);

        Assert.Equal("low", forecast.Confidence);
        Assert.All(forecast.Expected, p => Assert.Equal(100_00, p.BalanceMinor));
    }

    [Theory]
    [InlineData(1000_00, PurchaseSimulation.Affordable)]      // 5,000 liquid left = 3.7 months of 1,365
    [InlineData(3000_00, PurchaseSimulation.Caution)]         // 3,000 left = 2.2 months
    [InlineData(5500_00, PurchaseSimulation.NotRecommended)]  // 500 left = 0.4 months
    [InlineData(7000_00, PurchaseSimulation.NotRecommended)]  // overdraws
    public void Simulate_VerdictFollowsTheReserveLeft(long amount, string verdict) =>
        Assert.Equal(verdict, PurchaseSimulation.Simulate(_data, amount, "Apple Store", Categories.Shopping).Verdict);

    [Fact]
    public void Simulate_HandComputedImpact()
    {
        var impact = PurchaseSimulation.Simulate(_data, 1000_00, "Apple Store", Categories.Shopping);

        Assert.Equal(5800_00, impact.BalanceBeforeMinor);
        Assert.Equal(4800_00, impact.BalanceAfterMinor);
        Assert.Equal(54.5, impact.SavingsRateBefore);
        Assert.Equal(21.2, impact.SavingsRateAfter); // (3,000 − 2,365) / 3,000
        Assert.Equal(3.7, impact.MonthsOfExpensesAfter);
        Assert.True(impact.HealthScoreAfter < impact.HealthScoreBefore);
        Assert.Equal(impact.Forecast30dBeforeMinor - 1000_00, impact.Forecast30dAfterMinor);
    }

    [Theory]
    [InlineData(100_00)]
    [InlineData(30_000_00)]
    public void Simulate_APurchaseIsOneOff_TheForecastFallsByItsAmountAndNoMore(long amount)
    {
        var impact = PurchaseSimulation.Simulate(_data, amount, "Apple Store", Categories.Shopping);

        Assert.Equal(BalanceForecast.Forecast(_data, 1).Expected[0].BalanceMinor - amount, impact.Forecast30dAfterMinor);
        Assert.True(impact.Forecast30dAfterMinor - impact.BalanceAfterMinor == impact.Forecast30dBeforeMinor - impact.BalanceBeforeMinor);
    }

    [Fact]
    public void Briefing_IsWrittenFromTheFigures()
    {
        var data = _data with { PendingFraudAlerts = 2 };
        var briefing = DailyBriefing.Compose(data, HealthScore.Compute(data), BalanceForecast.Forecast(data, 1));

        Assert.Equal(new DateOnly(2026, 11, 20), briefing.Date);
        Assert.Equal("Fixture Person", briefing.UserName);
        Assert.StartsWith("DAILY BRIEFING:", briefing.Text, StringComparison.Ordinal);
        Assert.Contains("$5,800.00", briefing.Text, StringComparison.Ordinal);
        Assert.Contains("received $3,000.00 and spent $1,365.00", briefing.Text, StringComparison.Ordinal);
        Assert.Contains("2 suspicious transactions", briefing.Text, StringComparison.Ordinal);
        Assert.Equal(1365_00, briefing.Metrics.MonthlyBurnRateMinor);
    }

    [Theory]
    [InlineData("Whole Foods Market #12", null, "Groceries")]
    [InlineData("UBER *TRIP", null, "Transport")]
    [InlineData("Delta Air Lines", null, "Travel")]
    [InlineData("Random Merchant", null, "Other")]
    [InlineData("Random Merchant", "dining", "Dining")]
    [InlineData("Whole Foods", "not-a-category", "Groceries")]
    public void Categorize_ByMerchantRulesOrAKnownGivenCategory(string merchant, string? given, string expected) =>
        Assert.Equal(expected, Categories.Categorize(merchant, given));
}
