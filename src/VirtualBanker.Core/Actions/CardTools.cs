using System.ComponentModel;
using VirtualBanker.Core.Tools;

namespace VirtualBanker.Core.Actions;

public sealed record CardsResult(IReadOnlyList<CardItem> Cards);

public sealed record CardItem(string Id, string Card, string Status);

public sealed record CardActionResult(string Action, string Card, string Status, string? Replacement = null);

/// <summary>
/// The card tools of an agent run (listed in <see cref="ToolRegistry"/>). The actions run only for a confirmation
/// the customer gave (<see cref="ConfirmedAction"/>); <see cref="ProposeAsync"/> says, before that, which card
/// an action would touch, in words the customer confirms.
/// </summary>
public sealed class CardTools(CardService cards, ToolRun run) : IActionTool
{
    [Description("The customer's payment cards and their status (active, frozen, lost, stolen).")]
    public async Task<CardsResult> ListCardsAsync(CancellationToken cancellationToken = default) =>
        new([.. (await cards.ListAsync(run.UserId, cancellationToken)).Select(c => new CardItem(c.Id.ToString(), c.Label, Status(c.Status)))]);

    [Description("Freeze (temporarily lock) one of the customer's cards. Runs only after the customer confirms.")]
    public async Task<CardActionResult> FreezeCardAsync(
        [Description("Which card: its id, its last four digits, or 'debit' or 'credit'")] string? card = null, CancellationToken cancellationToken = default)
    {
        var chosen = await ResolveAsync(ToolNames.FreezeCard, card, cancellationToken);
        var view = await cards.FreezeAsync(run.ActionContext(), chosen.Id, cancellationToken);
        return new CardActionResult("frozen", chosen.Label, view.Status);
    }

    [Description("Unfreeze a frozen card of the customer's. Runs only after the customer confirms.")]
    public async Task<CardActionResult> UnfreezeCardAsync(
        [Description("Which card: its id, its last four digits, or 'debit' or 'credit'")] string? card = null, CancellationToken cancellationToken = default)
    {
        var chosen = await ResolveAsync(ToolNames.UnfreezeCard, card, cancellationToken);
        var view = await cards.UnfreezeAsync(run.ActionContext(), chosen.Id, cancellationToken);
        return new CardActionResult("unfrozen", chosen.Label, view.Status);
    }

    [Description("Report one of the customer's cards lost or stolen: it is blocked at once and a replacement is issued. Runs only after the customer confirms.")]
    public async Task<CardActionResult> ReportLostCardAsync(
        [Description("Which card: its id, its last four digits, or 'debit' or 'credit'")] string? card = null,
        [Description("True when the card was stolen rather than lost")] bool stolen = false,
        CancellationToken cancellationToken = default)
    {
        var chosen = await ResolveAsync(ToolNames.ReportLostCard, card, cancellationToken);
        var result = await cards.ReportLostAsync(run.ActionContext(), chosen.Id, stolen, cancellationToken);
        return new CardActionResult(stolen ? "reported_stolen" : "reported_lost", chosen.Label, result.Card.Status, $"{result.Replacement.Type} card ending {result.Replacement.Last4}");
    }

    public async Task<ActionProposal> ProposeAsync(string action, IDictionary<string, object?> arguments, CancellationToken cancellationToken)
    {
        var hint = arguments.TryGetValue("card", out var value) ? value?.ToString() : null;
        var candidates = Candidates(action, await cards.ListAsync(run.UserId, cancellationToken), hint);
        if (candidates.Count != 1)
        {
            return ActionProposal.Refused(Problem(action, candidates, hint));
        }

        var card = candidates[0];
        var stolen = arguments.TryGetValue("stolen", out var s) && string.Equals(s?.ToString(), "true", StringComparison.OrdinalIgnoreCase);
        var normalized = new Dictionary<string, object?> { ["card"] = card.Id.ToString() };
        if (action == ToolNames.ReportLostCard)
        {
            normalized["stolen"] = stolen;
        }

        return ActionProposal.Ask(action switch
        {
            ToolNames.FreezeCard => $"Freeze your {card.Label}: new payments with it will be declined until you unfreeze it",
            ToolNames.UnfreezeCard => $"Unfreeze your {card.Label}: it can be used for payments again",
            _ => $"Report your {card.Label} {(stolen ? "stolen" : "lost")}: it will be blocked for good and a replacement card issued",
        }, normalized);
    }

    private async Task<Card> ResolveAsync(string action, string? hint, CancellationToken cancellationToken)
    {
        var candidates = Candidates(action, await cards.ListAsync(run.UserId, cancellationToken), hint);
        return candidates.Count == 1 ? candidates[0] : throw new Errors.AppException(Errors.AppError.Validation("card", Problem(action, candidates, hint)));
    }

    /// <summary>The cards the action can apply to that match the customer's words (an id, last four digits, "debit" or "credit").</summary>
    private static List<Card> Candidates(string action, List<Card> all, string? hint)
    {
        var usable = all.Where(c => action switch
        {
            ToolNames.FreezeCard => c.Status == CardStatus.Active,
            ToolNames.UnfreezeCard => c.Status == CardStatus.Frozen,
            _ => c.Status is CardStatus.Active or CardStatus.Frozen,
        }).ToList();
        if (string.IsNullOrWhiteSpace(hint))
        {
            return usable;
        }

        hint = hint.Trim();
        if (Guid.TryParse(hint, out var id))
        {
            return [.. usable.Where(c => c.Id == id)];
        }

        var byDigits = usable.Where(c => hint.Contains(c.Last4, StringComparison.Ordinal)).ToList();
        if (byDigits.Count > 0)
        {
            return byDigits;
        }

        var wantsCredit = hint.Contains("credit", StringComparison.OrdinalIgnoreCase);
        var wantsDebit = hint.Contains("debit", StringComparison.OrdinalIgnoreCase);
        return wantsCredit == wantsDebit ? usable : [.. usable.Where(c => c.Type == (wantsCredit ? CardType.Credit : CardType.Debit))];
    }

    private static string Problem(string action, List<Card> candidates, string? hint) => candidates.Count switch
    {
        0 when action == ToolNames.UnfreezeCard => "None of your cards is frozen, so there is nothing to unfreeze.",
        0 when !string.IsNullOrWhiteSpace(hint) => $"I couldn't find a card matching \"{hint}\" that can be {Verb(action)}.",
        0 => $"You have no card that can be {Verb(action)}.",
        _ => $"Which card should be {Verb(action)}: " + string.Join(" or ", candidates.Select(c => $"your {c.Label}")) + "?",
    };

    private static string Verb(string action) => action switch
    {
        ToolNames.FreezeCard => "frozen",
        ToolNames.UnfreezeCard => "unfrozen",
        _ => "reported lost",
    };

    private static string Status(CardStatus status) => status.ToString().ToLowerInvariant();
}
