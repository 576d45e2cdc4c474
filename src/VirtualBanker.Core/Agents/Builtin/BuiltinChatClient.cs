using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using VirtualBanker.Core.Actions;
using VirtualBanker.Core.Errors;
using VirtualBanker.Core.Tools;

namespace VirtualBanker.Core.Agents.Builtin;

/// <summary>
/// The offline provider, always available. For a customer message it classifies the intent, extracts
/// entities and asks for the matching tool (a function call the function-invocation layer runs). When
/// the tool's result comes back it answers from that result only, streamed in short chunks. Small talk
/// has fixed answers; anything out of scope gets a polite refusal and the offer of a ticket.
/// </summary>
public sealed partial class BuiltinChatClient(IntentClassifier classifier, TimeProvider clock) : IChatClient
{
    public const string ProviderName = "builtin";

    /// <summary>Below this confidence a message is treated as out of scope rather than guessed at.</summary>
    public const float MinConfidence = 0.15f;

    private static readonly Dictionary<string, string> ToolForIntent = new(StringComparer.Ordinal)
    {
        ["balance"] = ToolNames.GetBalances,
        ["account_status"] = ToolNames.GetAccountStatus,
        ["transactions"] = ToolNames.SearchTransactions,
        ["spending"] = ToolNames.SpendingSummary,
        ["savings"] = ToolNames.SavingsRate,
        ["health"] = ToolNames.HealthScore,
        ["forecast"] = ToolNames.Forecast,
        ["fraud"] = ToolNames.FraudAlerts,
        ["simulate"] = ToolNames.SimulatePurchase,
        ["ticket"] = ToolNames.CreateTicket,
        ["cards"] = ToolNames.ListCards,
        ["card_freeze"] = ToolNames.FreezeCard,
        ["card_unfreeze"] = ToolNames.UnfreezeCard,
        ["card_lost"] = ToolNames.ReportLostCard,
        ["transfer"] = ToolNames.TransferFunds,
        ["pay_card"] = ToolNames.PayCreditCard,
        ["fraud_not_me"] = ToolNames.ResolveFraudAlert,
        ["fraud_was_me"] = ToolNames.ResolveFraudAlert,
        ["dispute"] = ToolNames.OpenDispute,
    };

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var history = messages as IList<ChatMessage> ?? [.. messages];
        var last = history.LastOrDefault();
        if (last?.Contents.OfType<FunctionResultContent>().FirstOrDefault() is { } result)
        {
            var call = history.SelectMany(m => m.Contents.OfType<FunctionCallContent>()).LastOrDefault(c => c.CallId == result.CallId);
            foreach (var chunk in Chunk(Answers.FromTool(call?.Name ?? "", result)))
            {
                yield return new ChatResponseUpdate(ChatRole.Assistant, chunk) { ModelId = ProviderName };
            }

            yield break;
        }

        var text = last?.Text ?? "";
        var prediction = classifier.Predict(text);
        var intent = prediction.Confidence < MinConfidence ? "out_of_scope" : prediction.Intent;
        var entities = EntityExtractor.Extract(text, clock.GetUtcNow().UtcDateTime);
        var tools = options?.Tools?.OfType<AIFunction>().Select(t => t.Name).ToHashSet(StringComparer.Ordinal) ?? [];

        if (ToolForIntent.TryGetValue(intent, out var tool))
        {
            if (!tools.Contains(tool))
            {
                foreach (var chunk in Chunk($"I'm sorry, I can't help with that here: this assistant is not allowed to use {tool.Replace('_', ' ')}. I can open a support ticket if you'd like."))
                {
                    yield return new ChatResponseUpdate(ChatRole.Assistant, chunk) { ModelId = ProviderName };
                }

                yield break;
            }

            if (tool == ToolNames.SimulatePurchase && entities.Amount is null)
            {
                foreach (var chunk in Chunk("How much would the purchase cost? Tell me the amount, for example \"Can I afford a $1,200 laptop?\""))
                {
                    yield return new ChatResponseUpdate(ChatRole.Assistant, chunk) { ModelId = ProviderName };
                }

                yield break;
            }

            var call = new FunctionCallContent($"call_{Guid.NewGuid():N}", tool, Arguments(tool, entities, text, intent));
            yield return new ChatResponseUpdate(ChatRole.Assistant, [call]) { ModelId = ProviderName };
            yield break;
        }

        foreach (var chunk in Chunk(Answers.SmallTalk(intent)))
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, chunk) { ModelId = ProviderName };
        }

        await Task.CompletedTask;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata(ProviderName, null, "builtin-nlu") : null;

    public void Dispose()
    {
    }

    private static Dictionary<string, object?> Arguments(string tool, Entities e, string text, string intent) => tool switch
    {
        ToolNames.SearchTransactions => new() { ["merchant"] = e.Merchant, ["category"] = e.Category, ["period"] = e.Period?.Label, ["limit"] = 5 },
        ToolNames.SpendingSummary => new() { ["period"] = e.Period?.Label, ["category"] = e.Category },
        ToolNames.Forecast => new() { ["months"] = e.Months ?? 1 },
        ToolNames.SimulatePurchase => new() { ["amount"] = e.Amount, ["merchant"] = e.Merchant, ["category"] = e.Category },
        ToolNames.CreateTicket => new()
        {
            ["subject"] = "Customer asked for help from the assistant",
            ["description"] = text.Length > 500 ? text[..500] : text,
            ["priority"] = Urgent().IsMatch(text) ? "high" : "normal",
        },
        ToolNames.FreezeCard or ToolNames.UnfreezeCard => new() { ["card"] = CardHint(text) },
        ToolNames.ReportLostCard => new() { ["card"] = CardHint(text), ["stolen"] = text.Contains("stole", StringComparison.OrdinalIgnoreCase) },
        ToolNames.TransferFunds => new() { ["amount"] = e.Amount, ["from"] = After(text, "from"), ["to"] = After(text, "to") ?? After(text, "into") ?? After(text, "pay") },
        ToolNames.PayCreditCard => new() { ["amount"] = e.Amount, ["from"] = After(text, "from") },
        ToolNames.ResolveFraudAlert => new() { ["alert"] = e.Merchant ?? text, ["genuine"] = intent == "fraud_was_me" },
        ToolNames.OpenDispute => new() { ["transaction"] = e.Merchant ?? text, ["reason"] = text.Length > 500 ? text[..500] : text },
        _ => [],
    };

    /// <summary>
    /// The words after the last "from", "to" or "pay" up to the next such word, without "my"/"the"/"account": what the transfer
    /// tools resolve ("I want to transfer money to savings": the last "to" is the destination).
    /// </summary>
    private static string? After(string text, string word) =>
        System.Text.RegularExpressions.Regex.Matches(text, $@"\b{word}\s+(?:my\s+|the\s+)?(?:\$?[\d,.]+k?\s+(?:dollars\s+)?(?:to\s+)?)?(?<what>[\p{{L}}][\p{{L}}\s'-]*?)(?:\s+account)?(?=\s+(?:from|to|into|for|please|now)\b|\s+[$\d]|[.?!,]|$)",
            System.Text.RegularExpressions.RegexOptions.IgnoreCase).LastOrDefault() is { } m ? m.Groups["what"].Value.Trim() : null;

    [System.Text.RegularExpressions.GeneratedRegex(@"\b(stolen|stole|lost|fraud|scam|hacked|urgent|emergency|didn't make|did not make)\b", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex Urgent();

    /// <summary>Which card the customer means, in words the card tools resolve: four digits, "credit" or "debit".</summary>
    private static string? CardHint(string text) =>
        System.Text.RegularExpressions.Regex.Match(text, @"\b\d{4}\b") is { Success: true } digits ? digits.Value
        : text.Contains("credit", StringComparison.OrdinalIgnoreCase) ? "credit"
        : text.Contains("debit", StringComparison.OrdinalIgnoreCase) ? "debit"
        : null;

    /// <summary>Three-word chunks: enough to feel like streaming, few enough events to stay cheap.</summary>
    internal static IEnumerable<string> Chunk(string text)
    {
        var words = text.Split(' ');
        for (var i = 0; i < words.Length; i += 3)
        {
            var end = Math.Min(i + 3, words.Length);
            yield return string.Join(' ', words[i..end]) + (end < words.Length ? " " : "");
        }
    }

    /// <summary>Templates that turn a tool result into an answer; every figure comes from the result.</summary>
    private static class Answers
    {
        private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

        public static string SmallTalk(string intent) => intent switch
        {
            "greeting" => "Hello! I'm your virtual banker. I can check balances, find transactions, summarise spending, forecast your balance, review fraud alerts or open a ticket. What would you like to know?",
            "thanks" => "You're welcome! Is there anything else I can help you with?",
            "goodbye" => "Goodbye! Come back any time you need help with your money.",
            "help" => "I can tell you your balances and account status, search your transactions, summarise your spending by category, give your savings rate and financial health score, forecast your balance, review suspicious transactions, check whether you can afford a purchase, or open a support ticket.",
            _ => "I'm sorry, that's outside what I can help with: I'm here for your accounts, spending, savings and security. Would you like me to open a support ticket so a colleague can help?",
        };

        public static string FromTool(string tool, FunctionResultContent result)
        {
            const string Unavailable = "I couldn't get that information right now. Please try again in a moment, or I can open a support ticket for you.";
            if (result.Exception is not null)
            {
                return result.Exception switch
                {
                    AppException refused => $"I couldn't do that: {refused.Error.Message}",
                    ActionNotConfirmedException => "I can only do that once you have confirmed it. Nothing was changed.",
                    _ => Unavailable,
                };
            }

            return ToolRegistry.ReadResult(tool, result.Result) switch
            {
                BalancesResult r => $"Your total balance is {M(r.TotalBalance)}. " + string.Join(" ", r.Accounts.Select(a => $"{a.Name}: {M(a.Balance)}.")),
                AccountStatusResult r => $"Your {r.Accounts} accounts are active." + (r.PendingFraudAlerts > 0
                    ? $" {r.PendingFraudAlerts} suspicious transactions are waiting for your review."
                    : " There is nothing waiting for your review."),
                TransactionSearchResult { Count: 0 } r => $"I found no matching transactions {r.Period}.",
                TransactionSearchResult r => $"I found {r.Count} matching transactions {r.Period}, totalling {M(r.Total)}. "
                    + string.Join(" ", r.Transactions.Select(t => $"{t.Date}: {t.Merchant} {M(t.Amount)}.")),
                SpendingResult { Categories.Count: 0 } r => $"You have no spending {r.Period}.",
                SpendingResult r => $"You spent {M(r.Total)} {r.Period}: " + string.Join(", ", r.Categories.Take(5).Select(c => $"{c.Category} {M(c.Amount)}")) + ".",
                SavingsResult r => $"Over the last 30 days your income was {M(r.MonthlyIncome)} and your spending {M(r.MonthlyExpenses)}, so your savings rate is {r.SavingsRatePct.ToString("0.#", Invariant)}%.",
                HealthResult r => $"Your financial health score is {r.OverallScore.ToString("0.#", Invariant)}/100. {r.Explanation}" + (r.Improvements.Count > 0 ? $" Tip: {r.Improvements[0]}" : ""),
                ForecastToolResult r => $"In {r.Months} {(r.Months == 1 ? "month" : "months")} your balance is expected to be about {M(r.ExpectedBalance)} (between {M(r.Conservative)} and {M(r.Optimistic)}, {r.Confidence} confidence). Today it is {M(r.CurrentBalance)}.",
                FraudResult { PendingReviews: 0 } => "There are no suspicious transactions waiting for review.",
                FraudResult r => $"{r.PendingReviews} suspicious transactions are waiting for your review: "
                    + string.Join("; ", r.Alerts.Where(a => a.Status == "pending").Select(a => $"{a.Merchant} {M(a.Amount)} (risk {a.RiskScore.ToString("0", Invariant)})"))
                    + ". If you don't recognise them, I can freeze your card.",
                SimulationResult r => $"{r.Verdict switch { "affordable" => "Yes, you can afford it.", "caution" => "You can, but be careful.", _ => "I wouldn't recommend it right now." }} Spending {M(r.Amount)} would leave a balance of {M(r.BalanceAfter)}. {r.Explanation}",
                TicketResult r => $"I've opened support ticket {r.Reference} for you{(r.Priority == "high" ? ", marked urgent" : "")}. A colleague will get back to you soon.",
                CardsResult { Cards.Count: 0 } => "You have no cards with us.",
                CardsResult r => "Your cards: " + string.Join("; ", r.Cards.Select(c => $"{c.Card}, {c.Status}")) + ".",
                FraudVerdictResult { Status: "dismissed" } r => $"Thank you: the {r.Payment} is confirmed as yours and the alert is closed.",
                FraudVerdictResult r => $"Done: the {r.Payment} is reported as fraud."
                    + (r.FrozenCards.Count > 0 ? $" Your {string.Join(" and ", r.FrozenCards)} is frozen." : "")
                    + (r.DisputeReference is { } reference ? $" Dispute {reference} is open; we will be in touch." : ""),
                DisputeResult r => $"Done: the {r.Payment} is disputed under reference {r.Reference}. The bank will investigate it and get back to you.",
                TransferToolResult r => (r.Action == "card_paid" ? $"Done: {M(r.Amount)} paid to your {r.To} from {r.From}." : $"Done: {M(r.Amount)} moved from {r.From} to {r.To}.")
                    + " New balances: " + string.Join(", ", r.Balances.Select(b => $"{b.Name} {M(b.Balance)}")) + ".",
                CardActionResult r => r.Action switch
                {
                    "frozen" => $"Done: your {r.Card} is now frozen. New payments with it will be declined until you unfreeze it.",
                    "unfrozen" => $"Done: your {r.Card} is active again.",
                    _ => $"Done: your {r.Card} is blocked and reported {(r.Action == "reported_stolen" ? "stolen" : "lost")}. Your replacement {r.Replacement} is on its way.",
                },
                _ => Unavailable,
            };
        }

        private static string M(decimal value) => (value < 0 ? "-" : "") + Math.Abs(value).ToString("$#,##0.00", Invariant);
    }
}
