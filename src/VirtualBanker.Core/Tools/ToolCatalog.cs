using VirtualBanker.Core.Agents;

namespace VirtualBanker.Core.Tools;

/// <summary>
/// The capsules (tool packs) that group the tools of <see cref="ToolRegistry"/>. Installing a capsule adds its tools
/// to a tenant's allowed set (contract 002 <c>/v1/capsules</c>).
/// </summary>
public static class ToolCatalog
{
    public static readonly IReadOnlyList<Capsule> Capsules =
    [
        Pack(ToolRegistry.BankingCapsule, "Banking",
            "Balances, account status, transaction search, spending, savings rate, health score, forecasts, fraud alerts and purchase simulation over the customer's own data."),
        Pack(ToolRegistry.TicketingCapsule, "Ticketing", "Open support tickets for a human agent, follow their status, and hand the conversation to the bank's staff."),
        Pack(ToolRegistry.KnowledgeCapsule, "Knowledge base (FAQ)", "Answers to frequent questions about cards, transfers, limits, fees and disputes."),
        Pack(ToolRegistry.CardsCapsule, "Cards",
            "The customer's cards: list them, freeze and unfreeze one, report one lost or stolen. Every action runs only after the customer confirms it."),
        Pack(ToolRegistry.DisputesCapsule, "Disputes and fraud",
            "The customer's verdict on suspicious payments (confirmed fraud freezes the card and opens a dispute) and disputes of payments. Runs only after the customer confirms."),
        Pack(ToolRegistry.PaymentsCapsule, "Payments",
            "Transfers between the customer's accounts, payments to saved payees, and paying the credit card. Every payment runs only after the customer confirms it."),
    ];

    public static IReadOnlySet<string> ToolNames => ToolRegistry.Names;

    private static Capsule Pack(string id, string name, string description) => new()
    {
        Id = id,
        Name = name,
        Description = description,
        Version = "1.0.0",
        Tools = [.. ToolRegistry.All.Where(t => t.Capsule == id).Select(t => t.Name)],
    };
}
