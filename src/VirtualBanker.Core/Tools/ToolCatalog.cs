using VirtualBanker.Core.Agents;

namespace VirtualBanker.Core.Tools;

/// <summary>
/// Every tool the platform ships and the capsules (tool packs) that group them. Installing a capsule
/// adds its tools to a tenant's allowed set (contract 002 <c>/v1/capsules</c>).
/// </summary>
public static class ToolCatalog
{
    public static readonly IReadOnlyList<Capsule> Capsules =
    [
        new()
        {
            Id = "banking",
            Name = "Banking",
            Description = "Balances, account status, transaction search, spending, savings rate, health score, forecasts, fraud alerts and purchase simulation over the customer's own data.",
            Version = "1.0.0",
            Tools = ["get_account_status", "get_balances", "search_transactions", "spending_summary", "savings_rate", "health_score", "forecast", "fraud_alerts", "simulate_purchase"],
        },
        new()
        {
            Id = "ticketing",
            Name = "Ticketing",
            Description = "Open support tickets for a human agent and follow their status.",
            Version = "1.0.0",
            Tools = ["create_ticket", "list_tickets"],
        },
        new()
        {
            Id = "knowledge-base",
            Name = "Knowledge base (FAQ)",
            Description = "Answers to frequent questions about cards, transfers, limits, fees and disputes.",
            Version = "1.0.0",
            Tools = ["search_faq"],
        },
    ];

    public static readonly IReadOnlySet<string> ToolNames = Capsules.SelectMany(c => c.Tools).ToHashSet(StringComparer.Ordinal);
}
