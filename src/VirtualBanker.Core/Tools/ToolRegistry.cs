using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.AI;
using VirtualBanker.Core.Actions;

namespace VirtualBanker.Core.Tools;

/// <summary>The tools' names as the contracts, tenant settings, capsules and the builtin assistant spell them.</summary>
public static class ToolNames
{
    public const string GetBalances = "get_balances";
    public const string GetAccountStatus = "get_account_status";
    public const string SearchTransactions = "search_transactions";
    public const string SpendingSummary = "spending_summary";
    public const string SavingsRate = "savings_rate";
    public const string HealthScore = "health_score";
    public const string Forecast = "forecast";
    public const string FraudAlerts = "fraud_alerts";
    public const string SimulatePurchase = "simulate_purchase";
    public const string CreateTicket = "create_ticket";
    public const string ListTickets = "list_tickets";
    public const string HandoffToHuman = "handoff_to_human";
    public const string SearchFaq = "search_faq";
    public const string ListCards = "list_cards";
    public const string FreezeCard = "freeze_card";
    public const string UnfreezeCard = "unfreeze_card";
    public const string ReportLostCard = "report_lost_card";
    public const string TransferFunds = "transfer_funds";
    public const string PayCreditCard = "pay_credit_card";
    public const string ResolveFraudAlert = "resolve_fraud_alert";
    public const string OpenDispute = "open_dispute";
}

/// <summary>
/// One tool: its name, the capsule that ships it, the Core method behind it, and whether it is an action (it
/// changes the customer's money or cards, so it runs only after the customer confirmed it). The AI function is
/// built once, from the method, and shared by every run; a run binds it to its own customer (<see cref="ToolRegistry.Bind"/>).
/// </summary>
public sealed class ToolDefinition
{
    private readonly Lazy<AIFunction> _function;

    internal ToolDefinition(string name, string capsule, MethodInfo method, bool isAction)
    {
        Name = name;
        Capsule = capsule;
        IsAction = isAction;
        Method = method;
        ResultType = method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(Task<>)
            ? method.ReturnType.GetGenericArguments()[0]
            : method.ReturnType;
        // Built at the first agent run, not when the list is first read (settings validation, the seed): a server that
        // answers no chat (or not yet) holds no schemas.
        _function = new(() =>
        {
            var options = new AIFunctionFactoryOptions { Name = name, SerializerOptions = ToolRegistry.SerializerOptions };
            return method.IsStatic
                ? AIFunctionFactory.Create(method, target: null, options)
                : AIFunctionFactory.Create(method, arguments => ToolRun.Of(arguments).Target(method.DeclaringType!), options);
        });
    }

    public string Name { get; }
    public string Capsule { get; }
    public bool IsAction { get; }
    public MethodInfo Method { get; }

    /// <summary>The record the tool returns: what the builtin assistant reads its answers from.</summary>
    public Type ResultType { get; }

    internal AIFunction Function => _function.Value;
}

/// <summary>
/// Every tool the platform ships, in one list that the capsules, tenant and agent settings, the agent runner and
/// the builtin assistant all read.
/// </summary>
public static class ToolRegistry
{
    public const string BankingCapsule = "banking";
    public const string TicketingCapsule = "ticketing";
    public const string KnowledgeCapsule = "knowledge-base";
    public const string CardsCapsule = "cards";
    public const string PaymentsCapsule = "payments";
    public const string DisputesCapsule = "disputes";

    public static readonly JsonSerializerOptions SerializerOptions = new(AIJsonUtilities.DefaultOptions) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static readonly IReadOnlyList<ToolDefinition> All =
    [
        Read(ToolNames.GetAccountStatus, BankingCapsule, nameof(BankingTools.GetAccountStatusAsync)),
        Read(ToolNames.GetBalances, BankingCapsule, nameof(BankingTools.GetBalancesAsync)),
        Read(ToolNames.SearchTransactions, BankingCapsule, nameof(BankingTools.SearchTransactionsAsync)),
        Read(ToolNames.SpendingSummary, BankingCapsule, nameof(BankingTools.SpendingSummaryAsync)),
        Read(ToolNames.SavingsRate, BankingCapsule, nameof(BankingTools.SavingsRateAsync)),
        Read(ToolNames.HealthScore, BankingCapsule, nameof(BankingTools.HealthScoreAsync)),
        Read(ToolNames.Forecast, BankingCapsule, nameof(BankingTools.ForecastAsync)),
        Read(ToolNames.FraudAlerts, BankingCapsule, nameof(BankingTools.FraudAlertsAsync)),
        Read(ToolNames.SimulatePurchase, BankingCapsule, nameof(BankingTools.SimulatePurchaseAsync)),
        Read(ToolNames.CreateTicket, TicketingCapsule, nameof(BankingTools.CreateTicketAsync)),
        Read(ToolNames.ListTickets, TicketingCapsule, nameof(BankingTools.ListTicketsAsync)),
        new(ToolNames.HandoffToHuman, TicketingCapsule, Method<Staff.HandoffTools>(nameof(Staff.HandoffTools.HandoffToHumanAsync)), isAction: false),
        Read(ToolNames.SearchFaq, KnowledgeCapsule, nameof(BankingTools.SearchFaqAsync)),
        new(ToolNames.ListCards, CardsCapsule, Method<CardTools>(nameof(CardTools.ListCardsAsync)), isAction: false),
        new(ToolNames.FreezeCard, CardsCapsule, Method<CardTools>(nameof(CardTools.FreezeCardAsync)), isAction: true),
        new(ToolNames.UnfreezeCard, CardsCapsule, Method<CardTools>(nameof(CardTools.UnfreezeCardAsync)), isAction: true),
        new(ToolNames.ReportLostCard, CardsCapsule, Method<CardTools>(nameof(CardTools.ReportLostCardAsync)), isAction: true),
        new(ToolNames.TransferFunds, PaymentsCapsule, Method<TransferTools>(nameof(TransferTools.TransferFundsAsync)), isAction: true),
        new(ToolNames.PayCreditCard, PaymentsCapsule, Method<TransferTools>(nameof(TransferTools.PayCreditCardAsync)), isAction: true),
        new(ToolNames.ResolveFraudAlert, DisputesCapsule, Method<DisputeTools>(nameof(DisputeTools.ResolveFraudAlertAsync)), isAction: true),
        new(ToolNames.OpenDispute, DisputesCapsule, Method<DisputeTools>(nameof(DisputeTools.OpenDisputeAsync)), isAction: true),
    ];

    public static readonly FrozenDictionary<string, ToolDefinition> ByName = All.ToFrozenDictionary(t => t.Name, StringComparer.Ordinal);

    public static readonly IReadOnlySet<string> Names = All.Select(t => t.Name).ToFrozenSet(StringComparer.Ordinal);

    /// <summary>
    /// The tools of <paramref name="allowed"/> bound to one run's customer. Actions are marked as needing approval, so the
    /// function-invocation layer asks for it instead of running them, and are gated on the confirmation the run carries.
    /// </summary>
    public static IReadOnlyList<AITool> Bind(IReadOnlySet<string> allowed, ToolRun run)
    {
        var tools = new List<AITool>(allowed.Count);
        foreach (var tool in All)
        {
            if (allowed.Contains(tool.Name))
            {
                var bound = new BoundFunction(tool.Function, run);
                tools.Add(tool.IsAction ? new ApprovalRequiredAIFunction(new ConfirmedAction(bound, run)) : bound);
            }
        }

        return tools;
    }

    /// <summary>A tool's JSON result as the record its method returns, or null when it is not one.</summary>
    public static object? ReadResult(string toolName, object? result)
    {
        if (!ByName.TryGetValue(toolName, out var tool))
        {
            return null;
        }

        try
        {
            return result switch
            {
                JsonElement json => json.Deserialize(tool.ResultType, SerializerOptions),
                not null when tool.ResultType.IsInstanceOfType(result) => result,
                _ => null,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static ToolDefinition Read(string name, string capsule, string method) => new(name, capsule, Method<BankingTools>(method), isAction: false);

    private static MethodInfo Method<T>(string name) => typeof(T).GetMethod(name) ?? throw new InvalidOperationException($"No tool method {name}.");

    /// <summary>A shared function with the run it serves put in its arguments' context, where the method's instance comes from.</summary>
    private sealed class BoundFunction(AIFunction inner, ToolRun run) : DelegatingAIFunction(inner)
    {
        protected override ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
        {
            arguments.Context ??= new Dictionary<object, object?>();
            arguments.Context[typeof(ToolRun)] = run;
            return base.InvokeCoreAsync(arguments, cancellationToken);
        }
    }
}
