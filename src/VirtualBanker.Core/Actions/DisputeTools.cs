using System.ComponentModel;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using VirtualBanker.Core.Banking;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Tools;

namespace VirtualBanker.Core.Actions;

public sealed record FraudVerdictResult(string Status, string Payment, IReadOnlyList<string> FrozenCards, string? DisputeReference);

public sealed record DisputeResult(string Reference, string Payment, string Status);

/// <summary>
/// The customer's verdict on a fraud alert and disputes of payments, as agent tools (listed in <see cref="ToolRegistry"/>).
/// Both run only for a confirmation the customer gave (<see cref="ConfirmedAction"/>); <see cref="ProposeAsync"/> first
/// finds the one alert or payment the customer means ("the Luxe Watches purchase").
/// </summary>
public sealed class DisputeTools(DisputeService disputes, VirtualBankerDbContext db, ToolRun run) : IActionTool
{
    [Description("Record the customer's verdict on a suspicious payment: genuine closes the alert; not genuine freezes the card and opens a dispute. Runs only after the customer confirms.")]
    public async Task<FraudVerdictResult> ResolveFraudAlertAsync(
        [Description("The alert: its id, or the merchant's name")] string? alert = null,
        [Description("True when the customer made the payment")] bool genuine = false,
        CancellationToken cancellationToken = default)
    {
        var (alertId, payment) = await AlertAsync(alert, cancellationToken);
        var result = await disputes.ResolveAlertAsync(run.ActionContext(), alertId, genuine, cancellationToken);
        return new FraudVerdictResult(result.Status, payment, [.. result.FrozenCards.Select(c => $"{c.Type} card ending {c.Last4}")], result.Dispute?.Reference);
    }

    [Description("Dispute one of the customer's payments (wrong amount, not received, charged twice). Runs only after the customer confirms.")]
    public async Task<DisputeResult> OpenDisputeAsync(
        [Description("The payment: its transaction id, or the merchant's name")] string? transaction = null,
        [Description("Why, in the customer's words")] string reason = "Disputed by the customer through the assistant.",
        CancellationToken cancellationToken = default)
    {
        var (transactionId, payment) = await PaymentAsync(transaction, cancellationToken);
        var dispute = await disputes.OpenAsync(run.ActionContext(), transactionId, reason, cancellationToken);
        return new DisputeResult(dispute.Reference, payment, dispute.Status);
    }

    public async Task<ActionProposal> ProposeAsync(string action, IDictionary<string, object?> arguments, CancellationToken cancellationToken)
    {
        try
        {
            if (action == ToolNames.ResolveFraudAlert)
            {
                var genuine = arguments.TryGetValue("genuine", out var g) && string.Equals(g?.ToString(), "true", StringComparison.OrdinalIgnoreCase);
                var (alertId, payment) = await AlertAsync(arguments.TryGetValue("alert", out var a) ? a?.ToString() : null, cancellationToken);
                return ActionProposal.Ask(genuine
                    ? $"Confirm the {payment} as yours: the alert will be closed"
                    : $"Report the {payment} as fraud: the card of that account will be frozen at once and a dispute opened",
                    new Dictionary<string, object?> { ["alert"] = alertId.ToString(), ["genuine"] = genuine });
            }

            var (transactionId, disputed) = await PaymentAsync(arguments.TryGetValue("transaction", out var t) ? t?.ToString() : null, cancellationToken);
            var reason = arguments.TryGetValue("reason", out var r) && r?.ToString() is { Length: > 0 } given ? given : "Disputed by the customer through the assistant.";
            return ActionProposal.Ask($"Dispute the {disputed}: the bank will investigate it",
                new Dictionary<string, object?> { ["transaction"] = transactionId.ToString(), ["reason"] = reason.Length > 500 ? reason[..500] : reason });
        }
        catch (Errors.AppException ex)
        {
            return ActionProposal.Refused(ex.Error.Message);
        }
    }

    private async Task<(Guid Id, string Payment)> AlertAsync(string? hint, CancellationToken cancellationToken)
    {
        var pending = await (from f in db.FraudAlerts.AsNoTracking()
                             join x in db.Transactions on f.TransactionId equals x.Id
                             where f.UserId == run.UserId && f.Status == "pending"
                             orderby x.Timestamp descending
                             select new { f.Id, x.Merchant, x.AmountMinor, x.Timestamp }).ToListAsync(cancellationToken);
        // An id names one alert; words name the alerts whose merchant they mention, or, naming none, leave all of them to choose from.
        var matching = Guid.TryParse(hint, out var id) ? [.. pending.Where(p => p.Id == id)]
            : string.IsNullOrWhiteSpace(hint) || !pending.Any(p => Mentions(p.Merchant, hint)) ? pending
            : [.. pending.Where(p => Mentions(p.Merchant, hint))];
        return matching.Count switch
        {
            1 => (matching[0].Id, Payment(matching[0].Merchant, matching[0].AmountMinor, matching[0].Timestamp)),
            0 => throw Ask("There are no suspicious payments waiting for your review."),
            _ => throw Ask($"Which one do you mean: {List(matching.Select(p => Payment(p.Merchant, p.AmountMinor, p.Timestamp)))}?"),
        };
    }

    private async Task<(Guid Id, string Payment)> PaymentAsync(string? hint, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(hint))
        {
            throw Ask("Which payment would you like to dispute? Tell me the merchant, for example \"dispute the Amazon charge\".");
        }

        var query = db.Transactions.AsNoTracking().Where(x => x.UserId == run.UserId && x.AmountMinor < 0 && x.Category != Categories.Transfer);
        var matching = Guid.TryParse(hint, out var id)
            ? await query.Where(x => x.Id == id).ToListAsync(cancellationToken)
            : (await query.OrderByDescending(x => x.Timestamp).Take(500).ToListAsync(cancellationToken))
                .Where(x => Mentions(x.Merchant, hint)).Take(4).ToList();
        return matching.Count switch
        {
            1 => (matching[0].Id, Payment(matching[0].Merchant, matching[0].AmountMinor, matching[0].Timestamp)),
            0 => throw Ask("Which payment would you like to dispute? Tell me the merchant, for example \"dispute the Amazon charge\"."),
            _ => throw Ask($"Which payment do you mean: {List(matching.Take(3).Select(x => Payment(x.Merchant, x.AmountMinor, x.Timestamp)))}? Tell me its date or amount, or dispute it from your transactions list."),
        };
    }

    /// <summary>
    /// The merchant is named by the hint ("Luxe") or in it, by its first word at least ("I didn't make the Luxe Watches
    /// purchase" for "Luxe Watches Geneva"). Fuzzier matching over the customer's own merchants is the NLU's (#23).
    /// </summary>
    private static bool Mentions(string merchant, string hint)
    {
        if (merchant.Contains(hint.Trim(), StringComparison.OrdinalIgnoreCase) || hint.Contains(merchant, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var first = merchant.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(w => w.Length >= 3 && !w.Equals("the", StringComparison.OrdinalIgnoreCase));
        return first is not null && System.Text.RegularExpressions.Regex.IsMatch(hint, $@"\b{System.Text.RegularExpressions.Regex.Escape(first)}\b",
            System.Text.RegularExpressions.RegexOptions.IgnoreCase);
    }

    private static string Payment(string merchant, long amountMinor, DateTime when) =>
        $"{(-amountMinor / 100m).ToString("$#,##0.00", CultureInfo.InvariantCulture)} payment to {merchant} on {when.ToString("d MMM", CultureInfo.InvariantCulture)}";

    private static string List(IEnumerable<string> items) => string.Join("; ", items);

    private static Errors.AppException Ask(string question) => new(Errors.AppError.Validation("payment", question));
}
