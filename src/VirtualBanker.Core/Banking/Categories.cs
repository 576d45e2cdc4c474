namespace VirtualBanker.Core.Banking;

/// <summary>The transaction categories and the merchant rules that assign them at ingest.</summary>
public static class Categories
{
    public const string Income = "Income";
    public const string Housing = "Housing";
    public const string Utilities = "Utilities";
    public const string Groceries = "Groceries";
    public const string Dining = "Dining";
    public const string Transport = "Transport";
    public const string Shopping = "Shopping";
    public const string Subscriptions = "Subscriptions";
    public const string Travel = "Travel";
    public const string Cash = "Cash";
    public const string Health = "Health";
    public const string Transfer = "Transfer";
    public const string Other = "Other";

    public static readonly IReadOnlyList<string> All =
        [Income, Housing, Utilities, Groceries, Dining, Transport, Shopping, Subscriptions, Travel, Cash, Health, Transfer, Other];

    /// <summary>Spending a customer chooses, as opposed to fixed costs.</summary>
    public static readonly IReadOnlySet<string> Discretionary = new HashSet<string>([Dining, Shopping, Travel]);

    // First match wins; matched against the lower-cased merchant name.
    private static readonly (string Category, string[] Keywords)[] Rules =
    [
        (Transfer, ["transfer", "card payment", "payment received", "zelle to self"]),
        (Income, ["payroll", "salary", "interest", "dividend", "refund", "direct deposit"]),
        (Housing, ["apartments", "rent", "mortgage", "property management", "hoa"]),
        (Utilities, ["power", "electric", "water", "comcast", "verizon", "at&t", "t-mobile", "internet", "gas co"]),
        (Subscriptions, ["netflix", "spotify", "icloud", "hulu", "disney+", "youtube premium", "fitness", "gym", "prime membership"]),
        (Groceries, ["whole foods", "trader joe", "safeway", "kroger", "aldi", "costco", "grocery", "market"]),
        (Dining, ["starbucks", "chipotle", "restaurant", "cafe", "coffee", "olive garden", "sweetgreen", "mcdonald", "pizza", "grill", "bar "]),
        (Transport, ["uber", "lyft", "shell", "chevron", "exxon", "bp ", "metro", "transit", "parking"]),
        (Travel, ["airline", "air lines", "airways", "hotel", "marriott", "hilton", "airbnb", "expedia", "booking.com"]),
        (Cash, ["atm", "cash"]),
        (Health, ["pharmacy", "cvs", "walgreens", "clinic", "dental", "hospital"]),
        (Shopping, ["amazon", "target", "walmart", "best buy", "store", "mall", "shop", "apple", "watches", "gift card"]),
    ];

    /// <summary>The category for a merchant: a known category the caller gave, else the first matching rule, else Other.</summary>
    public static string Categorize(string merchant, string? given = null)
    {
        if (given is not null && All.FirstOrDefault(c => c.Equals(given.Trim(), StringComparison.OrdinalIgnoreCase)) is { } known)
        {
            return known;
        }

        var name = merchant.ToLowerInvariant();
        foreach (var (category, keywords) in Rules)
        {
            if (keywords.Any(k => name.Contains(k, StringComparison.Ordinal)))
            {
                return category;
            }
        }

        return Other;
    }
}
