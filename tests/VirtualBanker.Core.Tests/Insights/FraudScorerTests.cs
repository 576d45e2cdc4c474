using VirtualBanker.Core.Banking;
using VirtualBanker.Core.Insights;

namespace VirtualBanker.Core.Tests.Insights;

public sealed class FraudScorerTests
{
    public static TheoryData<string> EndDates() => new() { "2026-11-23T23:59:00Z", "2026-05-24T12:00:00Z", "2026-03-01T00:30:00Z", "2027-01-31T18:00:00Z", "2026-08-15T09:00:00Z" };

    [Theory]
    [MemberData(nameof(EndDates))]
    public void Replay_DemoData_FlagsEveryPlantedIncidentAndNoNormalPayment(string end)
    {
        var data = DemoDataGenerator.Generate(DateTime.Parse(end, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal));
        var transactions = data.Transactions.Select(t => new TxData(Guid.NewGuid(), t.Merchant, t.Category, t.AmountMinor, t.Timestamp, t.Account)).ToList();
        var planted = data.Transactions.Select((t, i) => (t, i)).Where(x => x.t.PlantedAnomaly).Select(x => transactions[x.i].Id).ToHashSet();

        var flagged = FraudScorer.Replay(transactions).Select(f => f.Transaction.Id).ToHashSet();

        var truePositives = flagged.Count(planted.Contains);
        var precision = truePositives / (double)flagged.Count;
        // The three cash withdrawals minutes apart are one incident: flagging the burst once is enough.
        var incidents = transactions.Where(t => planted.Contains(t.Id)).GroupBy(t => t.Merchant).ToList();
        var incidentRecall = incidents.Count(g => g.Any(t => flagged.Contains(t.Id))) / (double)incidents.Count;

        Assert.Equal(1.0, precision);
        Assert.Equal(1.0, incidentRecall);
        Assert.InRange(truePositives, 4, 6);
    }

    [Fact]
    public void Score_KnownMerchantUsualAmountDaytime_IsZero()
    {
        var now = new DateTime(2026, 11, 20, 12, 0, 0, DateTimeKind.Utc);
        var history = Enumerable.Range(1, 5).Select(i => Debit("Whole Foods", "Groceries", 80_00, now.AddDays(-7 * i))).ToList();

        var score = FraudScorer.Score(Debit("Whole Foods", "Groceries", 75_00, now), history);

        Assert.Equal(0, score.Score);
        Assert.Empty(score.Reasons);
    }

    [Fact]
    public void Score_NewMerchantLateNightTenTimesTheCategory_IsHighWithReasons()
    {
        var now = new DateTime(2026, 11, 20, 2, 30, 0, DateTimeKind.Utc);
        var history = Enumerable.Range(1, 5).Select(i => Debit("Amazon", "Shopping", 60_00, now.AddDays(-3 * i).AddHours(12))).ToList();

        var score = FraudScorer.Score(Debit("Tech Store NYC", "Shopping", 600_00, now), history);

        // 15*log2(10) = 49.8 capped at 40, + 25 late night + 20 new merchant.
        Assert.Equal(85, score.Score);
        Assert.Contains("Late-night transaction.", score.Reasons);
        Assert.Contains("First transaction with this merchant.", score.Reasons);
        Assert.Contains(score.Reasons, r => r.StartsWith("Amount 10.0x", StringComparison.Ordinal));
    }

    [Fact]
    public void Score_CreditsAndTransfers_AreNeverScored()
    {
        var at = new DateTime(2026, 11, 20, 3, 0, 0, DateTimeKind.Utc);

        Assert.Equal(0, FraudScorer.Score(new TxData(Guid.NewGuid(), "Payroll", "Income", 5000_00, at, AccountType.Checking), []).Score);
        Assert.Equal(0, FraudScorer.Score(Debit("Transfer to Savings", "Transfer", 9000_00, at), []).Score);
    }

    private static TxData Debit(string merchant, string category, long minor, DateTime at) =>
        new(Guid.NewGuid(), merchant, category, -minor, at, AccountType.Credit);
}
