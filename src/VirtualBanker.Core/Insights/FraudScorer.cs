using System.Globalization;

namespace VirtualBanker.Core.Insights;

public sealed record FraudScore(double Score, IReadOnlyList<string> Reasons)
{
    public string Details => string.Join(" ", Reasons);
}

/// <summary>
/// Rule-based fraud scoring of a debit against the customer's own history: amount against what they
/// usually pay that merchant or in that category, time of day, velocity, and a merchant never seen
/// before. Each signal adds points; 0–100. History should leave out transactions already flagged,
/// so one fraud does not make the next look normal.
/// </summary>
public static class FraudScorer
{
    public const double DefaultThreshold = 60;
    private const int MinHistory = 3;
    private static readonly HashSet<string> FixedCosts = [Banking.Categories.Housing, Banking.Categories.Utilities];

    public static FraudScore Score(TxData candidate, IReadOnlyList<TxData> history)
    {
        if (!candidate.IsDebit || candidate.IsTransfer)
        {
            return new FraudScore(0, []);
        }

        var amount = -candidate.AmountMinor;
        var debits = history.Where(t => t.IsDebit && !t.IsTransfer && t.Timestamp <= candidate.Timestamp).ToList();
        var reasons = new List<string>();
        double score = 0;

        // Amount: compared with the largest the customer has paid this merchant, else in this category,
        // else for anything flexible (fixed costs such as rent would make every purchase look small).
        var sameMerchant = debits.Where(t => string.Equals(t.Merchant, candidate.Merchant, StringComparison.OrdinalIgnoreCase)).ToList();
        var sameCategory = debits.Where(t => t.Category == candidate.Category).ToList();
        var flexible = debits.Where(t => !FixedCosts.Contains(t.Category)).ToList();
        var (reference, against) = sameMerchant.Count > 0 ? (sameMerchant, "this merchant")
            : sameCategory.Count >= MinHistory ? (sameCategory, candidate.Category)
            : flexible.Count >= MinHistory ? (flexible, "your purchases")
            : (null, "");
        if (reference is not null)
        {
            var usual = reference.Max(t => -t.AmountMinor);
            var ratio = amount / (double)usual;
            if (ratio > 1.5)
            {
                score += Math.Min(40, 15 * Math.Log2(ratio));
                reasons.Add(string.Create(CultureInfo.InvariantCulture, $"Amount {ratio:0.0}x above the usual for {against}."));
            }
        }

        // Time of day: the small hours are when stolen cards are used; late evening a little.
        var hour = candidate.Timestamp.Hour;
        if (hour < 5)
        {
            score += 25;
            reasons.Add("Late-night transaction.");
        }
        else if (hour >= 23)
        {
            score += 15;
            reasons.Add("Late-evening transaction.");
        }

        // Velocity: other debits in the 30 minutes before.
        var burst = debits.Count(t => t.Id != candidate.Id && t.Timestamp > candidate.Timestamp.AddMinutes(-30));
        if (burst > 0)
        {
            score += burst >= 2 ? 40 : 20;
            reasons.Add($"{burst + 1} transactions within 30 minutes.");
        }

        if (sameMerchant.Count == 0)
        {
            score += 20;
            reasons.Add("First transaction with this merchant.");
        }

        return new FraudScore(Math.Round(Math.Min(100, score), 1), reasons);
    }

    /// <summary>Scores a whole history in time order, as ingest would have; returns the flagged transactions.</summary>
    public static IReadOnlyList<(TxData Transaction, FraudScore Score)> Replay(IEnumerable<TxData> transactions, double threshold = DefaultThreshold)
    {
        var seen = new List<TxData>();
        var flagged = new List<(TxData, FraudScore)>();
        foreach (var tx in transactions.OrderBy(t => t.Timestamp))
        {
            var score = Score(tx, seen);
            if (score.Score >= threshold)
            {
                flagged.Add((tx, score));
            }
            else
            {
                seen.Add(tx);
            }
        }

        return flagged;
    }
}
