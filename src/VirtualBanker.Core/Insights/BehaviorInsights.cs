using System.Globalization;

namespace VirtualBanker.Core.Insights;

public sealed record BehaviorResult(IReadOnlyList<string> Insights, double WeekendPct, int LateNightCount, long AvgTransactionMinor);

/// <summary>Spending habits over the last 30 days: weekends against weekdays, late nights, typical ticket size.</summary>
public static class BehaviorInsights
{
    public static BehaviorResult Compute(FinancialData data)
    {
        var from = data.Now.AddDays(-30);
        var debits = data.Since(from).Where(t => t.IsDebit).ToList();

        // Per-day averages, so five weekdays are fairly compared with two weekend days.
        var days = Enumerable.Range(0, 30).Select(i => DateOnly.FromDateTime(data.Now).AddDays(-i)).ToList();
        var weekendDays = days.Count(IsWeekend);
        var weekdayDays = days.Count - weekendDays;
        var weekendSpend = -debits.Where(t => IsWeekend(DateOnly.FromDateTime(t.Timestamp))).Sum(t => t.AmountMinor);
        var weekdaySpend = -debits.Where(t => !IsWeekend(DateOnly.FromDateTime(t.Timestamp))).Sum(t => t.AmountMinor);
        var weekendPerDay = weekendDays == 0 ? 0 : weekendSpend / (double)weekendDays;
        var weekdayPerDay = weekdayDays == 0 ? 0 : weekdaySpend / (double)weekdayDays;
        var weekendPct = weekdayPerDay == 0 ? 0 : Math.Round(((weekendPerDay / weekdayPerDay) - 1) * 100, 1);

        var monthStart = new DateTime(data.Now.Year, data.Now.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        var lateNight = data.Since(monthStart).Count(t => t.IsDebit && (t.Timestamp.Hour >= 23 || t.Timestamp.Hour < 5));
        var average = debits.Count == 0 ? 0 : (long)Math.Round(-debits.Average(t => (double)t.AmountMinor));

        var insights = new List<string>();
        if (debits.Count == 0)
        {
            insights.Add("No spending in the last 30 days.");
        }
        else
        {
            insights.Add(weekendPct switch
            {
                > 0 => string.Create(CultureInfo.InvariantCulture, $"Weekend spending is {weekendPct:0}% higher than weekday average"),
                < 0 => string.Create(CultureInfo.InvariantCulture, $"Weekend spending is {-weekendPct:0}% lower than weekday average"),
                _ => "Weekend and weekday spending are about the same",
            });
            insights.Add(lateNight == 0
                ? "No late-night transactions this month"
                : $"Late-night transactions detected {lateNight} {(lateNight == 1 ? "time" : "times")} this month");
            insights.Add($"Your average purchase is {Format.Money(average)} across {debits.Count} transactions in the last 30 days");
            var top = CashFlow.SpendingByCategory(data, from).FirstOrDefault(c => c.Category != Banking.Categories.Housing);
            if (top.Category is not null)
            {
                insights.Add($"{top.Category} is your largest flexible spending category at {Format.Money(top.SpentMinor)}");
            }
        }

        return new BehaviorResult(insights, weekendPct, lateNight, average);
    }

    private static bool IsWeekend(DateOnly day) => day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
}
