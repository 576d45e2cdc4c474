using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Errors;

namespace VirtualBanker.Core.Knowledge;

public sealed record ArticleHit(string Title, string Body);

public sealed record KnowledgeResult(string Query, IReadOnlyList<ArticleHit> Articles);

/// <summary>An article as an admin writes it: topics are intent names (<c>card_arrival</c>), which the article answers first.</summary>
public sealed record ArticleInput(string Title, string Body, IReadOnlyList<string> Topics);

/// <summary>
/// Searches the tenant's knowledge base. The builtin assistant's classifier has already read the question's meaning
/// (its intent, for example <c>card_arrival</c>): articles that answer that intent come first. Anything else (an
/// intent no article is tagged with, or a tenant's own articles) is found by Okapi BM25 over titles and bodies.
/// </summary>
public sealed partial class KnowledgeBase(VirtualBankerDbContext db)
{
    // The usual BM25 constants (Robertson and Zaragoza, 2009).
    private const double K1 = 1.2;
    private const double B = 0.75;

    public async Task<KnowledgeResult> SearchAsync(string query, string? topic, int limit, CancellationToken cancellationToken)
    {
        var articles = await db.KnowledgeArticles.AsNoTracking().OrderBy(a => a.Title).ToListAsync(cancellationToken);
        var tagged = topic is null ? [] : articles.Where(a => a.Topics.Split(' ').Contains(topic, StringComparer.Ordinal)).ToList();
        var found = tagged.Count > 0 ? [.. Rank(query, tagged).Union(tagged)] : Rank(query, articles); // tagged ones: the best worded first
        return new KnowledgeResult(query, [.. found.Take(Math.Clamp(limit, 1, 5)).Select(a => new ArticleHit(a.Title, a.Body))]);
    }

    public async Task<IReadOnlyList<KnowledgeArticle>> ListAsync(CancellationToken cancellationToken) =>
        await db.KnowledgeArticles.AsNoTracking().OrderBy(a => a.Title).ToListAsync(cancellationToken);

    public async Task<KnowledgeArticle> CreateAsync(ArticleInput input, DateTime now, CancellationToken cancellationToken)
    {
        var article = new KnowledgeArticle { Title = input.Title.Trim(), Body = input.Body.Trim(), Topics = Topics(input.Topics), UpdatedAt = now };
        db.KnowledgeArticles.Add(article);
        await db.SaveChangesAsync(cancellationToken);
        return article;
    }

    public async Task<KnowledgeArticle> UpdateAsync(Guid id, ArticleInput input, DateTime now, CancellationToken cancellationToken)
    {
        var article = await db.KnowledgeArticles.FirstOrDefaultAsync(a => a.Id == id, cancellationToken) ?? throw new AppException(AppError.NotFound("No such article."));
        (article.Title, article.Body, article.Topics, article.UpdatedAt) = (input.Title.Trim(), input.Body.Trim(), Topics(input.Topics), now);
        await db.SaveChangesAsync(cancellationToken);
        return article;
    }

    public async Task DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await db.KnowledgeArticles.Where(a => a.Id == id).ExecuteDeleteAsync(cancellationToken) == 0)
        {
            throw new AppException(AppError.NotFound("No such article."));
        }
    }

    /// <summary>Topics are intent names: letters, digits, underscores (Banking77 has one with a question mark), at most 20.</summary>
    private static string Topics(IReadOnlyList<string> topics)
    {
        if (topics.Count > 20 || topics.Any(t => !TopicPattern().IsMatch(t)))
        {
            throw new AppException(AppError.Validation("topics", "topics are at most 20 intent names such as card_arrival."));
        }

        return string.Join(' ', topics.Distinct(StringComparer.Ordinal));
    }

    [GeneratedRegex(@"^[A-Za-z0-9_?]{1,64}$")]
    private static partial Regex TopicPattern();

    /// <summary>Articles by BM25 score for the query's terms, best first; those that share no term with it are left out.</summary>
    internal static List<KnowledgeArticle> Rank(string query, IReadOnlyList<KnowledgeArticle> articles)
    {
        var terms = Terms(query).Distinct().ToList();
        var documents = articles.Select(a => Terms($"{a.Title} {a.Title} {a.Body}")).ToList(); // the title counts twice
        if (terms.Count == 0 || documents.Count == 0)
        {
            return [];
        }

        var averageLength = documents.Average(d => d.Count);
        var idf = terms.ToDictionary(t => t, t =>
        {
            var n = documents.Count(d => d.Contains(t));
            return Math.Log(1 + ((documents.Count - n + 0.5) / (n + 0.5)));
        });
        return [.. articles
            .Select((article, i) => (article, score: terms.Sum(t =>
            {
                var frequency = documents[i].Count(w => w == t);
                return frequency == 0 ? 0 : idf[t] * frequency * (K1 + 1) / (frequency + (K1 * (1 - B + (B * documents[i].Count / averageLength))));
            })))
            .Where(s => s.score > 0)
            .OrderByDescending(s => s.score)
            .Select(s => s.article)];
    }

    /// <summary>Lower-cased words without stop words, with a light stemming (plural s, -ing, -ed) so "fees" finds "fee".</summary>
    private static List<string> Terms(string text) =>
        [.. Word().Matches(text.ToLowerInvariant()).Select(m => m.Value).Where(w => w.Length > 1 && !StopWords.Contains(w)).Select(Stem)];

    private static string Stem(string word) => word switch
    {
        _ when word.Length > 5 && word.EndsWith("ing", StringComparison.Ordinal) => word[..^3],
        _ when word.Length > 4 && word.EndsWith("ed", StringComparison.Ordinal) => word[..^2],
        _ when word.Length > 3 && word.EndsWith("ies", StringComparison.Ordinal) => word[..^3] + "y",
        _ when word.Length > 3 && word.EndsWith('s') && !word.EndsWith("ss", StringComparison.Ordinal) => word[..^1],
        _ => word,
    };

    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "the", "and", "for", "how", "what", "does", "can", "you", "your", "are", "with", "why", "when", "should", "was", "did", "have", "is", "it",
        "to", "of", "in", "on", "my", "me", "do", "an", "or", "be", "at", "by", "if", "any", "there", "this", "that", "will", "would", "much", "many",
        "which", "where", "who", "about", "from", "get", "am", "we", "us", "our", "their", "they", "them", "as", "so", "but", "not", "no",
    };

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex Word();

    /// <summary>The demo bank's articles (shipped in the assembly), covering the knowledge intents of Banking77.</summary>
    public static IReadOnlyList<KnowledgeArticle> DemoArticles(string tenantId, DateTime now)
    {
        using var stream = typeof(KnowledgeBase).Assembly.GetManifestResourceStream("VirtualBanker.DemoArticles.json")!;
        var articles = JsonSerializer.Deserialize<List<DemoArticle>>(stream, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        return [.. articles.Select(a => new KnowledgeArticle { TenantId = tenantId, Title = a.Title, Body = a.Body, Topics = string.Join(' ', a.Topics), UpdatedAt = now })];
    }

    private sealed record DemoArticle(string Title, string Body, string[] Topics);
}
