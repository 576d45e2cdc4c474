namespace VirtualBanker.Core.Insights;

public sealed record MonthProjection(int Month, long BalanceMinor, long SavingsMinor);

public sealed record ForecastResult(
    long CurrentBalanceMinor,
    IReadOnlyList<MonthProjection> Expected,
    IReadOnlyList<long> Conservative,
    IReadOnlyList<long> Optimistic,
    string Confidence,
    long MonthlyNetMinor);

/// <summary>
/// Forecasts the customer's total balance from the money that actually came in and went out: the net flow of the last
/// 90 days, laid out by day of the month (pay days, rent and bills recur monthly), is assumed to repeat, starting from
/// today's balance. So a customer who spends more than they earn is forecast to go down, by as much as they did.
/// The band is ±1.28σ of the days' deviation from that profile (an 80% interval), widening with the square root of the
/// horizon; σ is robust to a few outlying days. Confidence comes from the length of the history and how large that
/// deviation is against the monthly flows.
/// </summary>
public static class BalanceForecast
{
    public const int HistoryDays = 90;
    private const int DaysPerMonth = 30;
    private const int MinHistoryDays = 28;
    private const double Z80 = 1.2816;

    public static ForecastResult Forecast(FinancialData data, int months)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(months, 1);
        var today = DateOnly.FromDateTime(data.Now);
        var current = data.TotalBalanceMinor;
        var model = Fit(data, today);

        var expected = new List<MonthProjection>(months);
        var conservative = new List<long>(months);
        var optimistic = new List<long>(months);
        double value = current;
        var previous = current;
        for (var m = 1; m <= months; m++)
        {
            for (var d = ((m - 1) * DaysPerMonth) + 1; d <= m * DaysPerMonth; d++)
            {
                value += model.Expected(today.AddDays(d));
            }

            var band = Z80 * model.DailySigma * Math.Sqrt(m * DaysPerMonth);
            var balance = (long)Math.Round(value);
            expected.Add(new MonthProjection(m, balance, balance - previous));
            conservative.Add((long)Math.Round(value - band));
            optimistic.Add((long)Math.Round(value + band));
            previous = balance;
        }

        var monthlyBand = Z80 * model.DailySigma * Math.Sqrt(DaysPerMonth);
        var relative = monthlyBand / Math.Max(1, model.MonthlyTurnover);
        var confidence = model.HistoryDays >= HistoryDays && relative <= 0.25 ? "high"
            : model.HistoryDays >= 60 && relative <= 0.5 ? "medium"
            : "low";
        return new ForecastResult(current, expected, conservative, optimistic, confidence, (long)Math.Round(model.MonthlyNet));
    }

    /// <summary>The net flow per day of the history window, oldest first; days without payments are 0.</summary>
    internal static IReadOnlyList<(DateOnly Day, long NetMinor)> DailyFlows(FinancialData data, DateOnly today)
    {
        var earliest = data.Transactions.Count == 0 ? today : DateOnly.FromDateTime(data.Transactions.Min(t => t.Timestamp));
        var first = new[] { earliest, today.AddDays(-HistoryDays + 1) }.Max();
        var byDay = data.Transactions.Where(t => t.Timestamp <= data.Now).GroupBy(t => DateOnly.FromDateTime(t.Timestamp))
            .Where(g => g.Key >= first).ToDictionary(g => g.Key, g => g.Sum(t => t.AmountMinor));
        return [.. Enumerable.Range(0, today.DayNumber - first.DayNumber + 1).Select(i => first.AddDays(i)).Select(d => (d, byDay.GetValueOrDefault(d)))];
    }

    private static Model Fit(FinancialData data, DateOnly today)
    {
        var days = DailyFlows(data, today);
        if (days.Count < MinHistoryDays)
        {
            return new Model(new double[29], 0, days.Count, 0, 0);
        }

        // Mean net flow per occurrence of each day of the month in the window.
        var sums = new double[29];
        var counts = new int[29];
        foreach (var (day, net) in days)
        {
            sums[Bucket(day)] += net;
            counts[Bucket(day)]++;
        }

        var profile = new double[29];
        for (var b = 1; b < 29; b++)
        {
            profile[b] = counts[b] == 0 ? 0 : sums[b] / counts[b];
        }

        // Deviation of each day from its profile, as a robust spread (1.4826 × the median absolute deviation): a few
        // one-off payments, such as a burst of fraud, would otherwise widen every band far beyond the forecast's real
        // error (bench/forecast_backtest.sh measures both). Each bucket's mean used one degree of freedom.
        var residuals = days.Select(p => Math.Abs(p.NetMinor - profile[Bucket(p.Day)])).Order().ToList();
        var dof = Math.Sqrt(days.Count / (double)Math.Max(1, days.Count - counts.Count(c => c > 0)));
        var mad = 1.4826 * residuals[residuals.Count / 2] * dof;
        var sigma = mad > 0 ? mad : Math.Sqrt(residuals.Sum(r => r * r) / days.Count) * dof;
        var perMonth = DaysPerMonth / (double)days.Count;
        var inflow = days.Where(p => p.NetMinor > 0).Sum(p => p.NetMinor) * perMonth;
        var outflow = -days.Where(p => p.NetMinor < 0).Sum(p => p.NetMinor) * perMonth;
        return new Model(profile, sigma, days.Count, days.Sum(p => p.NetMinor) * perMonth, Math.Max(inflow, outflow));
    }

    // Days 29–31 do not exist in every month; they share the 28th's profile so every month has every bucket.
    private static int Bucket(DateOnly day) => Math.Min(day.Day, 28);

    private sealed record Model(double[] Profile, double DailySigma, int HistoryDays, double MonthlyNet, double MonthlyTurnover)
    {
        public double Expected(DateOnly day) => Profile[Bucket(day)];
    }
}
