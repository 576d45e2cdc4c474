namespace VirtualBanker.Core.Actions;

/// <summary>
/// What an action proposes before it runs: a summary in plain words for the customer to confirm, with the arguments
/// made exact (the card's id, not "my credit card"); or the reason it cannot be proposed ("which card?").
/// </summary>
public sealed record ActionProposal(string? Summary, string? Problem, IDictionary<string, object?> Arguments)
{
    public static ActionProposal Ask(string summary, IDictionary<string, object?> arguments) => new(summary, null, arguments);

    public static ActionProposal Refused(string problem) => new(null, problem, new Dictionary<string, object?>());
}

/// <summary>A class of action tools: it describes a proposed call of one of its actions before the customer confirms it.</summary>
public interface IActionTool
{
    Task<ActionProposal> ProposeAsync(string action, IDictionary<string, object?> arguments, CancellationToken cancellationToken);
}
