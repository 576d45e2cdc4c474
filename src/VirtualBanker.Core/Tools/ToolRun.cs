using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using VirtualBanker.Core.Actions;

namespace VirtualBanker.Core.Tools;

/// <summary>
/// What one agent run's tools act for: the session's customer, the channel, and the confirmation the customer gave
/// in this run, if any. The shared tool functions find it in their arguments' context and create their method's
/// instance from it (once per run and type), with the run's services.
/// </summary>
public sealed class ToolRun(IServiceProvider services, Guid userId, string sessionId, string channel)
{
    // Constructor look-ups compiled once per type, not reflected over per run.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, ObjectFactory> Factories = new();

    private readonly Dictionary<Type, object> _targets = [];

    public Guid UserId { get; } = userId;
    public string SessionId { get; } = sessionId;

    /// <summary>Where the customer spoke (websocket, http, ...), written in the audit of every action.</summary>
    public string Channel { get; } = channel;

    /// <summary>The action the customer approved for this run; an action tool runs only for it, once (see <see cref="ConfirmedAction"/>).</summary>
    public Confirmation? Approved { get; set; }

    /// <summary>The confirmation whose action ran in this run.</summary>
    public Confirmation? Executed { get; set; }

    /// <summary>
    /// Who acts for whom in the action running now: the customer, over the run's channel, under the confirmation's id as
    /// idempotency key, so a run redelivered after a crash replays the action's first result instead of acting twice.
    /// </summary>
    internal ActionContext ActionContext() => new(UserId, UserId, Channel, Executed?.Id.ToString()) { SessionId = SessionId };

    // One index per load of a customer's data (cached for a minute), not one per message.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Insights.FinancialData, Agents.Builtin.MerchantIndex> MerchantIndexes = [];

    /// <summary>The merchants in the customer's recent history, for the builtin assistant to recognise ("netflx" is Netflix).</summary>
    public async Task<Agents.Builtin.MerchantIndex> MerchantsAsync(CancellationToken cancellationToken)
    {
        var data = await services.GetRequiredService<Banking.CustomerDataService>().LoadRecentAsync(UserId, cancellationToken);
        return MerchantIndexes.GetValue(data, d => Agents.Builtin.MerchantIndex.Of(d.Transactions.Select(t => t.Merchant)));
    }

    internal object Target(Type type)
    {
        lock (_targets)
        {
            if (!_targets.TryGetValue(type, out var target))
            {
                _targets[type] = target = Factories.GetOrAdd(type, t => ActivatorUtilities.CreateFactory(t, [typeof(ToolRun)]))(services, [this]);
            }

            return target;
        }
    }

    internal static ToolRun Of(AIFunctionArguments arguments) =>
        arguments.Context?.TryGetValue(typeof(ToolRun), out var run) == true && run is ToolRun toolRun
            ? toolRun
            : throw new InvalidOperationException("A tool was invoked outside an agent run.");
}
