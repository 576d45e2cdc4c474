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

    public static string? Find(string text, MerchantIndex merchants)
    {
        var words = Word().Matches(text.ToLowerInvariant()).Select(m => m.Value.Trim('\'')).Where(w => w.Length > 0).ToArray();
        string? best = null;
        var bestScore = 0;
        foreach (var (merchant, name) in merchants.Entries)
        {
            // The first word must match; a second one counts when it matches too (Whole Foods over Whole Earth).
            var first = Array.FindIndex(words, w => Close(w, name[0]));
            if (first < 0)
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
        || (word.Length >= 5 && target.Length >= 5 && Within(word, target, target.Length >= 8 ? 2 : 1));

    /// <summary>
    /// Whether two words are at most <paramref name="max"/> edits apart (optimal string alignment: Levenshtein plus swapped
    /// neighbours). Words that differ in length by more, or share neither their first nor their last letter, are rejected
    /// before any table is filled: nearly every pair a message meets.
    /// </summary>
    public static bool Within(string a, string b, int max)
    {
        if (Math.Abs(a.Length - b.Length) > max || a.Length == 0 || b.Length == 0 || (a[0] != b[0] && a[^1] != b[^1]))
        {
            return false;
        }

        // Three rows of the table are enough: the one before the previous is read for swaps.
        Span<int> twoBack = stackalloc int[b.Length + 1], previous = stackalloc int[b.Length + 1], current = stackalloc int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var best = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var value = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    value = Math.Min(value, twoBack[j - 2] + 1);
                }

                current[j] = value;
                best = Math.Min(best, value);
            }

            if (best > max)
            {
                return false; // every alignment is already too far apart
            }

            var spare = twoBack;
            twoBack = previous;
            previous = current;
            current = spare;
        }

        return previous[b.Length] <= max;
    }

    [GeneratedRegex(@"[\p{L}\p{N}'&+]+")]
    internal static partial Regex Word();

    internal static bool IsCommon(string word) => Common.Contains(word);
}

/// <summary>A customer's merchants with their first two words, worked out once per load of their history, not per message.</summary>
public sealed class MerchantIndex
{
    private MerchantIndex(IReadOnlyList<(string Name, string[] Words)> entries) => Entries = entries;

    internal IReadOnlyList<(string Name, string[] Words)> Entries { get; }

    public int Count => Entries.Count;

    public static MerchantIndex Of(IEnumerable<string> merchants) =>
        new([.. merchants.Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(m => (Name: m, Words: MerchantMatcher.Word().Matches(m.ToLowerInvariant()).Select(w => w.Value.Trim('\'')).Where(w => w.Length > 0).Take(2).ToArray()))
            .Where(m => m.Words.Length > 0 && !MerchantMatcher.IsCommon(m.Words[0]) && (m.Words.Length > 1 || m.Words[0].Length >= 3))]);
}
