using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace VirtualBanker.Core.Agents.Builtin;

/// <summary>
/// The offline provider, always available. For a customer message it classifies the intent, extracts
/// entities and asks for the matching tool (a function call the function-invocation layer runs). When
/// the tool's result comes back it answers from that result only, streamed in short chunks. Small talk
/// has fixed answers; anything out of scope gets a polite refusal and the offer of a ticket.
/// </summary>
public sealed class BuiltinChatClient(IntentClassifier classifier, TimeProvider clock) : IChatClient
{
    public const string ProviderName = "builtin";

    /// <summary>Below this confidence a message is treated as out of scope rather than guessed at.</summary>
    public const float MinConfidence = 0.15f;

    private static readonly Dictionary<string, string> ToolForIntent = new(StringComparer.Ordinal)
    {
        ["balance"] = "get_balances",
        ["account_status"] = "get_account_status",
        ["transactions"] = "search_transactions",
        ["spending"] = "spending_summary",
        ["savings"] = "savings_rate",
        ["health"] = "health_score",
        ["forecast"] = "forecast",
        ["fraud"] = "fraud_alerts",
        ["simulate"] = "simulate_purchase",
        ["ticket"] = "create_ticket",
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

            if (tool == "simulate_purchase" && entities.Amount is null)
            {
                foreach (var chunk in Chunk("How much would the purchase cost? Tell me the amount, for example \"Can I afford a $1,200 laptop?\""))
                {
                    yield return new ChatResponseUpdate(ChatRole.Assistant, chunk) { ModelId = ProviderName };
                }

                yield break;
            }

            var call = new FunctionCallContent($"call_{Guid.NewGuid():N}", tool, Arguments(tool, entities, text));
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

    private static Dictionary<string, object?> Arguments(string tool, Entities e, string text) => tool switch
    {
        "search_transactions" => new() { ["merchant"] = e.Merchant, ["category"] = e.Category, ["period"] = e.Period?.Label, ["limit"] = 5 },
        "spending_summary" => new() { ["period"] = e.Period?.Label, ["category"] = e.Category },
        "forecast" => new() { ["months"] = e.Months ?? 1 },
        "simulate_purchase" => new() { ["amount"] = e.Amount, ["merchant"] = e.Merchant, ["category"] = e.Category },
        "create_ticket" => new() { ["subject"] = "Customer asked for help from the assistant", ["description"] = text.Length > 500 ? text[..500] : text },
        _ => [],
    };

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
            if (result.Exception is not null || result.Result is not JsonElement json || json.ValueKind != JsonValueKind.Object)
            {
                return "I couldn't get that information right now. Please try again in a moment, or I can open a support ticket for you.";
            }

            return tool switch
            {
                "get_balances" => $"Your total balance is {M(json, "total_balance")}. " + string.Join(" ", Items(json, "accounts").Select(a => $"{S(a, "name")}: {M(a, "balance")}.")),
                "get_account_status" => $"Your {I(json, "accounts")} accounts are active." + (I(json, "pending_fraud_alerts") > 0 ? $" {I(json, "pending_fraud_alerts")} suspicious transactions are waiting for your review." : " There is nothing waiting for your review."),
                "search_transactions" => I(json, "count") == 0
                    ? $"I found no matching transactions {S(json, "period")}."
                    : $"I found {I(json, "count")} matching transactions {S(json, "period")}, totalling {M(json, "total")}. " + string.Join(" ", Items(json, "transactions").Select(t => $"{S(t, "date")}: {S(t, "merchant")} {M(t, "amount")}.")),
                "spending_summary" => Items(json, "categories").Count == 0
                    ? $"You have no spending {S(json, "period")}."
                    : $"You spent {M(json, "total")} {S(json, "period")}: " + string.Join(", ", Items(json, "categories").Take(5).Select(c => $"{S(c, "category")} {M(c, "amount")}")) + ".",
                "savings_rate" => $"Over the last 30 days your income was {M(json, "monthly_income")} and your spending {M(json, "monthly_expenses")}, so your savings rate is {D(json, "savings_rate_pct"):0.#}%.",
                "health_score" => $"Your financial health score is {D(json, "overall_score"):0.#}/100. {S(json, "explanation")}" + (Items(json, "improvements").Count > 0 ? $" Tip: {Items(json, "improvements")[0].GetString()}" : ""),
                "forecast" => $"In {I(json, "months")} {(I(json, "months") == 1 ? "month" : "months")} your balance is expected to be about {M(json, "expected_balance")} (between {M(json, "conservative")} and {M(json, "optimistic")}, {S(json, "confidence")} confidence). Today it is {M(json, "current_balance")}.",
                "fraud_alerts" => I(json, "pending_reviews") == 0
                    ? "There are no suspicious transactions waiting for review."
                    : $"{I(json, "pending_reviews")} suspicious transactions are waiting for your review: " + string.Join("; ", Items(json, "alerts").Where(a => S(a, "status") == "pending").Select(a => $"{S(a, "merchant")} {M(a, "amount")} (risk {D(a, "risk_score"):0})")) + ". If you don't recognise them, I can open a ticket to block your card.",
                "simulate_purchase" => $"{(S(json, "verdict") switch { "affordable" => "Yes, you can afford it.", "caution" => "You can, but be careful.", _ => "I wouldn't recommend it right now." })} Spending {M(json, "amount")} would leave a balance of {M(json, "balance_after")}. {S(json, "explanation")}",
                "create_ticket" => $"I've opened support ticket {S(json, "ticket_id")[..8]} for you. A colleague will get back to you soon.",
                _ => "Done.",
            };
        }

        private static string S(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";

        private static int I(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.TryGetInt32(out var i) ? i : 0;

        private static double D(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.TryGetDouble(out var d) ? d : 0;

        private static string M(JsonElement e, string name)
        {
            var value = e.TryGetProperty(name, out var v) && v.TryGetDecimal(out var d) ? d : 0;
            return (value < 0 ? "-" : "") + Math.Abs(value).ToString("$#,##0.00", Invariant);
        }

        private static List<JsonElement> Items(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? [.. v.EnumerateArray()] : [];
    }
}
