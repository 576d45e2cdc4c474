using System.Text.RegularExpressions;
using VirtualBanker.Core.Actions;

namespace VirtualBanker.Core.Agents.Builtin;

/// <summary>One understood customer message: its intent, what it names, and whether it continued the one before.</summary>
/// <param name="Text">What the intent was understood from: the message, or for an action's follow-up ("the debit one") the request and the follow-up.</param>
public sealed record Turn(string Intent, float Confidence, Entities Entities, string Text, bool FollowUp = false)
{
    /// <summary>For a correction ("that's wrong"): the question it corrects.</summary>
    public Turn? Corrects { get; init; }

    public IntentRoute Route => IntentMap.For(Intent);
}

/// <summary>
/// The builtin assistant's dialogue state. It is not stored anywhere: it is rebuilt from the conversation's own history
/// (the turns the runner gives every model, from the event log), so it is the same on every channel, on every node
/// and after a reconnect. A follow-up ("and the month before?", "what about groceries?", "only last month") keeps the
/// question it continues and changes only what it names; small talk, corrections and yes/no keep the question too.
/// </summary>
public sealed partial class Dialogue(IntentClassifier classifier)
{
    /// <summary>Below this confidence a message is treated as out of scope rather than guessed at.</summary>
    public const float MinConfidence = 0.15f;

    /// <summary>The customer's earlier messages, oldest first, replayed to the question the last of them is about.</summary>
    public Turn? Context(IEnumerable<string> earlierMessages, DateTime now, MerchantIndex? merchants)
    {
        Turn? context = null;
        foreach (var text in earlierMessages.Where(t => Affirmation.Read(t) is null))
        {
            context = Next(Understand(text, context, now, merchants), context);
        }

        return context;
    }

    /// <summary>What a message means, given the question the conversation is on (null at its start).</summary>
    /// <param name="answersQuestion">The assistant's last answer asked for something an action lacks ("which card?").</param>
    public Turn Understand(string text, Turn? context, DateTime now, MerchantIndex? merchants, bool answersQuestion = false) =>
        Understand(text, () => context, now, merchants, answersQuestion);

    /// <summary>
    /// As above, with the context worked out only when the message could continue it: one that names something, answers
    /// an action's question or corrects the last answer. Most messages don't, and the replay of the history is skipped.
    /// </summary>
    public Turn Understand(string text, Func<Turn?> context, DateTime now, MerchantIndex? merchants, bool answersQuestion = false)
    {
        var prediction = classifier.Predict(text);
        var intent = prediction.Confidence < MinConfidence ? "out_of_scope" : prediction.Intent;
        var entities = EntityExtractor.Extract(text, now, merchants);
        if (!entities.IsEmpty && context() is { Route.Kind: IntentKind.Tool } question && Changes(question.Intent, entities)
            && IsFollowUp(text, intent, prediction.Confidence, question))
        {
            return new Turn(question.Intent, prediction.Confidence, Inherit(question.Entities, entities, now), text, FollowUp: true);
        }

        // The answer to the action's question ("which card?": "the debit one"; "how much?": "200"): the request, completed.
        // Up to three words are an answer whatever they resemble ("the debit one" is not a direct debit); up to five, unless they
        // ask for something else ("I lost my card", "can you cancel my transfer?").
        var length = Word().Matches(text).Count;
        if (answersQuestion && context() is { Route.Kind: IntentKind.Action } request && (length <= 3 || (length <= 5
            && (intent == request.Intent || prediction.Confidence < 0.5f || IntentMap.For(intent).Kind is IntentKind.SmallTalk or IntentKind.Unsupported))))
        {
            var combined = $"{request.Text} {text}";
            return new Turn(request.Intent, prediction.Confidence, EntityExtractor.Extract(combined, now, merchants), combined, FollowUp: true);
        }

        if (intent == "correction")
        {
            return new Turn(intent, prediction.Confidence, entities, text) { Corrects = context() };
        }

        return new Turn(intent, prediction.Confidence, entities, text);
    }

    /// <summary>The question the conversation is on after <paramref name="turn"/>: yes/no, small talk and corrections don't change it.</summary>
    public static Turn? Next(Turn turn, Turn? context) =>
        turn.Route.Kind == IntentKind.SmallTalk ? context : turn;

    /// <summary>
    /// A fragment that names something new for the question before: a cue ("and", "what about", "only") or too few words
    /// to be a question of its own, and not a confident request for something else ("what about moving $200 to savings?").
    /// </summary>
    private static bool IsFollowUp(string text, string intent, float confidence, Turn context)
    {
        var words = Word().Matches(text).Count;
        var route = IntentMap.For(intent);
        var cue = Cue().IsMatch(text);
        var elsewhere = intent != context.Intent && route.Kind is not (IntentKind.SmallTalk or IntentKind.Unsupported);

        // A confident question of another kind is a new question ("what's my checking balance?" after a search), unless a
        // cue makes it a follow-up ("what about savings?"); even then, a request to act or for a person is one.
        if (elsewhere && ((!cue && confidence >= 0.5f) || (confidence >= 0.5f && route.Kind is IntentKind.Action or IntentKind.Handoff && words > 3)))
        {
            return false;
        }

        return cue ? words <= 8 : words <= 6;
    }

    /// <summary>Whether a message names something the question before can take: a category means nothing to a balance.</summary>
    private static bool Changes(string intent, Entities e) => intent switch
    {
        "balance" or "account_status" => e.Account is not null,
        "forecast" => e.Months is not null,
        "simulate" => e.Amount is not null,
        "savings" or "health" or "fraud" or "cards" => false,
        _ => e.Period is not null || e.PeriodBefore || e.Merchant is not null || e.Category is not null || e.Account is not null || e.Sort is not null,
    };

    /// <summary>The question before, with what the follow-up names instead: a merchant replaces a category and the other way round.</summary>
    private static Entities Inherit(Entities before, Entities now, DateTime clock)
    {
        var period = now.Period ?? (now.PeriodBefore
            ? (before.Period ?? new Period("in the last 30 days", clock.AddDays(-30), clock)).Previous(clock)
            : before.Period);
        var (merchant, category) = now.Merchant is not null || now.Category is not null ? (now.Merchant, now.Category) : (before.Merchant, before.Category);
        return new Entities(now.Amount ?? before.Amount, merchant, category, period, now.Months ?? before.Months)
        {
            Account = now.Account ?? before.Account,
            Sort = now.Sort ?? before.Sort,
        };
    }

    [GeneratedRegex(@"^\s*(?:and|also|but|ok(?:ay)?,?\s+(?:and|what|how)|now|then|what about|how about|what of|same (?:for|with)|only|just|instead|for|in|at|on|from|by)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Cue();

    [GeneratedRegex(@"[\p{L}\p{N}$']+")]
    private static partial Regex Word();
}
