using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using VirtualBanker.Core.Actions;
using VirtualBanker.Core.Tools;

namespace VirtualBanker.Core.Agents.Builtin;

/// <summary>
/// The offline provider, always available. For a customer message it refuses probes, answers other languages in kind,
/// takes yes/no as the answer to its last offer, then understands the message in the conversation's context
/// (<see cref="Dialogue"/>) and does what the intent map says: asks for a tool (a function call the function-invocation
/// layer runs, an action being confirmed first), the knowledge base, a colleague, or says honestly what it can't do.
/// When the tool's result comes back it answers from that result only, streamed in short chunks.
/// </summary>
public sealed partial class BuiltinChatClient(IntentClassifier classifier, TimeProvider clock) : IChatClient
{
    public const string ProviderName = "builtin";

    /// <summary>Where the agent runner puts the run's <see cref="ToolRun"/> in <see cref="ChatOptions.AdditionalProperties"/>.</summary>
    public const string RunKey = "vb.run";

    private readonly Dialogue _dialogue = new(classifier);

    // The understood question behind each call, for the answer once its result is back (same run, same call object).
    private static readonly ConditionalWeakTable<FunctionCallContent, Turn> Asked = [];

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var history = messages as IList<ChatMessage> ?? [.. messages];
        var last = history.LastOrDefault();
        var now = clock.GetUtcNow().UtcDateTime;
        var run = options?.AdditionalProperties?.TryGetValue(RunKey, out var value) == true ? value as ToolRun : null;
        if (last?.Contents.OfType<FunctionResultContent>().FirstOrDefault() is { } result)
        {
            // The tool ran: answer the question that asked for it, understood as it was then.
            var call = history.SelectMany(m => m.Contents.OfType<FunctionCallContent>()).LastOrDefault(c => c.CallId == result.CallId);
            var question = UserTexts(history).LastOrDefault() ?? "";
            var turn = call is not null && Asked.TryGetValue(call, out var asked) ? asked
                : Understand(UserTexts(history).SkipLast(1), question, now, run is null ? null : await run.MerchantsAsync(cancellationToken));
            var offer = Affirmation.Read(question) == true ? Answers.OfferIn(LastAnswer(history)) : null;
            var answer = offer?.Language is { } language && ToolRegistry.ReadResult(ToolNames.CreateTicket, result.Result) is TicketResult { Reference: { } reference }
                ? HonestLimits.HandedOff(language, reference)
                : Answers.FromTool(call?.Name ?? "", result, turn, question);
            foreach (var chunk in Chunk(answer))
            {
                yield return Text(chunk);
            }

            yield break;
        }

        var reply = Respond(history, last?.Text ?? "", options, now, run is null ? null : await run.MerchantsAsync(cancellationToken));
        if (reply.Call is { } functionCall)
        {
            if (reply.Turn is { } understood)
            {
                Asked.AddOrUpdate(functionCall, understood);
            }

            yield return new ChatResponseUpdate(ChatRole.Assistant, [functionCall]) { ModelId = ProviderName };
            yield break;
        }

        foreach (var chunk in Chunk(reply.Text!))
        {
            yield return Text(chunk);
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata(ProviderName, null, "builtin-nlu") : null;

    public void Dispose()
    {
    }

    private readonly record struct Reply(string? Text, FunctionCallContent? Call, Turn? Turn = null)
    {
        public static implicit operator Reply(string text) => new(text, null);
    }

    private Reply Respond(IList<ChatMessage> history, string text, ChatOptions? options, DateTime now, MerchantIndex? merchants)
    {
        if (HonestLimits.IsProbe(text))
        {
            return HonestLimits.ProbeRefusal;
        }

        var earlier = UserTexts(history).SkipLast(1).ToList();
        var lastAnswer = LastAnswer(history);
        if (Affirmation.Read(text) is { } yes)
        {
            if (lastAnswer?.EndsWith(Answers.ConfirmationQuestion, StringComparison.Ordinal) == true)
            {
                return "That request is no longer open (a confirmation lasts five minutes and is answered once), so nothing was changed. Ask me again if you still want it.";
            }

            if (Answers.OfferIn(lastAnswer) is not { } offer)
            {
                return yes ? "I'm not sure what you'd like me to go ahead with. What can I do for you?" : "Okay. Is there anything else I can help you with?";
            }

            if (!yes)
            {
                return offer.Language is null ? "Okay, I won't. Is there anything else I can help you with?" : "Okay.";
            }

            // Yes to the offer: do what it offered, for the message that led to it.
            var asked = earlier.LastOrDefault() ?? "";
            return offer.Language is { } language
                ? Call(ToolNames.CreateTicket, new()
                {
                    ["subject"] = $"Customer asked for help in {HonestLimits.LanguageName(language)}",
                    ["description"] = Truncate(asked, 500),
                    ["priority"] = "normal",
                }, options)
                : Act(Understand(earlier.SkipLast(1), asked, now, merchants) with { Intent = offer.Intent, FollowUp = false }, options);
        }

        if (HonestLimits.Language(text) is { } foreign)
        {
            return HonestLimits.Unsupported(foreign);
        }

        var reply = Act(Understand(earlier, text, now, merchants, Answers.AsksForMore(lastAnswer)), options);
        // Not understood twice in a row: a person takes over rather than a third guess.
        return reply.Text?.StartsWith(Answers.NotUnderstood, StringComparison.Ordinal) == true
            && lastAnswer?.StartsWith(Answers.NotUnderstood, StringComparison.Ordinal) == true && Allows(options, ToolNames.HandoffToHuman)
            ? Call(ToolNames.HandoffToHuman, new() { ["reason"] = Staff.HandoffReasons.NotUnderstood }, options)
            : reply;
    }

    private Turn Understand(IEnumerable<string> earlier, string text, DateTime now, MerchantIndex? merchants, bool answersQuestion = false)
    {
        var context = new Lazy<Turn?>(() => _dialogue.Context(earlier, now, merchants), LazyThreadSafetyMode.None);
        return _dialogue.Understand(text, () => context.Value, now, merchants, answersQuestion);
    }

    /// <summary>What the intent map says to do for an understood message (its words: <see cref="Turn.Text"/>).</summary>
    private static Reply Act(Turn turn, ChatOptions? options)
    {
        var route = turn.Route;
        var tool = route.Kind switch
        {
            IntentKind.Knowledge => ToolNames.SearchFaq,
            // Asking for a person brings one into the conversation where the tenant allows it; other needs get a ticket.
            IntentKind.Handoff => turn.Intent == "human" && Allows(options, ToolNames.HandoffToHuman) ? ToolNames.HandoffToHuman : ToolNames.CreateTicket,
            IntentKind.Tool or IntentKind.Action => route.Target,
            _ => null,
        };

        // "How much did I spend at Amazon?": a merchant's spending is a search of its payments.
        if (tool == ToolNames.SpendingSummary && turn.Entities.Merchant is not null)
        {
            tool = ToolNames.SearchTransactions;
        }

        if (tool is null)
        {
            // A banking need the chat can't meet gets a colleague's help on offer; a question about the weather does not.
            return route.Kind != IntentKind.Unsupported ? Answers.SmallTalk(turn.Intent, turn.Corrects)
                : turn.Intent == "out_of_scope" && turn.Confidence < Dialogue.MinConfidence ? Answers.Rephrase
                : turn.Intent == "out_of_scope" ? route.Target! : $"{route.Target} {Answers.TicketOffer}";
        }

        if (tool == ToolNames.SimulatePurchase && turn.Entities.Amount is null)
        {
            return "How much would the purchase cost? Tell me the amount, for example \"Can I afford a $1,200 laptop?\"";
        }

        return Call(tool, Arguments(tool, turn), options) with { Turn = turn };
    }

    private static bool Allows(ChatOptions? options, string tool) => options?.Tools?.OfType<AIFunction>().Any(t => t.Name == tool) == true;

    private static Reply Call(string tool, Dictionary<string, object?> arguments, ChatOptions? options)
    {
        return Allows(options, tool)
            ? new Reply(null, new FunctionCallContent($"call_{Guid.NewGuid():N}", tool, arguments))
            : $"I'm sorry, I can't help with that here: this assistant is not allowed to use {tool.Replace('_', ' ')}. Please contact the bank directly.";
    }

    private static Dictionary<string, object?> Arguments(string tool, Turn turn)
    {
        var (e, text) = (turn.Entities, turn.Text);
        return tool switch
        {
            ToolNames.SearchTransactions => new()
            {
                ["merchant"] = e.Merchant, ["category"] = e.Category, ["period"] = e.Period?.Label, ["limit"] = e.Sort is null ? 5 : 20, ["sort"] = e.Sort,
            },
            ToolNames.SpendingSummary => new() { ["period"] = e.Period?.Label, ["category"] = e.Category },
            ToolNames.Forecast => new() { ["months"] = e.Months ?? 1 },
            ToolNames.SimulatePurchase => new() { ["amount"] = e.Amount, ["merchant"] = e.Merchant, ["category"] = e.Category },
            ToolNames.SearchFaq => new() { ["query"] = Truncate(text, 500), ["topic"] = turn.Route.Kind == IntentKind.Knowledge ? turn.Intent : null },
            ToolNames.HandoffToHuman => new() { ["reason"] = Staff.HandoffReasons.CustomerRequest },
            ToolNames.CreateTicket => new()
            {
                ["subject"] = turn.Route.TicketSubject ?? "Customer asked for help",
                ["description"] = Truncate(text, 500),
                ["priority"] = turn.Route.Priority ?? (Urgent().IsMatch(text) ? "high" : "normal"),
            },
            ToolNames.FreezeCard or ToolNames.UnfreezeCard => new() { ["card"] = CardHint(text) },
            ToolNames.ReportLostCard => new() { ["card"] = CardHint(text), ["stolen"] = text.Contains("stole", StringComparison.OrdinalIgnoreCase) },
            ToolNames.TransferFunds => new() { ["amount"] = e.Amount, ["from"] = After(text, "from"), ["to"] = After(text, "to") ?? After(text, "into") ?? After(text, "pay") },
            ToolNames.PayCreditCard => new() { ["amount"] = e.Amount, ["from"] = After(text, "from") },
            ToolNames.ResolveFraudAlert => new() { ["alert"] = e.Merchant ?? text, ["genuine"] = turn.Intent == "fraud_was_me" },
            ToolNames.OpenDispute => new() { ["transaction"] = e.Merchant ?? text, ["reason"] = Truncate(text, 500) },
            _ => [],
        };
    }

    /// <summary>The assistant's answer before the customer's last message.</summary>
    private static string? LastAnswer(IList<ChatMessage> history)
    {
        var lastUser = history.Count - 1;
        while (lastUser >= 0 && !(history[lastUser].Role == ChatRole.User && history[lastUser].Text.Length > 0))
        {
            lastUser--;
        }

        return history.Take(Math.Max(lastUser, 0)).LastOrDefault(m => m.Role == ChatRole.Assistant && m.Text.Length > 0)?.Text;
    }

    /// <summary>The customer's messages in the history, oldest first.</summary>
    private static IEnumerable<string> UserTexts(IList<ChatMessage> history) =>
        history.Where(m => m.Role == ChatRole.User && m.Text.Length > 0).Select(m => m.Text);

    private static ChatResponseUpdate Text(string chunk) => new(ChatRole.Assistant, chunk) { ModelId = ProviderName };

    private static string Truncate(string text, int max) => text.Length > max ? text[..max] : text;

    /// <summary>
    /// The words after the last "from", "to" or "pay" up to the next such word, without "my"/"the"/"account": what the transfer
    /// tools resolve ("I want to transfer money to savings": the last "to" is the destination).
    /// </summary>
    private static string? After(string text, string word) =>
        Regex.Matches(text, $@"\b{word}\s+(?:my\s+|the\s+)?(?:\$?[\d,.]+k?\s+(?:dollars\s+)?(?:to\s+)?)?(?<what>[\p{{L}}][\p{{L}}\s'-]*?)(?:\s+account)?(?=\s+(?:from|to|into|for|please|now)\b|\s+[$\d]|[.?!,]|$)",
            RegexOptions.IgnoreCase).LastOrDefault() is { } m ? m.Groups["what"].Value.Trim() : null;

    [GeneratedRegex(@"\b(stolen|stole|lost|fraud|scam|hacked|urgent|emergency|didn't make|did not make)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Urgent();

    /// <summary>Which card the customer means, in words the card tools resolve: four digits, "credit" or "debit".</summary>
    private static string? CardHint(string text) =>
        Regex.Match(text, @"\b\d{4}\b") is { Success: true } digits ? digits.Value
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
}
