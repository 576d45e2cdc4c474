using VirtualBanker.Core.Banking;

namespace VirtualBanker.Core.Tests.Banking;

public sealed class DemoDataGeneratorTests
{
    private static readonly DateTime End = new(2026, 11, 23, 23, 59, 0, DateTimeKind.Utc);

    [Fact]
    public void Generate_SameSeedAndDate_GivesIdenticalData()
    {
        var first = DemoDataGenerator.Generate(End);
        var second = DemoDataGenerator.Generate(End);

        Assert.Equal(first.Transactions, second.Transactions);
        Assert.NotEqual(first.Transactions, DemoDataGenerator.Generate(End, seed: 7).Transactions);
    }

    [Fact]
    public void Generate_SixMonthsOfAbout300Transactions_WithinThePeriod()
    {
        var data = DemoDataGenerator.Generate(End);

        Assert.InRange(data.Transactions.Count, 270, 330);
        Assert.All(data.Transactions, t => Assert.InRange(t.Timestamp, new DateTime(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc), End));
        Assert.Equal(data.Transactions.Count, data.Transactions.Select(t => t.ExternalId).Distinct().Count());
    }

    [Theory]
    [InlineData("2026-12-03T15:52:00Z")]
    [InlineData("2026-12-01T00:30:00Z")]
    [InlineData("2027-03-15T06:00:00Z")]
    public void Generate_DatesNothingAfterNow(string moment)
    {
        var now = DateTime.Parse(moment, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal);
        var data = DemoDataGenerator.Generate(now);

        Assert.All(data.Transactions, t => Assert.True(t.Timestamp <= now, $"{t.Merchant} at {t.Timestamp:O} is after {now:O}"));
        Assert.Equal(6, data.Transactions.Count(t => t.PlantedAnomaly));
        Assert.Contains(data.Transactions, t => t.Timestamp.Date == now.Date.AddDays(-1) || t.Timestamp.Date == now.Date);
    }

    [Theory]
    [InlineData("Income")]
    [InlineData("Housing")]
    [InlineData("Groceries")]
    [InlineData("Subscriptions")]
    [InlineData("Travel")]
    [InlineData("Dining")]
    public void Generate_CoversTheEverydayCategories(string category) =>
        Assert.Contains(DemoDataGenerator.Generate(End).Transactions, t => t.Category == category);

    [Fact]
    public void Generate_SalaryAndRentRecurEveryMonth()
    {
        var data = DemoDataGenerator.Generate(End);

        Assert.Equal(12, data.Transactions.Count(t => t.Merchant == "Acme Corp Payroll" && t.AmountMinor == 2550_00));
        Assert.Equal(6, data.Transactions.Count(t => t.Merchant == "Parkview Apartments" && t.AmountMinor == -1950_00));
    }

    [Fact]
    public void Generate_PlantsAnomaliesThatDifferFromTheNormalPattern()
    {
        var data = DemoDataGenerator.Generate(End);
        var planted = data.Transactions.Where(t => t.PlantedAnomaly).ToList();

        Assert.Equal(6, planted.Count);
        Assert.Contains(planted, t => t.Merchant == "Tech Store NYC" && t.AmountMinor == -847_00 && t.Timestamp.Hour == 2);
        Assert.Equal(3, planted.Count(t => t.Merchant == "QuickCash ATM"));
        var normalMerchants = data.Transactions.Where(t => !t.PlantedAnomaly).Select(t => t.Merchant).ToHashSet();
        Assert.All(planted, t => Assert.DoesNotContain(t.Merchant, normalMerchants));
    }
}
