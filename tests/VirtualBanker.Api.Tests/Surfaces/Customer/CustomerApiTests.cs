using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace VirtualBanker.Api.Tests.Surfaces.Customer;

/// <summary>Contract 001's data endpoints: documented shapes, values computed by hand from <see cref="CustomerFixture"/>.</summary>
public sealed class CustomerApiTests(VirtualBankerFactory factory) : IClassFixture<VirtualBankerFactory>
{
    [Fact]
    public async Task DashboardOverview_HandComputedFigures()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var client = factory.CreateClient(fixture.AccessToken);

        var body = await GetAsync(client, "/api/dashboard/overview");

        Assert.Equal(5800.00m, body.GetProperty("total_balance").GetDecimal());
        Assert.Equal(3, body.GetProperty("accounts").GetArrayLength());
        Assert.Contains(body.GetProperty("accounts").EnumerateArray(), a => a.GetProperty("type").GetString() == "checking" && a.GetProperty("balance").GetDecimal() == 1000m);
        Assert.Equal(3000.00m, body.GetProperty("monthly_income").GetDecimal());
        Assert.Equal(1400.00m, body.GetProperty("monthly_expenses").GetDecimal());
        Assert.Equal(53.3, body.GetProperty("savings_rate").GetDouble());
        Assert.Equal(
            [("Housing", 1200m), ("Groceries", 150m), ("Dining", 35m), ("Subscriptions", 15m)],
            body.GetProperty("spending_by_category").EnumerateArray().Select(c => (c.GetProperty("name").GetString(), c.GetProperty("value").GetDecimal())));
        var recent = body.GetProperty("recent_transactions");
        Assert.Equal(6, recent.GetArrayLength());
        Assert.Equal("Acme Payroll", recent[0].GetProperty("merchant").GetString());
        Assert.Equal("credit", recent[0].GetProperty("type").GetString());
        Assert.Equal(6, body.GetProperty("cash_flow").GetArrayLength());
        Assert.InRange(body.GetProperty("health_score").GetDouble(), 0, 100);
        Assert.Equal(0, body.GetProperty("fraud_alert_count").GetInt32());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("ai_briefing").GetProperty("summary").GetString()));
    }

    [Fact]
    public async Task CoachingScore_SixCategoriesWithHandComputedValues()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var client = factory.CreateClient(fixture.AccessToken);

        var body = await GetAsync(client, "/api/ai/coaching/score");
        var categories = body.GetProperty("categories");

        Assert.Equal(["savings_consistency", "debt_ratio", "spending_discipline", "emergency_funds", "investments", "subscription_management"],
            categories.EnumerateObject().Select(c => c.Name));
        Assert.Equal([20, 20, 20, 20, 10, 10], categories.EnumerateObject().Select(c => c.Value.GetProperty("max").GetInt32()));
        Assert.Equal(17.8, categories.GetProperty("debt_ratio").GetProperty("score").GetDouble());            // 200 / 1,000 a month
        Assert.Equal(20, categories.GetProperty("spending_discipline").GetProperty("score").GetDouble());     // 466.67 / 1,000
        Assert.Equal(20, categories.GetProperty("emergency_funds").GetProperty("score").GetDouble());         // 6,000 / 466.67 > 6
        Assert.Equal(10, categories.GetProperty("subscription_management").GetProperty("score").GetDouble()); // 5 / 1,000
        var sum = categories.EnumerateObject().Sum(c => c.Value.GetProperty("score").GetDouble());
        Assert.Equal(Math.Round(sum, 1), body.GetProperty("overall_score").GetDouble());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("explanation").GetString()));
        Assert.NotEqual(JsonValueKind.Undefined, body.GetProperty("actionable_improvements").ValueKind);
    }

    [Fact]
    public async Task Briefing_BehaviorAndTwin_HandComputed()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var client = factory.CreateClient(fixture.AccessToken);

        var briefing = await GetAsync(client, "/api/ai/coaching/briefing");
        Assert.Equal(DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), briefing.GetProperty("date").GetString());
        Assert.Equal("Fixture Person", briefing.GetProperty("user_name").GetString());
        Assert.Contains("$5,800.00", briefing.GetProperty("briefing").GetString(), StringComparison.Ordinal);
        Assert.Equal(5800m, briefing.GetProperty("metrics").GetProperty("total_liquid_capital").GetDecimal());
        Assert.Equal(3000m, briefing.GetProperty("metrics").GetProperty("monthly_income_projection").GetDecimal());
        Assert.Equal(1400m, briefing.GetProperty("metrics").GetProperty("monthly_burn_rate").GetDecimal());

        var behavior = await GetAsync(client, "/api/ai/behavior/insights");
        Assert.Equal(280.00m, behavior.GetProperty("metrics").GetProperty("avg_transaction_amount").GetDecimal()); // 1,400 / 5
        Assert.Equal(0, behavior.GetProperty("metrics").GetProperty("late_night_count").GetInt32());
        Assert.NotEqual(0, behavior.GetProperty("insights").GetArrayLength());

        // Six days of history is too little to fit a model: the forecast stays flat, with low confidence.
        var predict = await GetAsync(client, "/api/ai/twin/predict");
        Assert.Equal(5800m, predict.GetProperty("current_balance").GetDecimal());
        Assert.Equal(5800m, predict.GetProperty("predicted_balance_30d").GetDecimal());
        Assert.Equal("low", predict.GetProperty("confidence").GetString());
        Assert.Equal(1, predict.GetProperty("monthly_projections")[0].GetProperty("month").GetInt32());

        var future = await GetAsync(client, "/api/ai/twin/future?months=24");
        Assert.Equal(24, future.GetProperty("monthly_projections").GetArrayLength());
        var scenarios = (await GetAsync(client, "/api/ai/twin/scenarios?months=3")).GetProperty("scenarios");
        foreach (var name in new[] { "conservative", "expected", "optimistic" })
        {
            Assert.Equal([5800m, 5800m, 5800m], scenarios.GetProperty(name).EnumerateArray().Select(v => v.GetDecimal()));
        }
    }

    [Fact]
    public async Task Twin_DemoCustomer_UsesTheFittedModel()
    {
        using var client = factory.CreateClient(await factory.LoginAsync());

        var predict = await GetAsync(client, "/api/ai/twin/predict");
        var scenarios = (await GetAsync(client, "/api/ai/twin/scenarios")).GetProperty("scenarios");

        Assert.NotEqual("low", predict.GetProperty("confidence").GetString());
        Assert.Equal(6, scenarios.GetProperty("expected").GetArrayLength());
        for (var i = 0; i < 6; i++)
        {
            Assert.True(scenarios.GetProperty("conservative")[i].GetDecimal() < scenarios.GetProperty("expected")[i].GetDecimal());
            Assert.True(scenarios.GetProperty("expected")[i].GetDecimal() < scenarios.GetProperty("optimistic")[i].GetDecimal());
        }
    }

    [Theory]
    [InlineData("/api/ai/twin/future?months=0", "months")]
    [InlineData("/api/ai/twin/future?months=61", "months")]
    [InlineData("/api/ai/twin/future?months=abc", "months")]
    [InlineData("/api/ai/twin/scenarios?months=25", "months")]
    [InlineData("/api/transactions/?page=0", "page")]
    [InlineData("/api/transactions/?limit=101", "limit")]
    [InlineData("/api/transactions/?limit=-1", "limit")]
    [InlineData("/api/transactions/?type=refund", "type")]
    [InlineData("/api/notifications/?limit=0", "limit")]
    [InlineData("/api/dashboard/overview?user_id=../../etc/passwd", "user_id")]
    public async Task OutOfRangeParameter_Is400NamingIt(string path, string parameter)
    {
        using var client = factory.CreateClient(await factory.LoginAsync());

        var response = await client.GetAsync(path);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(body.GetProperty("errors").TryGetProperty(parameter, out _), body.ToString());
    }

    [Fact]
    public async Task FraudAnalysis_DemoCustomer_ListsTheSeededAlertsWithTheirTransactions()
    {
        using var client = factory.CreateClient(await factory.LoginAsync());

        var body = await GetAsync(client, "/api/ai/fraud/analysis");
        var alerts = body.GetProperty("alerts").EnumerateArray().ToList();

        Assert.Equal(alerts.Count, body.GetProperty("total_alerts").GetInt32());
        Assert.InRange(alerts.Count, 4, 6);
        var tech = alerts.Single(a => a.GetProperty("merchant").GetString() == "Tech Store NYC");
        Assert.Equal(847.00m, tech.GetProperty("amount").GetDecimal());
        Assert.True(tech.GetProperty("risk_score").GetDouble() >= 60);
        Assert.Contains("Late-night", tech.GetProperty("details").GetString(), StringComparison.Ordinal);
        Assert.Equal("pending", tech.GetProperty("status").GetString());
        Assert.True(tech.TryGetProperty("fraud_log_id", out _) && tech.TryGetProperty("transaction_id", out _));
    }

    [Fact]
    public async Task SimulatePurchase_ReportsImpactAndVerdict()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var client = factory.CreateClient(fixture.AccessToken);

        var small = await PostAsync(client, "/api/ai/simulate/purchase", new { amount = 1200.00m, merchant = "Apple Store", category = "Tech" });
        var huge = await PostAsync(client, "/api/ai/simulate/purchase", new { amount = 5700.00m, merchant = "Car Dealer" });
        var invalid = await client.PostAsJsonAsync("/api/ai/simulate/purchase", new { amount = -5m });

        Assert.Equal(5800m, small.GetProperty("current_balance").GetDecimal());
        Assert.Equal(4600m, small.GetProperty("balance_after").GetDecimal());
        Assert.Equal("Shopping", small.GetProperty("category").GetString()); // "Tech" is not a category; the merchant rule decides
        Assert.Equal("affordable", small.GetProperty("verdict").GetString()); // 4,800 liquid = 10.3 months of 466.67... of 1,400
        Assert.True(small.GetProperty("affordable").GetBoolean());
        Assert.True(small.GetProperty("health_score_after").GetDouble() <= small.GetProperty("health_score_before").GetDouble());
        Assert.Equal("not_recommended", huge.GetProperty("verdict").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
    }

    [Fact]
    public async Task Transactions_PaginatedAndFiltered()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var client = factory.CreateClient(fixture.AccessToken);

        var first = await GetAsync(client, "/api/transactions/?limit=4");
        var second = await GetAsync(client, "/api/transactions?limit=4&page=2");
        var credits = await GetAsync(client, "/api/transactions/?type=credit");
        var groceries = await GetAsync(client, "/api/transactions/?category=groceries");

        Assert.Equal(6, first.GetProperty("total").GetInt32());
        Assert.Equal(2, first.GetProperty("pages").GetInt32());
        Assert.Equal(1, first.GetProperty("page").GetInt32());
        Assert.Equal(4, first.GetProperty("transactions").GetArrayLength());
        Assert.Equal(2, second.GetProperty("transactions").GetArrayLength());
        Assert.Empty(first.GetProperty("transactions").EnumerateArray().Select(t => t.GetProperty("id").GetGuid())
            .Intersect(second.GetProperty("transactions").EnumerateArray().Select(t => t.GetProperty("id").GetGuid())));
        Assert.Equal(1, credits.GetProperty("total").GetInt32());
        Assert.Equal(3000m, credits.GetProperty("transactions")[0].GetProperty("amount").GetDecimal());
        Assert.Equal(2, groceries.GetProperty("total").GetInt32());
        Assert.All(groceries.GetProperty("transactions").EnumerateArray(), t =>
        {
            Assert.Equal(-75m, t.GetProperty("amount").GetDecimal());
            Assert.Equal("debit", t.GetProperty("type").GetString());
            Assert.Equal(["groceries"], t.GetProperty("tags").EnumerateArray().Select(x => x.GetString()));
        });
    }

    private static async Task<JsonElement> GetAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    private static async Task<JsonElement> PostAsync(HttpClient client, string path, object body)
    {
        var response = await client.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }
}
