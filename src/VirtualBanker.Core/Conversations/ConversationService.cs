using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Errors;
using VirtualBanker.Core.Sessions;
using VirtualBanker.Core.Tenancy;

namespace VirtualBanker.Core.Conversations;

/// <summary>
/// The one conversation pipeline behind every chat channel: messages in, the event log, and the
/// resumable stream of a session's events out. Channels only translate frames to and from this.
/// </summary>
public sealed class ConversationService(
    VirtualBankerDbContext db,
    ConversationFeed feed,
    EventWriter writer,
    IEventBus bus,
    IOptions<ConversationOptions> options,
    TimeProvider clock,
    IServiceScopeFactory scopes)
{
    /// <summary>
    /// Records a customer message and queues the agent run. With an idempotency key, sending the same
    /// message twice returns the first event and runs once; the same key with another message is a 422.
    /// </summary>
    public async Task<ConversationEvent> SendAsync(Session session, string type, string content, string? idempotencyKey, CancellationToken cancellationToken,
        JsonObject? extra = null)
    {
        if (string.IsNullOrWhiteSpace(content))
        {
            throw new AppException(AppError.Validation("message", "The message is empty."));
        }

        if (content.Length > options.Value.MaxMessageLength)
        {
            throw new AppException(AppError.Validation("message", $"The message is longer than {options.Value.MaxMessageLength} characters."));
        }

        EnsureOpen(session);
        if (session.AwaitsConsent)
        {
            throw new AppException(new AppError("consent_required", 403,
                "The customer has not given consent yet: POST /v1/sessions/{session_id}/consent first."));
        }

        if (idempotencyKey is not null
            && await db.ConversationEvents.AsNoTracking().FirstOrDefaultAsync(e => e.SessionId == session.Id && e.IdempotencyKey == idempotencyKey, cancellationToken) is { } seen)
        {
            return seen.Type == type && JsonFields.Text(JsonNode.Parse(seen.Payload)?.AsObject(), "content") == content
                ? seen
                : throw new AppException(AppError.IdempotencyKeyReused("This Idempotency-Key"));
        }

        var payload = extra ?? [];
        payload["content"] = content;
        var inbound = await AppendAsync(session.Id, type, payload, idempotencyKey, cancellationToken);
        await bus.PublishAsync(Topics.Inbound, new BusMessage(session.TenantId, session.Id, inbound.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture)), cancellationToken);
        return inbound;
    }

    /// <summary>
    /// Appends one event with the session's next id and hands it to live subscribers at once. With
    /// <paramref name="waitForCommit"/> it returns only once the event is stored (for anything the caller
    /// acknowledges); otherwise storage follows in the writer's next group commit.
    /// </summary>
    public async Task<ConversationEvent> AppendAsync(string sessionId, string type, JsonObject payload, string? idempotencyKey, CancellationToken cancellationToken,
        bool waitForCommit = true)
    {
        var e = new ConversationEvent
        {
            TenantId = db.Tenant.TenantId ?? throw new InvalidOperationException("Conversation events are appended within a tenant."),
            SessionId = sessionId,
            Type = type,
            Payload = payload.ToJsonString(),
            IdempotencyKey = idempotencyKey,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        await writer.AppendAsync(db, e, waitForCommit, cancellationToken);
        await bus.PublishAsync(Topics.Outbound, new BusMessage(e.TenantId, sessionId, e.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture)), cancellationToken);
        return e;
    }

    /// <summary>Waits until every event appended so far to the session is stored.</summary>
    public Task FlushAsync(string sessionId, CancellationToken cancellationToken) => writer.FlushAsync(sessionId, cancellationToken);

    /// <summary>The id of the session's latest event: where a client that wants only new events starts.</summary>
    public long CurrentId(Session session) => writer.LastId(session.Id) ?? session.LastEventId;

    /// <summary>
    /// A session's events after <paramref name="afterSequence"/>: the stored ones first, then live ones
    /// as they are appended, without gaps or repeats. This is what makes a reconnect lose nothing.
    /// </summary>
    public async IAsyncEnumerable<ConversationEvent> StreamAsync(string sessionId, long afterSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Subscribe first, then take the not-yet-stored events, then read the store: an event is always in
        // at least one of the three (it leaves the uncommitted set only once it is stored).
        using var subscription = feed.Subscribe(sessionId);
        var uncommitted = writer.Uncommitted(sessionId, afterSequence);
        var stored = await ReadEventsAsync(sessionId, afterSequence, long.MaxValue, cancellationToken);
        var last = afterSequence;
        foreach (var e in stored.Concat(uncommitted).DistinctBy(e => e.Sequence).OrderBy(e => e.Sequence))
        {
            last = e.Sequence;
            yield return e;
        }

        // Scaled out, another node may have appended events that are neither stored yet nor relayed to this
        // new subscription; they are stored within a group commit.
        if (await writer.LastIdAnywhereAsync(sessionId) is { } newest && newest > last)
        {
            foreach (var e in await MissedAsync(sessionId, last, newest + 1, cancellationToken))
            {
                last = e.Sequence;
                yield return e;
            }
        }

        await foreach (var e in subscription.Reader.ReadAllAsync(cancellationToken))
        {
            if (e.Sequence <= last)
            {
                continue;
            }

            if (e.Sequence > last + 1)
            {
                foreach (var missing in await MissedAsync(sessionId, last, e.Sequence, cancellationToken))
                {
                    yield return missing;
                }
            }

            last = e.Sequence;
            yield return e;
        }
    }

    /// <summary>
    /// The events between two ids. Scaled out, an event another node appended just before this stream
    /// subscribed reached neither the subscription nor, yet, the store; it is stored within a group commit,
    /// so it is read from there, waiting a little for it.
    /// </summary>
    private async Task<List<ConversationEvent>> MissedAsync(string sessionId, long after, long before, CancellationToken cancellationToken)
    {
        var missed = new List<ConversationEvent>();
        for (var attempt = 0; attempt < 30; attempt++)
        {
            missed = await ReadEventsAsync(sessionId, after, before, cancellationToken);
            if (missed.Count == before - after - 1)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), clock, cancellationToken);
        }

        return missed;
    }

    /// <summary>
    /// A session's stored events between two ids, read in a scope of its own. A stream lives as long as its
    /// socket, and a DbContext held all that time (with its connection and EF's services, about 25 KiB)
    /// would be most of what an idle socket costs.
    /// </summary>
    private async Task<List<ConversationEvent>> ReadEventsAsync(string sessionId, long after, long before, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().UseTenant(db.Tenant.TenantId ?? throw new InvalidOperationException("Streams are read within a tenant."));
        return await scope.ServiceProvider.GetRequiredService<VirtualBankerDbContext>().ConversationEvents.AsNoTracking()
            .Where(e => e.SessionId == sessionId && e.Sequence > after && e.Sequence < before)
            .OrderBy(e => e.Sequence)
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Sends a message and returns the whole answer: for channels that reply in one response. A run that
    /// fails for good, or takes longer than <see cref="ConversationOptions.AnswerTimeoutSeconds"/>, is a 503.
    /// </summary>
    public async Task<string> AskAsync(Session session, string message, CancellationToken cancellationToken)
    {
        var inbound = await SendAsync(session, EventTypes.Message, message, null, cancellationToken);
        return await WaitForAnswerAsync(session.Id, inbound.Sequence, TimeSpan.FromSeconds(options.Value.AnswerTimeoutSeconds), cancellationToken)
            ?? throw new AppException(new AppError(ErrorCodes.Unavailable, 503, "The assistant could not answer. Please try again."));
    }

    /// <summary>
    /// Waits for the answer to one inbound message and returns its text, or null when the run failed for
    /// good or took longer than <paramref name="timeout"/>. For channels that answer in one response.
    /// </summary>
    public async Task<string?> WaitForAnswerAsync(string sessionId, long inboundSequence, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var answer = new System.Text.StringBuilder();
        try
        {
            await foreach (var e in StreamAsync(sessionId, inboundSequence, deadline.Token))
            {
                var payload = JsonNode.Parse(e.Payload)!.AsObject();
                if (payload["reply_to"]?.GetValue<long>() != inboundSequence)
                {
                    continue;
                }

                switch (e.Type)
                {
                    case EventTypes.ChatChunk:
                        answer.Append(payload["content"]?.GetValue<string>());
                        break;
                    case EventTypes.ChatEnd:
                        // Answer only once the run is stored, so a read that follows the response sees all of it.
                        await writer.FlushAsync(sessionId, cancellationToken);
                        return answer.ToString();
                    case EventTypes.Error when payload["retrying"]?.GetValue<bool>() != true:
                        return null;
                    case EventTypes.Error:
                        answer.Clear();
                        break;
                    default:
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }

        return null;
    }

    /// <summary>
    /// What a run answers: its inbound event, and the conversation before it, the last
    /// <see cref="ConversationOptions.MemoryTurns"/> turns (customer messages and answers, oldest first). Both
    /// come from the writer's memory when it has seen them, else from the log.
    /// </summary>
    public async Task<(ConversationEvent? Inbound, IReadOnlyList<(string Role, string Text)> Memory)> RunInputAsync(
        string sessionId, long sequence, CancellationToken cancellationToken)
    {
        var count = options.Value.MemoryTurns * 2;
        var recent = writer.RecentTurns(sessionId, sequence, count + 1);
        var inbound = recent?.LastOrDefault(e => e.Sequence == sequence)
            ?? await db.ConversationEvents.AsNoTracking().FirstOrDefaultAsync(e => e.SessionId == sessionId && e.Sequence == sequence, cancellationToken);
        var memory = recent is not null ? [.. recent.Where(e => e.Sequence < sequence).TakeLast(count)]
            : count == 0 ? [] : await StoredTurnsAsync(sessionId, sequence, count, cancellationToken);
        return (inbound, [.. memory
            .Select(e => (e.Type == EventTypes.Message ? "user" : "assistant", Content(e)))
            .Where(t => t.Item2.Length > 0)]);
    }

    /// <summary>The last <paramref name="count"/> messages and answers stored before <paramref name="sequence"/>, oldest first.</summary>
    private async Task<List<ConversationEvent>> StoredTurnsAsync(string sessionId, long sequence, int count, CancellationToken cancellationToken)
    {
        var turns = await db.ConversationEvents.AsNoTracking()
            .Where(e => e.SessionId == sessionId && e.Sequence < sequence && (e.Type == EventTypes.Message || e.Type == EventTypes.ChatEnd))
            .OrderByDescending(e => e.Sequence)
            .Take(count)
            .ToListAsync(cancellationToken);
        turns.Reverse();
        return turns;
    }

    public static string Content(ConversationEvent e)
    {
        using var doc = JsonDocument.Parse(e.Payload);
        return doc.RootElement.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : "";
    }

    public void EnsureOpen(Session session)
    {
        if (!session.IsOpenAt(clock.GetUtcNow().UtcDateTime))
        {
            throw new AppException(new AppError(ErrorCodes.Conflict, 410, "The session has ended."));
        }
    }
}
