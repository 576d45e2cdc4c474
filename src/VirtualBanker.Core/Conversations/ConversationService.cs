using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Errors;
using VirtualBanker.Core.Sessions;

namespace VirtualBanker.Core.Conversations;

/// <summary>
/// The one conversation pipeline behind every chat channel: messages in, the event log, and the
/// resumable stream of a session's events out (<see cref="ConversationStream"/>). Channels only translate frames to and from these.
/// </summary>
public sealed class ConversationService(
    VirtualBankerDbContext db,
    EventWriter writer,
    IEventBus bus,
    IOptions<ConversationOptions> options,
    ConversationStream stream,
    Actions.ConfirmationService confirmations,
    TimeProvider clock)
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
        if (session.AwaitsConsent && !await ConsentGivenSinceAsync(session, cancellationToken))
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
        var inbound = NewEvent(session.Id, type, payload, idempotencyKey);
        var stored = await writer.QueueAsync(db, inbound, cancellationToken);
        var run = new BusMessage(session.TenantId, session.Id, Id(inbound));
        if (bus.IsInProcess)
        {
            // The run starts while the message is being stored, and answers only once it is (AgentRunner):
            // the commit, about half of the time to the first chunk, overlaps the run's preparation.
            await bus.PublishAsync(Topics.Inbound, run with { Stored = stored }, cancellationToken);
        }

        await stored.WaitAsync(cancellationToken);
        await PublishOutboundAsync(inbound, cancellationToken);
        if (!bus.IsInProcess)
        {
            await bus.PublishAsync(Topics.Inbound, run, cancellationToken);
        }

        return inbound;
    }

    /// <summary>
    /// The customer's answer to an action the assistant proposed in <paramref name="session"/> (a confirm or cancel frame,
    /// or the HTTP call): recorded once, then a run that carries out the action, or says it was cancelled.
    /// </summary>
    public async Task<(Actions.Confirmation Confirmation, ConversationEvent Inbound)> AnswerConfirmationAsync(Session session, Guid confirmationId, bool approve,
        Identity.ICurrentPrincipal caller, string channel, CancellationToken cancellationToken)
    {
        EnsureOpen(session);
        var confirmation = await confirmations.DecideAsync(confirmationId, caller, approve, cancellationToken, session.Id);
        var inbound = await SendAsync(session, EventTypes.Confirmation, approve ? "Confirmed." : "Cancelled.", null, cancellationToken, new JsonObject
        {
            ["confirmation_id"] = confirmation.Id.ToString(),
            ["approved"] = approve,
            ["channel"] = channel,
        });
        return (confirmation, inbound);
    }

    /// <summary>
    /// Appends one event with the session's next id and hands it to live subscribers at once. With
    /// <paramref name="waitForCommit"/> it returns only once the event is stored (for anything the caller
    /// acknowledges); otherwise storage follows in the writer's next group commit.
    /// </summary>
    public async Task<ConversationEvent> AppendAsync(string sessionId, string type, JsonObject payload, string? idempotencyKey, CancellationToken cancellationToken,
        bool waitForCommit = true)
    {
        var e = NewEvent(sessionId, type, payload, idempotencyKey);
        await writer.AppendAsync(db, e, waitForCommit, cancellationToken);
        await PublishOutboundAsync(e, cancellationToken);
        return e;
    }

    private ValueTask PublishOutboundAsync(ConversationEvent e, CancellationToken cancellationToken) =>
        bus.PublishAsync(Topics.Outbound, new BusMessage(e.TenantId, e.SessionId, Id(e)), cancellationToken);

    private ConversationEvent NewEvent(string sessionId, string type, JsonObject payload, string? idempotencyKey) => new()
    {
        TenantId = Tenant,
        SessionId = sessionId,
        Type = type,
        Payload = payload.ToJsonString(),
        IdempotencyKey = idempotencyKey,
        CreatedAt = clock.GetUtcNow().UtcDateTime,
    };

    private static string Id(ConversationEvent e) => e.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Waits until every event appended so far to the session is stored.</summary>
    public Task FlushAsync(string sessionId, CancellationToken cancellationToken) => writer.FlushAsync(sessionId, cancellationToken);

    private string Tenant => db.Tenant.TenantId ?? throw new InvalidOperationException("Conversations are used within a tenant.");

    /// <summary>The id of the session's latest event: where a client that wants only new events starts.</summary>
    public long CurrentId(Session session) => writer.LastId(session.Id) ?? session.LastEventId;

    /// <summary>
    /// Sends a message and returns the whole answer: for channels that reply in one response. A run that
    /// fails for good, or takes longer than <see cref="ConversationOptions.AnswerTimeoutSeconds"/>, is a 503.
    /// </summary>
    public async Task<string> AskAsync(Session session, string message, CancellationToken cancellationToken)
    {
        var inbound = await SendAsync(session, EventTypes.Message, message, null, cancellationToken, new JsonObject { ["channel"] = "http" });
        if (session.HandledByName is { } staff)
        {
            // Taken over by a person, who may answer in minutes: the customer hears that now, and the answer comes on the conversation's stream.
            return $"{staff} has your message and will answer you here.";
        }

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
            await foreach (var e in stream.StreamAsync(Tenant, sessionId, inboundSequence, deadline.Token))
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
        string sessionId, long sequence, CancellationToken cancellationToken, Task<bool>? stored = null)
    {
        var count = options.Value.MemoryTurns * 2;
        var recent = writer.RecentTurns(sessionId, sequence, count + 1);
        var inbound = recent?.LastOrDefault(e => e.Sequence == sequence);

        // What memory does not have comes from the log, where the message may not be yet (see BusMessage.Stored).
        if ((inbound is null || recent is null) && stored is not null && !await stored)
        {
            return (null, []);
        }

        inbound ??= await db.ConversationEvents.AsNoTracking().FirstOrDefaultAsync(e => e.SessionId == sessionId && e.Sequence == sequence, cancellationToken);
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

    /// <summary>
    /// Whether consent was given after the caller loaded <paramref name="session"/>: a socket keeps the copy it
    /// opened with, and the customer may consent on another channel meanwhile. The store decides, and the copy
    /// learns it (read only while the copy still awaits consent).
    /// </summary>
    private async Task<bool> ConsentGivenSinceAsync(Session session, CancellationToken cancellationToken)
    {
        session.ConsentGivenAt = await db.Sessions.AsNoTracking().Where(s => s.Id == session.Id).Select(s => s.ConsentGivenAt).FirstOrDefaultAsync(cancellationToken);
        return !session.AwaitsConsent;
    }

    public void EnsureOpen(Session session)
    {
        if (!session.IsOpenAt(clock.GetUtcNow().UtcDateTime))
        {
            throw new AppException(new AppError(ErrorCodes.Conflict, 410, "The session has ended."));
        }
    }
}
