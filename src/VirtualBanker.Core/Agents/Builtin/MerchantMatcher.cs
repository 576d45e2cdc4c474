using System.Text.RegularExpressions;

namespace VirtualBanker.Core.Agents.Builtin;

/// <summary>
/// Finds which of the customer's own merchants a message names, typos included: "netflx" is Netflix, "olive garden"
/// and "Olive Gardens" are Olive Garden. A merchant matches when each of its leading words (up to two) is in the
/// message, or within one edit for words of five letters or more (two from eight letters).
/// </summary>
public static partial class MerchantMatcher
{
    // Words a merchant's name shares with ordinary questions: they never match alone.
    private static readonly HashSet<string> Common = new(StringComparer.Ordinal)
    {
        "the", "and", "for", "from", "card", "payment", "transfer", "to", "of", "atm", "cash", "store", "market", "received", "interest", "corp",
        "savings", "checking", "my", "foods",
    };

    public static string? Find(string text, IEnumerable<string> merchants)
    {
        var words = Word().Matches(text.ToLowerInvariant()).Select(m => m.Value.Trim('\'')).Where(w => w.Length > 0).ToArray();
        string? best = null;
        var bestScore = 0;
        foreach (var merchant in merchants)
        {
            var name = Word().Matches(merchant.ToLowerInvariant()).Select(m => m.Value.Trim('\'')).Where(w => w.Length > 0).Take(2).ToArray();
            if (name.Length == 0 || (name.Length == 1 && (Common.Contains(name[0]) || name[0].Length < 3)))
            {
                continue;
            }

            // The first word must match; a second one counts when it matches too (Whole Foods over Whole Earth).
            var first = Array.FindIndex(words, w => Close(w, name[0]));
            if (first < 0 || Common.Contains(name[0]))
            {
                continue;
            }

            var score = name[0].Length + (name.Length > 1 && first + 1 < words.Length && Close(words[first + 1], name[1]) ? name[1].Length + 1 : 0);
            if (score > bestScore)
            {
                (best, bestScore) = (merchant, score);
            }
        }

        return best;
    }

    private static bool Close(string word, string target) =>
        word == target
        || word.TrimEnd('s') == target.TrimEnd('s')
        || (word.Length >= 5 && target.Length >= 5 && Distance(word, target) <= (target.Length >= 8 ? 2 : 1));

    /// <summary>Optimal string alignment distance (Levenshtein plus swapped neighbours), on short words.</summary>
    public static int Distance(string a, string b)
    {
        if (Math.Abs(a.Length - b.Length) > 2)
        {
            return 3;
        }

        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    [GeneratedRegex(@"[\p{L}\p{N}'&+]+")]
    private static partial Regex Word();
}
