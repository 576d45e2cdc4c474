using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using VirtualBanker.Core.Banking;
using static VirtualBanker.Api.Tests.Surfaces.Customer.CustomerFixture;

namespace VirtualBanker.Api.Tests.Surfaces.Customer;

/// <summary>
/// One truth per figure: each is computed here from the customer's own transactions as the API lists them, and compared
/// with every place it appears (dashboard, insight endpoints, the assistant's answers). The customer has six months of
/// the demo generator's history, so the rolling 30 days and the calendar month really differ.
/// </summary>
public sealed class FigureTests(VirtualBankerFactory factory) : IClassFixture<VirtualBankerFactory>
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    [Fact]
    public async Task EveryFigure_MatchesTheTransactions_AndSaysItsPeriod()
    {
        var (client, transactions, now) = await DemoHistoryCustomerAsync();
        var overview = await JsonAsync(await client.GetAsync("/api/dashboard/overview"));

        var external = transactions.Where(t => t.Category != Categories.Transfer).ToList();
        var last30 = external.Where(t => t.Timestamp >= now.AddDays(-30)).ToList();
        var monthStart = new DateTime(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        var monthSpending = -external.Where(t => t.Timestamp >= monthStart && t.Amount < 0).Sum(t => t.Amount);

        Assert.All(transactions, t => Assert.True(t.Timestamp <= now, $"{t.Merchant} is dated {t.Timestamp:O}, after {now:O}"));
        Assert.Equal("last 30 days", overview.GetProperty("figures_period").GetString());
        Assert.Equal(last30.Where(t => t.Amount > 0).Sum(t => t.Amount), overview.GetProperty("monthly_income").GetDecimal());
        Assert.Equal(-last30.Where(t => t.Amount < 0).Sum(t => t.Amount), overview.GetProperty("monthly_expenses").GetDecimal());
        var currentMonth = overview.GetProperty("cash_flow").EnumerateArray().Last();
        Assert.Equal(now.ToString("MMM", Invariant), currentMonth.GetProperty("month").GetString());
        Assert.Equal(monthSpending, currentMonth.GetProperty("expenses").GetDecimal());

        // The assistant's "this month" is the calendar month, its savings rate the rolling 30 days, each named so.
        var spent = await AskAsync(client, "How much did I spend this month?");
        Assert.Contains(monthSpending == 0 ? "You have no spending this month" : $"You spent {Money(monthSpending)} this month", spent, StringComparison.Ordinal);
        var savings = await AskAsync(client, "What is my savings rate?");
        Assert.Contains($"Over the last 30 days your income was {Money(overview.GetProperty("monthly_income").GetDecimal())} and your spending {Money(overview.GetProperty("monthly_expenses").GetDecimal())}", savings, StringComparison.Ordinal);

        // The score and the forecast: the same numbers on the dashboard, their endpoints and in the assistant's words.
        var score = (await JsonAsync(await client.GetAsync("/api/ai/coaching/score"))).GetProperty("overall_score").GetDouble();
        Assert.Equal(score, overview.GetProperty("health_score").GetDouble());
        Assert.StartsWith($"Your financial health score is {score.ToString("0.#", Invariant)} out of 100.", await AskAsync(client, "What is my financial health score?"), StringComparison.Ordinal);
        var predicted = (await JsonAsync(await client.GetAsync("/api/ai/twin/predict"))).GetProperty("predicted_balance_30d").GetDecimal();
        Assert.Contains($"expected to be about {Money(predicted)}", await AskAsync(client, "What will my balance be next month?"), StringComparison.Ordinal);
        Assert.Equal(transactions.Sum(t => t.Amount) + 35_900m, overview.GetProperty("total_balance").GetDecimal()); // the generator's opening balances
    }

    [Fact]
    public async Task TheForecast_FollowsTheMoney_AndTheSimulatorAndTheAssistantAgree()
    {
        var (client, transactions, now) = await DemoHistoryCustomerAsync(extraMonthlySpending: 4000m);

        // Net flow of the last 90 days: this customer spends more than they earn, so the balance is forecast to fall.
        var net90 = transactions.Where(t => t.Timestamp > now.AddDays(-90)).Sum(t => t.Amount);
        var predict = await JsonAsync(await client.GetAsync("/api/ai/twin/predict"));
        Assert.True(net90 < 0, $"net {net90}");
        Assert.True(predict.GetProperty("predicted_balance_30d").GetDecimal() < predict.GetProperty("current_balance").GetDecimal(), predict.ToString());

        var simulation = await JsonAsync(await client.PostAsJsonAsync("/api/ai/simulate/purchase", new { amount = 30000m, merchant = "Car Dealer" }));
        Assert.Equal(simulation.GetProperty("forecast_30d_before").GetDecimal() - 30000m, simulation.GetProperty("forecast_30d_after").GetDecimal());
        Assert.False(simulation.GetProperty("affordable").GetBoolean());
        var answer = await AskAsync(client, "Can I afford a $30,000 car?");
        Assert.StartsWith(simulation.GetProperty("summary").GetString()!, answer, StringComparison.Ordinal);

        var small = await JsonAsync(await client.PostAsJsonAsync("/api/ai/simulate/purchase", new { amount = 20m, merchant = "Cinema" }));
        Assert.Equal(small.GetProperty("affordable").GetBoolean(), small.GetProperty("verdict").GetString() == "affordable");
        Assert.StartsWith(small.GetProperty("summary").GetString()!, await AskAsync(client, "Can I afford a $20 cinema ticket?"), StringComparison.Ordinal);
    }

    private static string Money(decimal value) => (value < 0 ? "-" : "") + Math.Abs(value).ToString("$#,##0.00", Invariant);

    private sealed record Listed(string Merchant, string Category, decimal Amount, DateTime Timestamp);

    /// <summary>
    /// A new customer with the demo generator's six months up to now (seeded by the test, not the server), optionally
    /// spending more every month than they earn; returns their client and the transactions as <c>GET /api/transactions</c> lists them.
    /// </summary>
    private async Task<(HttpClient Client, IReadOnlyList<Listed> Transactions, DateTime Now)> DemoHistoryCustomerAsync(decimal extraMonthlySpending = 0)
    {
        var fixture = await CreateAsync(factory);
        var now = DateTime.UtcNow;
        var set = DemoDataGenerator.Generate(now, seed: 11);
        await using (Database(factory, out var db))
        {
            var accounts = db.Accounts.Where(a => a.UserId == fixture.UserId).ToDictionary(a => a.Type);
            db.Transactions.RemoveRange(db.Transactions.Where(t => t.UserId == fixture.UserId));
            var generated = set.Transactions.Select(t => (t.Account, t.Merchant, t.Category, t.AmountMinor, t.Timestamp)).ToList();
            if (extraMonthlySpending > 0)
            {
                generated.AddRange(Enumerable.Range(0, 3).Select(i => (AccountType.Checking, "Horizon Motors", Categories.Shopping, -(long)(extraMonthlySpending * 100), now.AddDays(-3 - (30 * i)))));
            }

            foreach (var (account, merchant, category, minor, at) in generated)
            {
                db.Transactions.Add(new Transaction
                {
                    UserId = fixture.UserId, AccountId = accounts[account].Id, Merchant = merchant, Category = category, AmountMinor = minor,
                    Type = minor < 0 ? TransactionType.Debit : TransactionType.Credit, Timestamp = at, Tags = [category.ToLowerInvariant()], CreatedAt = now,
                });
            }

            foreach (var (type, account) in accounts)
            {
                account.BalanceMinor = set.OpeningBalances[type] + generated.Where(t => t.Account == type).Sum(t => t.AmountMinor);
            }

            await db.SaveChangesAsync();
        }

        var client = factory.CreateClient(fixture.AccessToken);
        var listed = new List<Listed>();
        for (var page = 1; ; page++)
        {
            var body = await JsonAsync(await client.GetAsync($"/api/transactions/?page={page}&limit=100"));
            listed.AddRange(body.GetProperty("transactions").EnumerateArray().Select(t => new Listed(
                t.GetProperty("merchant").GetString()!, t.GetProperty("category").GetString()!, t.GetProperty("amount").GetDecimal(),
                DateTime.Parse(t.GetProperty("timestamp").GetString()!, Invariant, DateTimeStyles.AdjustToUniversal))));
            if (page >= body.GetProperty("pages").GetInt32())
            {
                break;
            }
        }

        Assert.Equal(set.Transactions.Count + (extraMonthlySpending > 0 ? 3 : 0), listed.Count);
        return (client, listed, now);
    }
}
