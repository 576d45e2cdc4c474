using System.Globalization;
using System.Text.RegularExpressions;
using VirtualBanker.Core.Banking;

namespace VirtualBanker.Core.Agents.Builtin;

/// <summary>How a period was named, which decides what "the one before" is.</summary>
public enum PeriodUnit
{
    Day,
    Week,
    Month,
    Quarter,
    Year,
    Span,
}

/// <summary>
/// A span of time a question is about, e.g. "this month" or "in September 2026". The label is what the tools are given
/// and what answers say; <see cref="EntityExtractor.ExtractPeriod"/> reads every label back to the same span.
/// </summary>
public sealed record Period(string Label, DateTime From, DateTime To, PeriodUnit Unit = PeriodUnit.Span)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static Period Month(int year, int month, DateTime now)
    {
        var from = new DateTime(year, month, 1, 0, 0, 0, DateTimeKind.Utc);
        var label = (year, month) == (now.Year, now.Month) ? "this month"
            : from == new DateTime(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(-1) ? "last month"
            : $"in {from.ToString("MMMM yyyy", Invariant)}";
        return new Period(label, from, Min(from.AddMonths(1).AddTicks(-1), now), PeriodUnit.Month);
    }

    public static Period Quarter(int year, int quarter, DateTime now)
    {
        var from = new DateTime(year, ((quarter - 1) * 3) + 1, 1, 0, 0, 0, DateTimeKind.Utc);
        return new Period($"in Q{quarter} {year}", from, Min(from.AddMonths(3).AddTicks(-1), now), PeriodUnit.Quarter);
    }

    public static Period Year(int year, DateTime now)
    {
        var from = new DateTime(year, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var label = year == now.Year ? "this year" : year == now.Year - 1 ? "last year" : $"in {year}";
        return new Period(label, from, Min(from.AddYears(1).AddTicks(-1), now), PeriodUnit.Year);
    }

    public static Period Between(DateTime from, DateTime to) =>
        new($"from {from.ToString("yyyy-MM-dd", Invariant)} to {to.ToString("yyyy-MM-dd", Invariant)}", from.Date, to.Date.AddDays(1).AddTicks(-1), PeriodUnit.Span);

    /// <summary>The period just before this one, of the same kind: "and the month before?".</summary>
    public Period Previous(DateTime now) => Unit switch
    {
        PeriodUnit.Month => Month(From.AddMonths(-1).Year, From.AddMonths(-1).Month, now),
        PeriodUnit.Quarter => Quarter(From.AddMonths(-3).Year, ((From.AddMonths(-3).Month - 1) / 3) + 1, now),
        PeriodUnit.Year => Year(From.Year - 1, now),
        PeriodUnit.Day => From.AddDays(-1) == now.Date.AddDays(-1) ? new Period("yesterday", From.AddDays(-1), From.AddTicks(-1), PeriodUnit.Day) : Between(From.AddDays(-1), From.AddDays(-1)),
        PeriodUnit.Week => Between(From.AddDays(-7), From.AddDays(-1)),
        _ => Between(From - (To - From), From.AddDays(-1)),
    };

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;
}

/// <summary>What a message names besides its intent.</summary>
public sealed record Entities(decimal? Amount, string? Merchant, string? Category, Period? Period, int? Months)
{
    /// <summary>checking, savings or credit, when the customer names one account.</summary>
    public string? Account { get; init; }

    /// <summary>"largest" for the biggest purchase or expense.</summary>
    public string? Sort { get; init; }

    /// <summary>"the month before", "the previous one": move the period of the question before back by one.</summary>
    public bool PeriodBefore { get; init; }

    public bool IsEmpty => Amount is null && Merchant is null && Category is null && Period is null && Months is null && Account is null && Sort is null && !PeriodBefore;
}

/// <summary>
/// Pulls amounts, merchants, categories, accounts and periods out of a customer's message. Merchants come from the
/// customer's own history when it is given (typo-tolerant), else from "at/from/to X" phrases.
/// </summary>
public static partial class EntityExtractor
{
    private static readonly Dictionary<string, string> CategoryWords = new(StringComparer.OrdinalIgnoreCase)
    {
        ["food"] = Categories.Dining, ["dining"] = Categories.Dining, ["restaurants"] = Categories.Dining, ["restaurant"] = Categories.Dining,
        ["eating out"] = Categories.Dining, ["coffee"] = Categories.Dining, ["takeaway"] = Categories.Dining, ["takeout"] = Categories.Dining,
        ["lunch"] = Categories.Dining, ["dinner"] = Categories.Dining, ["meals"] = Categories.Dining,
        ["groceries"] = Categories.Groceries, ["grocery"] = Categories.Groceries, ["supermarket"] = Categories.Groceries, ["supermarkets"] = Categories.Groceries,
        ["gas"] = Categories.Transport, ["fuel"] = Categories.Transport, ["petrol"] = Categories.Transport, ["transport"] = Categories.Transport,
        ["transportation"] = Categories.Transport, ["rides"] = Categories.Transport, ["taxi"] = Categories.Transport, ["taxis"] = Categories.Transport,
        ["commuting"] = Categories.Transport, ["rent"] = Categories.Housing, ["housing"] = Categories.Housing, ["mortgage"] = Categories.Housing,
        ["bills"] = Categories.Utilities, ["utilities"] = Categories.Utilities, ["electricity"] = Categories.Utilities, ["internet"] = Categories.Utilities,
        ["phone bill"] = Categories.Utilities, ["subscriptions"] = Categories.Subscriptions, ["subscription"] = Categories.Subscriptions,
        ["streaming"] = Categories.Subscriptions, ["gym"] = Categories.Subscriptions, ["shopping"] = Categories.Shopping, ["clothes"] = Categories.Shopping,
        ["online shopping"] = Categories.Shopping, ["travel"] = Categories.Travel, ["travelling"] = Categories.Travel, ["trips"] = Categories.Travel,
        ["flights"] = Categories.Travel, ["hotels"] = Categories.Travel, ["holidays"] = Categories.Travel, ["vacation"] = Categories.Travel,
        ["cash"] = Categories.Cash, ["atm"] = Categories.Cash, ["withdrawals"] = Categories.Cash, ["health"] = Categories.Health,
        ["pharmacy"] = Categories.Health, ["doctor"] = Categories.Health, ["medical"] = Categories.Health,
        ["income"] = Categories.Income, ["salary"] = Categories.Income, ["paycheck"] = Categories.Income, ["get paid"] = Categories.Income,
        ["got paid"] = Categories.Income, ["been paid"] = Categories.Income, ["wages"] = Categories.Income,
    };

    private static readonly HashSet<string> NotMerchants = new(StringComparer.OrdinalIgnoreCase)
    {
        "all", "my", "the", "me", "this", "last", "a", "an", "it", "them", "average", "least", "most", "home", "work", "once", "savings", "checking",
        "credit", "debit", "you", "someone", "a person", "human",
    };

    // Category words long enough to be recognised misspelt ("grocceries"): a short word one letter off is another word.
    private static readonly string[] TypoCandidates = [.. CategoryWords.Keys.Where(k => k.Length >= 6 && !k.Contains(' '))];

    private static readonly string[] MonthNames = CultureInfo.InvariantCulture.DateTimeFormat.MonthNames[..12];

    // All category words in one pattern, built once: a pattern per word per message overflowed Regex's
    // static cache (15 entries), so every message constructed some thirty regexes again.
    private static readonly Regex CategoryPattern = new(
        $@"\b(?:{string.Join('|', CategoryWords.Keys.OrderByDescending(k => k.Length).Select(Regex.Escape))})\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    /// <param name="merchants">The customer's own merchants, from their history; null when unknown.</param>
    public static Entities Extract(string text, DateTime now, MerchantIndex? merchants = null)
    {
        var period = ExtractPeriod(text, now);
        var months = MonthsPattern().Match(text) is { Success: true } m ? Math.Clamp(int.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture), 1, 60)
            : EndOfYearPattern().IsMatch(text) ? Math.Max(1, 12 - now.Month) // "by the end of the year": what is left of it
            : YearPattern().IsMatch(text) ? 12 : (int?)null;
        var merchant = merchants is { Count: > 0 } ? MerchantMatcher.Find(text, merchants) : null;
        return new Entities(ExtractAmount(text), merchant ?? ExtractMerchant(text, now), ExtractCategory(text), period, months)
        {
            Account = AccountPattern().Match(text) is { Success: true } account ? account.Groups["a"].Value.ToLowerInvariant() switch
            {
                "checking" or "current" => "checking",
                "savings" or "saving" => "savings",
                _ => "credit",
            } : null,
            Sort = LargestPattern().IsMatch(text) ? "largest" : null,
            PeriodBefore = BeforePattern().IsMatch(text),
        };
    }

    /// <summary>The category a message names: the longest category word, or a close misspelling of one ("grocceries").</summary>
    internal static string? ExtractCategory(string text)
    {
        if (CategoryPattern.Matches(text).MaxBy(m => m.Length) is { } word)
        {
            return CategoryWords[word.Value];
        }

        var named = Categories.All.FirstOrDefault(c => Regex.IsMatch(text, $@"\b{c}\b", RegexOptions.IgnoreCase));
        if (named is not null && named != Categories.Other && named != Categories.Transfer)
        {
            return named;
        }

        foreach (var token in Words().Matches(text).Select(t => t.Value.ToLowerInvariant()).Where(t => t.Length >= 6))
        {
            if (TypoCandidates.FirstOrDefault(k => MerchantMatcher.Within(token, k, 2)) is { } close)
            {
                return CategoryWords[close];
            }
        }

        return null;
    }

    internal static decimal? ExtractAmount(string text)
    {
        var match = MoneyPattern().Match(text);
        if (!match.Success)
        {
            match = BareNumberPattern().Matches(text).FirstOrDefault(m => m.Groups["k"].Success || m.Groups["n"].Value.Length >= 2);
        }

        if (match is not { Success: true })
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

    internal static string? ExtractMerchant(string text, DateTime now)
    {
        foreach (Match match in MerchantPattern().Matches(text))
        {
            var name = match.Groups["m"].Value.Trim().TrimEnd('.', ',', '?', '!', '\'');
            var firstWord = name.Split(' ')[0];
            if (name.Length >= 2 && !NotMerchants.Contains(firstWord) && !NotMerchants.Contains(name) && !CategoryWords.ContainsKey(name)
                && !Categories.All.Contains(name, StringComparer.OrdinalIgnoreCase) && !char.IsDigit(name[0]) && name[0] != '$'
                && ExtractPeriod(name, now) is null)
            {
                return name;
            }
        }

        return null;
    }

    public static Period? ExtractPeriod(string text, DateTime now)
    {
        var today = now.Date;
        var monthStart = new DateTime(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        var lower = text.ToLowerInvariant();
        if (RangePattern().Match(lower) is { Success: true } range
            && DateTime.TryParseExact(range.Groups["from"].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var rangeFrom)
            && DateTime.TryParseExact(range.Groups["to"].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var rangeTo)
            && rangeFrom <= rangeTo)
        {
            return Period.Between(rangeFrom, rangeTo);
        }

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

        if (QuarterPattern().Match(lower) is { Success: true } quarter)
        {
            var currentQuarter = ((now.Month - 1) / 3) + 1;
            var (year, q) = quarter.Groups["which"].Value switch
            {
                "this" or "current" => (now.Year, currentQuarter),
                "last" or "previous" => currentQuarter == 1 ? (now.Year - 1, 4) : (now.Year, currentQuarter - 1),
                var word => (0, word switch { "first" or "1" => 1, "second" or "2" => 2, "third" or "3" => 3, _ => 4 }),
            };
            if (year == 0)
            {
                year = quarter.Groups["year"].Success ? int.Parse(quarter.Groups["year"].Value, CultureInfo.InvariantCulture) : q <= currentQuarter ? now.Year : now.Year - 1;
            }

            return Period.Quarter(year, q, now);
        }

        if (NamedMonthPattern().Match(lower) is { Success: true } named)
        {
            var month = Array.FindIndex(MonthNames, n => n.StartsWith(named.Groups["month"].Value[..3], StringComparison.OrdinalIgnoreCase)) + 1;
            var year = named.Groups["year"].Success ? int.Parse(named.Groups["year"].Value, CultureInfo.InvariantCulture)
                : month <= now.Month ? now.Year : now.Year - 1; // "in September" is the last September that has begun
            return Period.Month(year, month, now);
        }

        if (NamedYearPattern().Match(lower) is { Success: true } namedYear)
        {
            return Period.Year(int.Parse(namedYear.Groups["year"].Value, CultureInfo.InvariantCulture), now);
        }

        var weekStart = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
        return lower switch
        {
            _ when lower.Contains("today", StringComparison.Ordinal) => new Period("today", today, now, PeriodUnit.Day),
            _ when lower.Contains("yesterday", StringComparison.Ordinal) => new Period("yesterday", today.AddDays(-1), today.AddTicks(-1), PeriodUnit.Day),
            _ when lower.Contains("this week", StringComparison.Ordinal) => new Period("this week", weekStart, now, PeriodUnit.Week),
            _ when lower.Contains("last week", StringComparison.Ordinal) => new Period("last week", weekStart.AddDays(-7), weekStart.AddTicks(-1), PeriodUnit.Week),
            _ when lower.Contains("this month", StringComparison.Ordinal) => Period.Month(now.Year, now.Month, now),
            _ when lower.Contains("last month", StringComparison.Ordinal) || lower.Contains("previous month", StringComparison.Ordinal)
                => Period.Month(monthStart.AddMonths(-1).Year, monthStart.AddMonths(-1).Month, now),
            _ when lower.Contains("this year", StringComparison.Ordinal) => Period.Year(now.Year, now),
            _ when lower.Contains("last year", StringComparison.Ordinal) => Period.Year(now.Year - 1, now),
            _ => null,
        };
    }

    [GeneratedRegex(@"\$\s?(?<n>\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?)(?<k>\s?k\b)?|(?<n>\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?)(?<k>k\b)?\s?(?:dollars|usd|bucks)\b", RegexOptions.IgnoreCase)]
    private static partial Regex MoneyPattern();

    // "a car for 15000", "2k", "1,200": a bare number (at least two digits or with a k), not a count of months or days,
    // a year, a quarter or the last four digits of a card.
    [GeneratedRegex(@"(?<![\d.,$])(?<!\b(?:q|in|of|since|ending|ending in|card|during)\s?)(?<n>\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?)(?<k>k\b)?(?![\d,]|\s*(?:months?|days?|weeks?|years?|%|transactions?|times))", RegexOptions.IgnoreCase)]
    private static partial Regex BareNumberPattern();

    [GeneratedRegex(@"\b(?:at|from|to|with)\s+(?<m>[A-Za-z0-9'&.\-]+(?:\s+[A-Za-z0-9'&.\-]+){0,2}?)(?=\s+(?:this|last|in|on|during|over|for|since|today|yesterday|recently)\b|[?.!,]|$)", RegexOptions.IgnoreCase)]
    private static partial Regex MerchantPattern();

    [GeneratedRegex(@"\b(?:last|past|previous)\s+(?<n>\d{1,3})\s+(?<unit>days?|weeks?|months?)\b")]
    private static partial Regex LastNPattern();

    [GeneratedRegex(@"\bfrom\s+(?<from>\d{4}-\d{2}-\d{2})\s+to\s+(?<to>\d{4}-\d{2}-\d{2})\b")]
    private static partial Regex RangePattern();

    [GeneratedRegex(@"\b(?:(?<which>this|current|last|previous|first|second|third|fourth)\s+quarter|q(?<which>[1-4]))(?:\s+(?:of\s+)?(?<year>20\d{2}))?\b")]
    private static partial Regex QuarterPattern();

    // "May" only after in/during/for/of/since or before a year: "may I ask" is not a month.
    [GeneratedRegex(@"\b(?:(?:in|during|for|of|since)\s+(?<month>january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\b|(?<month>january|february|march|april|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\b|(?<month>may)(?=\s+20\d{2}))(?:\s+(?<year>20\d{2}))?")]
    private static partial Regex NamedMonthPattern();

    [GeneratedRegex(@"\b(?:in|during|for|of|since)\s+(?<year>20\d{2})\b")]
    private static partial Regex NamedYearPattern();

    // "6 months", or a bare "in 6?" (a forecast's follow-up).
    [GeneratedRegex(@"\b(?<n>\d{1,2})\s*months?\b|^\W*(?:and\s+)?(?:in|for)\s+(?<n>\d{1,2})\W*$", RegexOptions.IgnoreCase)]
    private static partial Regex MonthsPattern();

    [GeneratedRegex(@"\b(a|one) year\b|\byearly\b|\bnext year\b", RegexOptions.IgnoreCase)]
    private static partial Regex YearPattern();

    [GeneratedRegex(@"\bend of (?:the|this) year\b|\byear[- ]end\b", RegexOptions.IgnoreCase)]
    private static partial Regex EndOfYearPattern();

    [GeneratedRegex(@"\b(?<a>checking|current|savings?|credit)(?:\s+(?:account|card))?\b(?!\s+(?:rate|score|goal))", RegexOptions.IgnoreCase)]
    private static partial Regex AccountPattern();

    [GeneratedRegex(@"\b(?:biggest|largest|highest|most expensive|top|priciest)\b", RegexOptions.IgnoreCase)]
    private static partial Regex LargestPattern();

    [GeneratedRegex(@"\b(?:(?:the\s+)?(?:month|week|year|quarter|day|one)\s+before|before that|(?:the\s+)?previous\s+(?:one|period)|a\s+(?:month|week|year)\s+earlier)\b", RegexOptions.IgnoreCase)]
    private static partial Regex BeforePattern();

    [GeneratedRegex(@"[\p{L}']+")]
    private static partial Regex Words();
}
