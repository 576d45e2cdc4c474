#:project ../src/VirtualBanker.Core/VirtualBanker.Core.csproj

// Backtest of the balance forecast (BalanceForecast) on generated demo histories: the model sees months 1-4 of six,
// forecasts 30 and 60 days ahead, and is scored against the balances months 5-6 actually reached. Many seeds and end
// dates, so the figure is not one lucky customer. A flat forecast (tomorrow's balance = today's) is the baseline.
// Run: bench/forecast_backtest.sh (or dotnet run bench/forecast_backtest.cs).
using System.Globalization;
using VirtualBanker.Core.Banking;
using VirtualBanker.Core.Insights;

var errors = new Dictionary<string, List<double>>();
void Add(string key, double value) => (errors.TryGetValue(key, out var list) ? list : errors[key] = []).Add(value);

// Histories that end with month 6 complete, so both horizons are measured.
var ends = new[] { "2026-06-30T23:00:00Z", "2026-09-30T23:00:00Z", "2026-12-31T23:00:00Z", "2027-04-30T23:00:00Z" };
foreach (var end in ends)
{
    for (var seed = 1; seed <= 25; seed++)
    {
        var now = DateTime.Parse(end, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
        var set = DemoDataGenerator.Generate(now, seed);
        var firstMonth = new DateTime(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(-5);
        var cutoff = firstMonth.AddMonths(4).AddTicks(-1); // the end of month 4
        var txs = set.Transactions.Select(t => new TxData(Guid.NewGuid(), t.Merchant, t.Category, t.AmountMinor, t.Timestamp, t.Account)).ToList();
        var fraud = set.Transactions.Select((t, i) => (t, i)).Where(x => x.t.PlantedAnomaly).Select(x => txs[x.i].Id).ToHashSet();
        long BalanceAt(DateTime at, bool withFraud = true) =>
            set.OpeningBalances.Values.Sum() + txs.Where(t => t.Timestamp <= at && (withFraud || !fraud.Contains(t.Id))).Sum(t => t.AmountMinor);
        var accounts = set.OpeningBalances.Select(o => new AccountData(Guid.NewGuid(), o.Key, o.Key.ToString(),
            o.Value + txs.Where(t => t.Account == o.Key && t.Timestamp <= cutoff).Sum(t => t.AmountMinor), "USD")).ToList();
        var seen = new FinancialData("Backtest", accounts, [.. txs.Where(t => t.Timestamp <= cutoff)], cutoff);

        var forecast = BalanceForecast.Forecast(seen, 2);
        for (var m = 1; m <= 2; m++)
        {
            var at = cutoff.AddDays(30 * m);
            if (at > now)
            {
                continue;
            }

            var actual = BalanceAt(at);
            Add($"model +{30 * m}d", Math.Abs(forecast.Expected[m - 1].BalanceMinor - actual) / 100.0);
            Add($"80% band holds +{30 * m}d", forecast.Conservative[m - 1] <= actual && actual <= forecast.Optimistic[m - 1] ? 100 : 0);
            Add($"flat +{30 * m}d", Math.Abs(BalanceAt(cutoff) - actual) / 100.0);

            // Month 6 holds the planted fraud (about $4,350), which no forecast should expect: scored without it too.
            var ordinary = BalanceAt(at, withFraud: false);
            Add($"model +{30 * m}d, no fraud", Math.Abs(forecast.Expected[m - 1].BalanceMinor - ordinary) / 100.0);
            Add($"80% band holds +{30 * m}d, no fraud", forecast.Conservative[m - 1] <= ordinary && ordinary <= forecast.Optimistic[m - 1] ? 100 : 0);
        }
    }
}

// "80% band holds" is the share (%) of actual balances inside the conservative-optimistic band: about 80 is right.
Console.WriteLine($"{"forecast",-32} {"n",4} {"MAE $",10} {"median $",10} {"p90 $",10}");
foreach (var (key, list) in errors.OrderBy(e => e.Key, StringComparer.Ordinal))
{
    var sorted = list.Order().ToList();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{key,-32} {list.Count,4} {list.Average(),10:0} {sorted[sorted.Count / 2],10:0} {sorted[(int)(sorted.Count * 0.9)],10:0}"));
}
