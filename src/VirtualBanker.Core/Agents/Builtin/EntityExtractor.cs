using System.Globalization;
using System.Text.RegularExpressions;
using VirtualBanker.Core.Banking;

namespace VirtualBanker.Core.Agents.Builtin;

/// <summary>A span of time a question is about, e.g. "this month" or "last 3 months".</summary>
public sealed record Period(string Label, DateTime From, DateTime To);

public sealed record Entities(decimal? Amount, string? Merchant, string? Category, Period? Period, int? Months);

/// <summary>Pulls amounts, merchants, categories and relative periods out of a customer's message.</summary>
public static partial class EntityExtractor
{
    private static readonly Dictionary<string, string> CategoryWords = new(StringComparer.OrdinalIgnoreCase)
    {
        ["food"] = Categories.Dining, ["dining"] = Categories.Dining, ["restaurants"] = Categories.Dining, ["restaurant"] = Categories.Dining,
        ["eating out"] = Categories.Dining, ["coffee"] = Categories.Dining, ["groceries"] = Categories.Groceries, ["grocery"] = Categories.Groceries,
        ["supermarket"] = Categories.Groceries, ["gas"] = Categories.Transport, ["fuel"] = Categories.Transport, ["transport"] = Categories.Transport,
        ["transportation"] = Categories.Transport, ["rides"] = Categories.Transport, ["rent"] = Categories.Housing, ["housing"] = Categories.Housing,
        ["bills"] = Categories.Utilities, ["utilities"] = Categories.Utilities, ["subscriptions"] = Categories.Subscriptions,
        ["subscription"] = Categories.Subscriptions, ["shopping"] = Categories.Shopping, ["travel"] = Categories.Travel,
        ["flights"] = Categories.Travel, ["hotels"] = Categories.Travel, ["cash"] = Categories.Cash, ["atm"] = Categories.Cash,
        ["health"] = Categories.Health, ["income"] = Categories.Income, ["salary"] = Categories.Income,
    };

    private static readonly HashSet<string> NotMerchants = new(StringComparer.OrdinalIgnoreCase)
    {
        "all", "my", "the", "me", "this", "last", "a", "an", "it", "them", "average", "least", "most", "home", "work", "once",
    };

    // All category words in one pattern, built once: a pattern per word per message overflowed Regex's
    // static cache (15 entries), so every message constructed some thirty regexes again.
    private static readonly Regex CategoryPattern = new(
        $@"\b(?:{string.Join('|', CategoryWords.Keys.OrderByDescending(k => k.Length).Select(Regex.Escape))})\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    public static Entities Extract(string text, DateTime now)
    {
        var period = ExtractPeriod(text, now);

        // The longest category word mentioned wins ("eating out" over a shorter one elsewhere).
        var category = CategoryPattern.Matches(text).MaxBy(m => m.Length) is { } word ? CategoryWords[word.Value] : null;
        var months = MonthsPattern().Match(text) is { Success: true } m ? Math.Clamp(int.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture), 1, 60)
            : YearPattern().IsMatch(text) ? 12 : (int?)null;
        return new Entities(ExtractAmount(text), ExtractMerchant(text), category, period, months);
    }

    internal static decimal? ExtractAmount(string text)
    {
        var match = MoneyPattern().Match(text);
        if (!match.Success)
        {
            match = BareNumberPattern().Match(text);
        }

        if (!match.Success)
        {
            return null;
        }

        var digits = match.Groups["n"].Value.Replace(",", "", StringComparison.Ordinal);
        var value = decimal.Parse(digits, NumberStyles.Number, CultureInfo.InvariantCulture);
        if (match.Groups["k"].Success)
        {
            value *= 1000;
        }

        return value > 0 ? value : null;
    }

    internal static string? ExtractMerchant(string text)
    {
        foreach (Match match in MerchantPattern().Matches(text))
        {
            var name = match.Groups["m"].Value.Trim().TrimEnd('.', ',', '?', '!', '\'');
            var firstWord = name.Split(' ')[0];
            if (name.Length >= 2 && !NotMerchants.Contains(firstWord) && !CategoryWords.ContainsKey(name)
                && !Categories.All.Contains(name, StringComparer.OrdinalIgnoreCase) && !char.IsDigit(name[0]) && name[0] != '$')
            {
                return name;
            }
        }

        return null;
    }

    internal static Period? ExtractPeriod(string text, DateTime now)
    {
        var today = now.Date;
        var monthStart = new DateTime(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        var lower = text.ToLowerInvariant();
        if (LastNPattern().Match(lower) is { Success: true } last)
        {
            var n = Math.Clamp(int.Parse(last.Groups["n"].Value, CultureInfo.InvariantCulture), 1, 365);
            return last.Groups["unit"].Value switch
            {
                var u when u.StartsWith("day", StringComparison.Ordinal) => new Period($"in the last {n} days", today.AddDays(-n + 1), now),
                var u when u.StartsWith("week", StringComparison.Ordinal) => new Period($"in the last {n} weeks", today.AddDays((-7 * n) + 1), now),
                _ => new Period($"in the last {n} months", monthStart.AddMonths(-n + 1), now),
            };
        }

        var weekStart = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
        return lower switch
        {
            _ when lower.Contains("today", StringComparison.Ordinal) => new Period("today", today, now),
            _ when lower.Contains("yesterday", StringComparison.Ordinal) => new Period("yesterday", today.AddDays(-1), today.AddTicks(-1)),
            _ when lower.Contains("this week", StringComparison.Ordinal) => new Period("this week", weekStart, now),
            _ when lower.Contains("last week", StringComparison.Ordinal) => new Period("last week", weekStart.AddDays(-7), weekStart.AddTicks(-1)),
            _ when lower.Contains("this month", StringComparison.Ordinal) => new Period("this month", monthStart, now),
            _ when lower.Contains("last month", StringComparison.Ordinal) => new Period("last month", monthStart.AddMonths(-1), monthStart.AddTicks(-1)),
            _ when lower.Contains("this year", StringComparison.Ordinal) => new Period("this year", new DateTime(now.Year, 1, 1, 0, 0, 0, DateTimeKind.Utc), now),
            _ when lower.Contains("last year", StringComparison.Ordinal) => new Period("last year", new DateTime(now.Year - 1, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(now.Year, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks(-1)),
            _ => null,
        };
    }

    [GeneratedRegex(@"\$\s?(?<n>\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?)(?<k>k\b)?|(?<n>\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?)(?<k>k\b)?\s?(?:dollars|usd|bucks)\b", RegexOptions.IgnoreCase)]
    private static partial Regex MoneyPattern();

    // "a car for 15000", "spend 500 on": a bare number of at least two digits, not a count of months or days.
    [GeneratedRegex(@"(?<!\d)(?<n>\d{2,9}(?:\.\d{1,2})?)(?<k>k\b)?(?!\s*(?:months?|days?|weeks?|years?|%|transactions?))", RegexOptions.IgnoreCase)]
    private static partial Regex BareNumberPattern();

    [GeneratedRegex(@"\b(?:at|from|to|with)\s+(?<m>[A-Za-z0-9'&.\-]+(?:\s+[A-Za-z0-9'&.\-]+){0,2}?)(?=\s+(?:this|last|in|on|during|over|for|since|today|yesterday|recently)\b|[?.!,]|$)", RegexOptions.IgnoreCase)]
    private static partial Regex MerchantPattern();

    [GeneratedRegex(@"\b(?:last|past|previous)\s+(?<n>\d{1,3})\s+(?<unit>days?|weeks?|months?)\b")]
    private static partial Regex LastNPattern();

    [GeneratedRegex(@"\b(?<n>\d{1,2})\s*months?\b", RegexOptions.IgnoreCase)]
    private static partial Regex MonthsPattern();

    [GeneratedRegex(@"\b(a|one) year\b|\byearly\b|\bend of the year\b", RegexOptions.IgnoreCase)]
    private static partial Regex YearPattern();
}
