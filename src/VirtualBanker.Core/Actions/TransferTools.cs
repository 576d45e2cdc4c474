using System.ComponentModel;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using VirtualBanker.Core.Banking;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Tools;

namespace VirtualBanker.Core.Actions;

public sealed record TransferToolResult(string Action, decimal Amount, string From, string To, IReadOnlyList<AccountBalanceView> Balances);

/// <summary>
/// The money tools of an agent run (listed in <see cref="ToolRegistry"/>): transfers between the customer's accounts or
/// to a payee, and paying the credit card. They run only for a confirmation the customer gave (<see cref="ConfirmedAction"/>);
/// <see cref="ProposeAsync"/> first turns the customer's words ("savings", "my card", "Jamie") into exact accounts.
/// </summary>
public sealed class TransferTools(TransferService transfers, VirtualBankerDbContext db, ToolRun run) : IActionTool
{
    [Description("Move money from one of the customer's accounts to another of theirs or to a saved payee. Runs only after the customer confirms.")]
    public async Task<TransferToolResult> TransferFundsAsync(
        [Description("Amount in currency units")] decimal amount,
        [Description("Account to take it from: its id, or 'checking', 'savings', 'credit card'")] string? from = null,
        [Description("Where it goes: an account (id or type) or a saved payee's name")] string? to = null,
        [Description("A note for the statement")] string? memo = null,
        CancellationToken cancellationToken = default)
    {
        var plan = await PlanAsync(ToolNames.TransferFunds, amount, from, to, cancellationToken);
        return await RunAsync(plan, memo, cancellationToken);
    }

    [Description("Pay the customer's credit card from another of their accounts (by default what it owes, from checking). Runs only after the customer confirms.")]
    public async Task<TransferToolResult> PayCreditCardAsync(
        [Description("Amount in currency units; by default what the card owes")] decimal? amount = null,
        [Description("Account to pay from: its id, or 'checking', 'savings'")] string? from = null,
        CancellationToken cancellationToken = default)
    {
        var plan = await PlanAsync(ToolNames.PayCreditCard, amount, from, "credit card", cancellationToken);
        return await RunAsync(plan, "Credit card payment", cancellationToken);
    }

    public async Task<ActionProposal> ProposeAsync(string action, IDictionary<string, object?> arguments, CancellationToken cancellationToken)
    {
        var amount = Decimal(arguments.TryGetValue("amount", out var a) ? a : null);
        var from = arguments.TryGetValue("from", out var f) ? f?.ToString() : null;
        var to = action == ToolNames.PayCreditCard ? "credit card" : arguments.TryGetValue("to", out var t) ? t?.ToString() : null;
        try
        {
            var plan = await PlanAsync(action, amount, from, to, cancellationToken);
            var exact = new Dictionary<string, object?> { ["amount"] = plan.Amount, ["from"] = plan.From.Id.ToString() };
            if (action == ToolNames.TransferFunds)
            {
                exact["to"] = (plan.To?.Id ?? plan.Payee!.Id).ToString();
            }

            return ActionProposal.Ask(action == ToolNames.PayCreditCard
                ? $"Pay {Money(plan.Amount, plan.From.Currency)} to your {plan.ToName} from {plan.From.Name}"
                : $"Move {Money(plan.Amount, plan.From.Currency)} from {plan.From.Name} to {plan.ToName}", exact);
        }
        catch (Errors.AppException ex)
        {
            return ActionProposal.Refused(ex.Error.Message);
        }
    }

    private sealed record Plan(decimal Amount, Account From, Account? To, Payee? Payee)
    {
        public string ToName => To?.Name ?? Payee!.Name;
    }

    private async Task<TransferToolResult> RunAsync(Plan plan, string? memo, CancellationToken cancellationToken)
    {
        var result = await transfers.TransferAsync(run.ActionContext(),
            new TransferRequest(plan.From.Id, plan.To?.Id, plan.Payee?.Id, (long)Math.Round(plan.Amount * 100m), memo), cancellationToken);
        return new TransferToolResult(plan.To?.Type == AccountType.Credit ? "card_paid" : "moved", plan.Amount, plan.From.Name, plan.ToName, result.Balances);
    }

    /// <summary>The customer's words made exact; what is missing or ambiguous is a question back (an AppException with it).</summary>
    private async Task<Plan> PlanAsync(string action, decimal? amount, string? from, string? to, CancellationToken cancellationToken)
    {
        var accounts = await db.Accounts.AsNoTracking().Where(a => a.UserId == run.UserId).OrderBy(a => a.Type).ToListAsync(cancellationToken);
        var payees = await db.Payees.AsNoTracking().Where(p => p.UserId == run.UserId).ToListAsync(cancellationToken);
        var target = Find(accounts, to);
        var payee = target is null && !string.IsNullOrWhiteSpace(to) ? payees.FirstOrDefault(p => Matches(p.Id, p.Name, to)) : null;
        if (target is null && payee is null)
        {
            throw Ask(string.IsNullOrWhiteSpace(to)
                ? $"Where should the money go? Your accounts: {string.Join(", ", accounts.Select(a => a.Name))}" + (payees.Count > 0 ? $"; or a saved payee: {string.Join(", ", payees.Select(p => p.Name))}." : ".")
                : $"I couldn't find an account or saved payee called \"{to}\".");
        }

        var source = Find(accounts, from) ?? (string.IsNullOrWhiteSpace(from) ? accounts.FirstOrDefault(a => a.Type == AccountType.Checking && a.Id != target?.Id) : null)
            ?? throw Ask($"Which account should the money come from? {string.Join(", ", accounts.Where(a => a.Id != target?.Id).Select(a => a.Name))}.");
        if (amount is null && action == ToolNames.PayCreditCard && target is { BalanceMinor: < 0 })
        {
            amount = -target.BalanceMinor / 100m;
        }

        if (amount is not > 0)
        {
            throw Ask(action == ToolNames.PayCreditCard ? "Your credit card owes nothing right now." : "How much should I move? For example \"move $200 to savings\".");
        }

        return new Plan(decimal.Round(amount.Value, 2), source, target, payee);
    }

    private static Account? Find(List<Account> accounts, string? words)
    {
        if (string.IsNullOrWhiteSpace(words))
        {
            return null;
        }

        var type = words.Contains("saving", StringComparison.OrdinalIgnoreCase) ? AccountType.Savings
            : words.Contains("credit", StringComparison.OrdinalIgnoreCase) || words.Contains("card", StringComparison.OrdinalIgnoreCase) ? AccountType.Credit
            : words.Contains("checking", StringComparison.OrdinalIgnoreCase) || words.Contains("current", StringComparison.OrdinalIgnoreCase) ? AccountType.Checking
            : (AccountType?)null;
        return accounts.FirstOrDefault(a => Matches(a.Id, a.Name, words)) ?? (type is { } t ? accounts.FirstOrDefault(a => a.Type == t) : null);
    }

    private static bool Matches(Guid id, string name, string words) =>
        Guid.TryParse(words, out var asked) ? asked == id : name.Contains(words.Trim(), StringComparison.OrdinalIgnoreCase);

    private static decimal? Decimal(object? value) => value switch
    {
        decimal d => d,
        double d => (decimal)d,
        long l => l,
        int i => i,
        System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Number } json => json.GetDecimal(),
        string s when decimal.TryParse(s, NumberStyles.Number, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };

    private static string Money(decimal amount, string currency) =>
        currency == "USD" ? amount.ToString("$#,##0.00", CultureInfo.InvariantCulture) : $"{amount.ToString("#,##0.00", CultureInfo.InvariantCulture)} {currency}";

    private static Errors.AppException Ask(string question) => new(Errors.AppError.Validation("transfer", question));
}
