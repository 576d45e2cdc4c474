using System.ComponentModel;
using VirtualBanker.Core.Tools;

namespace VirtualBanker.Core.Staff;

/// <summary>Where the customer stands after asking for a person: waiting (and their place in the queue) or already being served.</summary>
public sealed record HandoffResult(string Status, int Position, string? StaffName, string Reason);

/// <summary>The handoff tool of an agent run (listed in <see cref="ToolRegistry"/>): it puts the run's conversation in the staff queue.</summary>
public sealed class HandoffTools(StaffQueue queue, ToolRun run)
{
    [Description("Hand the conversation to a person on the bank's staff, when the customer asks for one or cannot be helped here. They join this conversation.")]
    public async Task<HandoffResult> HandoffToHumanAsync(
        [Description("'customer_request' when the customer asked for a person, 'not_understood' when the assistant could not understand them")] string reason = HandoffReasons.CustomerRequest,
        CancellationToken cancellationToken = default)
    {
        var why = reason == HandoffReasons.NotUnderstood ? reason : HandoffReasons.CustomerRequest;
        var (item, position) = await queue.RequestAsync(run.UserId, run.SessionId, why, run.Channel, HandoffPriorities.Normal, cancellationToken);
        return new HandoffResult(item.Status, position, item.ClaimedBy?.Name, item.Reason);
    }
}
