namespace VirtualBanker.Core.Agents.Builtin;

/// <summary>What the builtin assistant does for an intent: exactly one of these.</summary>
public enum IntentKind
{
    /// <summary>Runs a read tool and answers from its result.</summary>
    Tool,

    /// <summary>Proposes an action the customer confirms (cards, transfers, fraud verdicts, disputes).</summary>
    Action,

    /// <summary>Answers from the tenant's knowledge base, citing the article.</summary>
    Knowledge,

    /// <summary>Hands the conversation to the bank's staff (a ticket with a subject and priority).</summary>
    Handoff,

    /// <summary>Says honestly that this can't be done here, and what the customer can do instead.</summary>
    Unsupported,

    /// <summary>Greetings, thanks, goodbyes, help and corrections: fixed answers.</summary>
    SmallTalk,
}

/// <param name="Target">The tool of a Tool or Action; the answer of an Unsupported intent.</param>
public sealed record IntentRoute(string Intent, IntentKind Kind, string? Target, string? TicketSubject, string? Priority);

/// <summary>
/// The map from every intent the classifier knows to what the assistant does (<c>intent-map.csv</c>, documented in the
/// README). Data, not code: a bank can read it, and a test checks it covers every intent exactly once.
/// </summary>
public static class IntentMap
{
    private static readonly Lazy<IReadOnlyDictionary<string, IntentRoute>> Routes = new(Load);

    public static IReadOnlyDictionary<string, IntentRoute> All => Routes.Value;

    public static IntentRoute For(string intent) => Routes.Value.GetValueOrDefault(intent) ?? Routes.Value["out_of_scope"];

    private static Dictionary<string, IntentRoute> Load()
    {
        using var stream = IntentClassifier.OpenResource("VirtualBanker.IntentMap.csv");
        var routes = new Dictionary<string, IntentRoute>(StringComparer.Ordinal);
        foreach (var row in IntentClassifier.ReadRows(stream).Skip(1))
        {
            var field = (int i) => i < row.Count && row[i].Trim().Length > 0 ? row[i].Trim() : null;
            var kind = Enum.Parse<IntentKind>(row[1], ignoreCase: true);
            routes.Add(row[0].Trim(), new IntentRoute(row[0].Trim(), kind, field(2), field(3), field(4)));
        }

        return routes;
    }
}
