using System.Text.Json;

namespace VirtualBanker.Core.Tools;

public sealed record FaqEntry(string Question, string Answer);

public sealed record FaqResult(string Query, IReadOnlyList<FaqEntry> Matches);

/// <summary>
/// The knowledge-base capsule's frequently asked questions (shipped in the assembly), searched by
/// word overlap with the question, weighted towards rarer words.
/// </summary>
public static class Faq
{
    private static readonly Lazy<IReadOnlyList<FaqEntry>> Entries = new(Load);

    public static FaqResult Search(string query, int limit = 3)
    {
        var words = Words(query);
        var entries = Entries.Value;
        var documentFrequency = entries.SelectMany(e => Words(e.Question).Distinct()).CountBy(w => w).ToDictionary(p => p.Key, p => p.Value);
        var matches = entries
            .Select(e => (Entry: e, Score: Words(e.Question + " " + e.Answer).Intersect(words).Sum(w => 1.0 / (1 + documentFrequency.GetValueOrDefault(w)))))
            .Where(m => m.Score > 0)
            .OrderByDescending(m => m.Score)
            .Take(Math.Clamp(limit, 1, 5))
            .Select(m => m.Entry)
            .ToList();
        return new FaqResult(query, matches);
    }

    private static HashSet<string> Words(string text) =>
        text.ToLowerInvariant().Split((char[])[' ', ',', '.', '?', '!', ';', ':', '/', '(', ')', '\'', '"', '-'], StringSplitOptions.RemoveEmptyEntries)
            .Where(w => w.Length > 2 && !StopWords.Contains(w))
            .Select(w => w.TrimEnd('s'))
            .ToHashSet(StringComparer.Ordinal);

    private static readonly HashSet<string> StopWords = new(["the", "and", "for", "how", "what", "does", "can", "you", "your", "are", "with", "why", "when", "should", "was", "did", "have"], StringComparer.Ordinal);

    private static List<FaqEntry> Load()
    {
        using var stream = typeof(Faq).Assembly.GetManifestResourceStream("VirtualBanker.Faq.json")!;
        return JsonSerializer.Deserialize<List<FaqEntry>>(stream, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
    }
}
