using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using VirtualBanker.Core.Tools;

namespace VirtualBanker.Core.Actions;

/// <summary>
/// The gate in front of every action tool. The function-invocation layer already asks for approval instead of running
/// an <see cref="ApprovalRequiredAIFunction"/>; this makes that rule independent of any model or library behaviour: the
/// action runs only for the confirmation the customer approved in this run, for the very call it approved (same call
/// id, same arguments), and once.
/// </summary>
internal sealed class ConfirmedAction(AIFunction inner, ToolRun run) : DelegatingAIFunction(inner)
{
    protected override ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        var approved = run.Approved;
        var call = FunctionInvokingChatClient.CurrentContext?.CallContent;
        if (approved is not { Status: ConfirmationStatus.Approved or ConfirmationStatus.Executed } || approved.Action != Name
            || call?.CallId != approved.CallId || !SameArguments(approved.Arguments, arguments))
        {
            throw new ActionNotConfirmedException(Name);
        }

        run.Approved = null; // one approval, one run of the action
        run.Executed = approved;
        return base.InvokeCoreAsync(arguments, cancellationToken);
    }

    internal static string Serialize(IEnumerable<KeyValuePair<string, object?>> arguments) =>
        JsonSerializer.Serialize(arguments.OrderBy(a => a.Key, StringComparer.Ordinal).ToDictionary(a => a.Key, a => a.Value), ToolRegistry.SerializerOptions);

    private static bool SameArguments(string approved, AIFunctionArguments arguments) =>
        JsonNode.DeepEquals(JsonNode.Parse(approved), JsonNode.Parse(Serialize(arguments)));
}

/// <summary>An action tool was called without the customer's confirmation for that call.</summary>
public sealed class ActionNotConfirmedException(string action) : InvalidOperationException($"The action {action} needs the customer's confirmation.");
