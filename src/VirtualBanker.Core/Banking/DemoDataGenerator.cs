namespace VirtualBanker.Core.Banking;

/// <summary>One generated transaction, before it is bound to stored accounts.</summary>
public sealed record DemoTransaction(
    string ExternalId, AccountType Account, string Merchant, string Category, long AmountMinor, DateTime Timestamp, bool PlantedAnomaly);

public sealed record DemoDataSet(IReadOnlyDictionary<AccountType, long> OpeningBalances, IReadOnlyList<DemoTransaction> Transactions);

/// <summary>
/// Six months of a plausible customer's banking: salary, rent, utilities, subscriptions, groceries,
/// dining, transport, shopping, one trip, savings transfers and card payments, plus a few planted
/// anomalies (a late-night electronics charge, a luxury purchase, a burst of cash withdrawals, a gift
/// card at midnight) for fraud scoring to find. Nothing is dated after <c>now</c>: a bank's history has no future
/// entries. Same seed and moment, same data.
/// </summary>
public static class DemoDataGenerator
{
    public const int DefaultSeed = 2026;

    public static DemoDataSet Generate(DateTime now, int seed = DefaultSeed)
    {
        var endDate = DateOnly.FromDateTime(now);
        var random = new Random(seed);
        var list = new List<DemoTransaction>();
        var firstMonth = new DateOnly(endDate.Year, endDate.Month, 1).AddMonths(-5);

        for (var m = 0; m < 6; m++)
        {
            var month = firstMonth.AddMonths(m);
            var days = DateTime.DaysInMonth(month.Year, month.Month);
            void Add(AccountType account, string merchant, string category, decimal amount, int day, int hour, int minute, bool anomaly = false)
            {
                var at = month.AddDays(Math.Min(day, days) - 1).ToDateTime(new TimeOnly(hour, minute), DateTimeKind.Utc);
                if (at > now)
                {
                    return;
                }

                list.Add(new DemoTransaction("", account, merchant, category, (long)Math.Round(amount * 100m), at, anomaly));
            }

            decimal Between(decimal min, decimal max) => Math.Round(min + ((max - min) * (decimal)random.NextDouble()), 2);
            int Day() => random.Next(1, days + 1);

            Add(AccountType.Checking, "Acme Corp Payroll", "Income", 2550m, 1, 6, 0);
            Add(AccountType.Checking, "Acme Corp Payroll", "Income", 2550m, 15, 6, 0);
            Add(AccountType.Checking, "Parkview Apartments", "Housing", -1950m, 1, 9, 0);
            Add(AccountType.Checking, "City Power & Light", "Utilities", -Between(95m, 160m), 5, 10, 12);
            Add(AccountType.Checking, "Comcast", "Utilities", -79.99m, 8, 10, 30);
            Add(AccountType.Credit, "Netflix", "Subscriptions", -15.49m, 3, 9, 10);
            Add(AccountType.Credit, "Spotify", "Subscriptions", -10.99m, 7, 9, 10);
            Add(AccountType.Credit, "iCloud", "Subscriptions", -2.99m, 12, 9, 10);
            Add(AccountType.Checking, "Planet Fitness", "Subscriptions", -24.99m, 17, 9, 10);
            Add(AccountType.Checking, "Transfer to Savings", "Transfer", -800m, 2, 8, 0);
            Add(AccountType.Savings, "Transfer from Checking", "Transfer", 800m, 2, 8, 0);
            Add(AccountType.Savings, "Interest", "Income", Between(40m, 60m), days, 12, 0);

            foreach (var (merchant, min, max) in Repeat(random, 12, ("Whole Foods", 35m, 140m), ("Trader Joe's", 25m, 95m), ("Safeway", 20m, 110m)))
            {
                Add(AccountType.Checking, merchant, "Groceries", -Between(min, max), Day(), random.Next(9, 20), random.Next(60));
            }

            foreach (var (merchant, min, max) in Repeat(random, 13, ("Starbucks", 4.5m, 8.5m), ("Chipotle", 11m, 18m), ("Olive Garden", 35m, 85m), ("Sweetgreen", 12m, 19m)))
            {
                Add(AccountType.Credit, merchant, "Dining", -Between(min, max), Day(), random.Next(8, 21), random.Next(60));
            }

            foreach (var (merchant, min, max) in Repeat(random, 7, ("Uber", 11m, 34m), ("Shell", 38m, 62m)))
            {
                Add(AccountType.Credit, merchant, "Transport", -Between(min, max), Day(), random.Next(7, 20), random.Next(60));
            }

            foreach (var (merchant, min, max) in Repeat(random, 5, ("Amazon", 18m, 120m), ("Target", 25m, 90m)))
            {
                Add(AccountType.Credit, merchant, "Shopping", -Between(min, max), Day(), random.Next(10, 21), random.Next(60));
            }

            if (m == 2)
            {
                Add(AccountType.Credit, "Delta Air Lines", "Travel", -428.60m, 9, 13, 5);
                Add(AccountType.Credit, "Marriott Hotels", "Travel", -386.40m, 20, 15, 40);
            }

            // The card is paid off from checking on the 25th: the sum of last month's card spending.
            var cardSpending = -list.Where(t => t.Account == AccountType.Credit && t.AmountMinor < 0 && t.Timestamp < month.ToDateTime(TimeOnly.MinValue)
                && t.Timestamp >= month.AddMonths(-1).ToDateTime(TimeOnly.MinValue)).Sum(t => t.AmountMinor) / 100m;
            if (cardSpending > 0)
            {
                Add(AccountType.Checking, "Card Payment", "Transfer", -cardSpending, 25, 9, 0);
                Add(AccountType.Credit, "Payment Received", "Transfer", cardSpending, 25, 9, 0);
            }
        }

        // Planted anomalies, late in the period so they are among the recent transactions.
        var lastMonth = firstMonth.AddMonths(5);
        var anomalyDay = Math.Max(1, Math.Min(endDate.Day - 1, 20));
        void Plant(string merchant, string category, decimal amount, int dayOffset, int hour, int minute)
        {
            var at = lastMonth.AddDays(Math.Max(0, anomalyDay - 1 - dayOffset)).ToDateTime(new TimeOnly(hour, minute), DateTimeKind.Utc);
            while (at > now)
            {
                at = at.AddDays(-1); // early on the 1st of a month: the night before, same hour
            }

            list.Add(new DemoTransaction("", AccountType.Credit, merchant, category, -(long)(amount * 100m), at, true));
        }

        Plant("Tech Store NYC", "Shopping", 847.00m, 0, 2, 14);
        Plant("Luxe Watches Geneva", "Shopping", 2399.00m, 3, 3, 41);
        Plant("QuickCash ATM", "Cash", 200m, 6, 1, 2);
        Plant("QuickCash ATM", "Cash", 200m, 6, 1, 5);
        Plant("QuickCash ATM", "Cash", 200m, 6, 1, 9);
        Plant("GiftCardMall", "Shopping", 500m, 9, 23, 52);

        var ordered = list.OrderBy(t => t.Timestamp).ThenBy(t => t.Merchant, StringComparer.Ordinal).ThenBy(t => t.AmountMinor)
            .Select((t, i) => t with { ExternalId = $"demo-{i + 1:D4}" })
            .ToList();
        var opening = new Dictionary<AccountType, long>
        {
            [AccountType.Checking] = 8_400_00,
            [AccountType.Savings] = 27_500_00,
            [AccountType.Credit] = 0,
        };
        return new DemoDataSet(opening, ordered);
    }

    private static IEnumerable<(string Merchant, decimal Min, decimal Max)> Repeat(
        Random random, int count, params (string, decimal, decimal)[] merchants)
    {
        for (var i = 0; i < count; i++)
        {
            yield return merchants[random.Next(merchants.Length)];
        }
    }
}
