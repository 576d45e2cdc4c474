using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using VirtualBanker.Core.Actions;
using VirtualBanker.Core.Conversations;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Errors;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Observability;
using VirtualBanker.Core.Tenancy;

namespace VirtualBanker.Core.Staff;

public sealed record PersonRef(Guid Id, string Name, string? Email);

public sealed record TurnView(string Role, string? Name, string Text, DateTime At);

public sealed record HandoffView(Guid Id, string Reason, string Status, string Priority, string Channel, string? SessionId, PersonRef Customer,
    IReadOnlyList<TurnView> LastTurns, PersonRef? ClaimedBy, bool Escalated, DateTime CreatedAt, DateTime? ClaimedAt, DateTime? ClosedAt);

public sealed record ContextAccount(string Name, string Type, decimal Balance, string Currency);

public sealed record ContextTransaction(DateTime Date, string Merchant, string Category, decimal Amount);

public sealed record ContextAlert(Guid Id, string Merchant, decimal Amount, double RiskScore, string Status, DateTime Date);

public sealed record ContextTicket(Guid Id, string? Reference, string Subject, string Priority, string Status, DateTime CreatedAt);

/// <summary>What a staff member sees of the customer beside the conversation.</summary>
public sealed record CustomerContext(IReadOnlyList<ContextAccount> Accounts, IReadOnlyList<ContextTransaction> RecentTransactions,
    IReadOnlyList<ContextAlert> OpenAlerts, IReadOnlyList<ContextTicket> Tickets);

/// <summary>Who does a staff action: their id and the name the customer sees ("Sam").</summary>
public sealed record StaffMember(Guid Id, string DisplayName);

/// <summary>What a staff member filters the queue by; null is any.</summary>
public sealed record QueueFilter(string? Status, string? Reason, string? Priority);

/// <summary>
/// The tenant's staff queue: customers handed over by the assistant, claimed, answered, released and closed by staff.
/// While a staff member holds a conversation its session carries their name (<see cref="Sessions.Session.HandledById"/>)
/// and the agent runner does not answer it. Every change is pushed to the staff pages on every node through the
/// conversation feed under <see cref="FeedKey"/>, and every staff action is audited.
/// </summary>
public sealed class StaffQueue(
    VirtualBankerDbContext db,
    ConversationService conversations,
    ConversationFeed feed,
    TenantDirectory tenants,
    MetricsCollector metrics,
    HandoffSlaWatcher watcher,
    TimeProvider clock)
{
    public const string QueueEvent = "queue";
    private const int LastTurnCount = 6;

    /// <summary>The feed key the tenant's queue changes go out under: not a session id (those never contain '/').</summary>
    public static string FeedKey(string tenantId) => "staff-queue/" + tenantId;

    /// <summary>
    /// Puts the customer in the queue, or returns their open item (raised to <paramref name="priority"/> if that is higher):
    /// asking twice does not queue twice. Returns the item and its place in the queue (1 = next).
    /// </summary>
    public async Task<(HandoffView Item, int Position)> RequestAsync(Guid userId, string? sessionId, string reason, string channel, string priority,
        CancellationToken cancellationToken)
    {
        watcher.Watch();
        var now = Now;
        var item = await db.Handoffs.FirstOrDefaultAsync(h => h.UserId == userId && h.SessionId == sessionId
            && (h.Status == HandoffStatuses.Waiting || h.Status == HandoffStatuses.Claimed), cancellationToken);
        if (item is null)
        {
            item = new Handoff
            {
                UserId = userId, SessionId = sessionId, Reason = reason, Channel = channel, Priority = priority, CreatedAt = now, UpdatedAt = now,
                LastTurns = JsonSerializer.Serialize(sessionId is null ? [] : await TranscriptAsync(sessionId, LastTurnCount, cancellationToken), Json),
            };
            db.Handoffs.Add(item);
        }
        else if (HandoffPriorities.Rank(priority) > HandoffPriorities.Rank(item.Priority))
        {
            item.Priority = priority;
            item.UpdatedAt = now;
        }

        await db.SaveChangesAsync(cancellationToken);
        var view = await PublishAsync(item, cancellationToken);
        var position = item.Status == HandoffStatuses.Waiting
            ? await db.Handoffs.CountAsync(h => h.Status == HandoffStatuses.Waiting && h.CreatedAt <= item.CreatedAt, cancellationToken)
            : 0;
        return (view, position);
    }

    public async Task<IReadOnlyList<HandoffView>> ListAsync(QueueFilter filter, CancellationToken cancellationToken)
    {
        watcher.Watch();
        var query = db.Handoffs.AsNoTracking();
        query = filter.Status is { } status ? query.Where(h => h.Status == status)
            : query.Where(h => h.Status == HandoffStatuses.Waiting || h.Status == HandoffStatuses.Claimed);
        if (filter.Reason is { } reason)
        {
            query = query.Where(h => h.Reason == reason);
        }

        if (filter.Priority is { } priority)
        {
            query = query.Where(h => h.Priority == priority);
        }

        var items = await query.OrderBy(h => h.CreatedAt).Take(200).ToListAsync(cancellationToken);
        var views = await ViewsAsync(items, cancellationToken);
        // Most urgent first, then who has waited longest.
        return [.. views.OrderByDescending(v => HandoffPriorities.Rank(v.Priority)).ThenBy(v => v.CreatedAt)];
    }

    public async Task<HandoffView> GetAsync(Guid id, CancellationToken cancellationToken) =>
        (await ViewsAsync([await FindAsync(id, cancellationToken)], cancellationToken))[0];

    /// <summary>Takes the conversation over: the assistant stops answering it, and the customer is told who joined.</summary>
    public async Task<HandoffView> ClaimAsync(Guid id, StaffMember staff, CancellationToken cancellationToken)
    {
        var item = await FindAsync(id, cancellationToken);
        if (item.Status == HandoffStatuses.Claimed && item.ClaimedById == staff.Id)
        {
            return await GetAsync(id, cancellationToken);
        }

        var now = Now;
        // One claim wins, whoever else tries at the same moment (on any node).
        var claimed = await db.Handoffs.Where(h => h.Id == id && h.Status == HandoffStatuses.Waiting).ExecuteUpdateAsync(s => s
            .SetProperty(h => h.Status, HandoffStatuses.Claimed)
            .SetProperty(h => h.ClaimedById, staff.Id)
            .SetProperty(h => h.ClaimedByName, staff.DisplayName)
            .SetProperty(h => h.ClaimedAt, now)
            .SetProperty(h => h.UpdatedAt, now), cancellationToken);
        if (claimed == 0)
        {
            throw new AppException(AppError.Conflict(item.Status == HandoffStatuses.Claimed
                ? $"{item.ClaimedByName} is already serving this customer."
                : $"This item is {item.Status}."));
        }

        if (item.SessionId is { } sessionId)
        {
            await db.Sessions.Where(s => s.Id == sessionId).ExecuteUpdateAsync(s => s
                .SetProperty(x => x.HandledById, staff.Id)
                .SetProperty(x => x.HandledByName, staff.DisplayName), cancellationToken);
            var bank = (await tenants.FindAsync(item.TenantId, cancellationToken))?.Name ?? "the bank";
            await SayAsync(sessionId, HandoffStatuses.Claimed, staff, $"{staff.DisplayName} from {bank} has joined the conversation.", cancellationToken);
        }

        Audit(item, staff, "handoff.claim");
        await db.SaveChangesAsync(cancellationToken);
        return await RepublishAsync(id, cancellationToken);
    }

    /// <summary>A staff member's message to the customer, on the conversation's own stream (every channel), marked with their name.</summary>
    public async Task<long> SendAsync(Guid id, StaffMember staff, string content, CancellationToken cancellationToken)
    {
        content = content.Trim();
        if (content.Length is 0 or > 4000)
        {
            throw new AppException(AppError.Validation("content", "The message must be 1-4000 characters."));
        }

        var item = await HeldByAsync(id, staff, cancellationToken);
        var sessionId = item.SessionId ?? throw new AppException(AppError.Conflict("This customer is not in a conversation: answer on the ticket instead."));
        // Marked as the answer to the customer's latest message, so a channel waiting for an answer to it receives this one.
        var replyTo = await db.ConversationEvents.AsNoTracking().Where(e => e.SessionId == sessionId && e.Type == EventTypes.Message)
            .OrderByDescending(e => e.Sequence).Select(e => e.Sequence).FirstOrDefaultAsync(cancellationToken);
        var author = new JsonObject { ["role"] = "staff", ["name"] = staff.DisplayName };
        await conversations.AppendAsync(sessionId, EventTypes.ChatStart, new JsonObject { ["reply_to"] = replyTo, ["author"] = author.DeepClone() }, null,
            cancellationToken, waitForCommit: false);
        await conversations.AppendAsync(sessionId, EventTypes.ChatChunk, new JsonObject { ["reply_to"] = replyTo, ["content"] = content, ["author"] = author.DeepClone() },
            null, cancellationToken, waitForCommit: false);
        var end = await conversations.AppendAsync(sessionId, EventTypes.ChatEnd, new JsonObject { ["reply_to"] = replyTo, ["content"] = content, ["author"] = author },
            null, cancellationToken);
        Audit(item, staff, "handoff.message");
        await db.SaveChangesAsync(cancellationToken);
        return end.Sequence;
    }

    /// <summary>Hands the conversation back to the assistant, with a note in the history; the item is done.</summary>
    public Task<HandoffView> ReleaseAsync(Guid id, StaffMember staff, string? note, CancellationToken cancellationToken) =>
        FinishAsync(id, staff, HandoffStatuses.Released, note, cancellationToken);

    /// <summary>Closes the item (the customer's matter is settled); a conversation still held goes back to the assistant.</summary>
    public Task<HandoffView> CloseAsync(Guid id, StaffMember staff, string? note, CancellationToken cancellationToken) =>
        FinishAsync(id, staff, HandoffStatuses.Closed, note, cancellationToken);

    private async Task<HandoffView> FinishAsync(Guid id, StaffMember staff, string status, string? note, CancellationToken cancellationToken)
    {
        if (note is { Length: > 1000 })
        {
            throw new AppException(AppError.Validation("note", "The note must be at most 1000 characters."));
        }

        var item = status == HandoffStatuses.Released ? await HeldByAsync(id, staff, cancellationToken) : await FindAsync(id, cancellationToken);
        if (!item.IsOpen)
        {
            throw new AppException(AppError.Conflict($"This item is already {item.Status}."));
        }

        if (item.Status == HandoffStatuses.Claimed && item.ClaimedById != staff.Id && status == HandoffStatuses.Closed && item.SessionId is not null)
        {
            throw new AppException(AppError.Conflict($"{item.ClaimedByName} is serving this customer: only they can close it now."));
        }

        var wasHeld = item.Status == HandoffStatuses.Claimed;
        item.Status = status;
        item.ClosedAt = item.UpdatedAt = Now;
        // The change and its audit row are one write.
        Audit(item, staff, status == HandoffStatuses.Released ? "handoff.release" : "handoff.close");
        await db.SaveChangesAsync(cancellationToken);
        if (item.SessionId is { } sessionId)
        {
            await db.Sessions.Where(s => s.Id == sessionId && s.HandledById == staff.Id).ExecuteUpdateAsync(s => s
                .SetProperty(x => x.HandledById, (Guid?)null)
                .SetProperty(x => x.HandledByName, (string?)null), cancellationToken);
            if (wasHeld)
            {
                var said = status == HandoffStatuses.Released
                    ? $"{staff.DisplayName} has handed you back to the virtual assistant."
                    : $"{staff.DisplayName} has closed this conversation. The virtual assistant is here if you need anything else.";
                await SayAsync(sessionId, status, staff, said, cancellationToken, note);
            }
        }

        return await PublishAsync(item, cancellationToken);
    }

    /// <summary>
    /// Raises the priority of every item whose customer has waited longer than their tenant's <c>handoff.sla_seconds</c>,
    /// once per item (on any node: the conditional update counts each breach once), and counts it. Returns how many.
    /// </summary>
    public async Task<int> EscalateOverdueAsync(CancellationToken cancellationToken)
    {
        var now = Now;
        List<Handoff> waiting;
        using (db.Tenant.BeginSystemScope())
        {
            waiting = await db.Handoffs.AsNoTracking().Where(h => h.Status == HandoffStatuses.Waiting && !h.Escalated).ToListAsync(cancellationToken);
        }

        var escalated = 0;
        foreach (var item in waiting)
        {
            var sla = (await tenants.FindAsync(item.TenantId, cancellationToken))?.Settings.Handoff.SlaSeconds ?? new HandoffSettings().SlaSeconds;
            if (item.CreatedAt.AddSeconds(sla) > now)
            {
                continue;
            }

            db.Tenant.UseTenant(item.TenantId);
            var raised = HandoffPriorities.Raise(item.Priority);
            if (await db.Handoffs.Where(h => h.Id == item.Id && h.Status == HandoffStatuses.Waiting && !h.Escalated).ExecuteUpdateAsync(s => s
                    .SetProperty(h => h.Escalated, true)
                    .SetProperty(h => h.Priority, raised)
                    .SetProperty(h => h.UpdatedAt, now), cancellationToken) == 1)
            {
                escalated++;
                metrics.RecordHandoffSlaBreach();
                await RepublishAsync(item.Id, cancellationToken);
            }
        }

        return escalated;
    }

    /// <summary>The customer's accounts, last ten payments, open fraud alerts and tickets, for the staff member serving them.</summary>
    public async Task<CustomerContext> CustomerContextAsync(Guid userId, CancellationToken cancellationToken)
    {
        var accounts = await db.Accounts.AsNoTracking().Where(a => a.UserId == userId).OrderBy(a => a.Type).ToListAsync(cancellationToken);
        var recent = await db.Transactions.AsNoTracking().Where(t => t.UserId == userId).OrderByDescending(t => t.Timestamp).Take(10).ToListAsync(cancellationToken);
        var alerts = await (from a in db.FraudAlerts.AsNoTracking()
                            join t in db.Transactions.AsNoTracking() on a.TransactionId equals t.Id
                            where a.UserId == userId && a.Status == "pending"
                            orderby a.CreatedAt descending
                            select new { a.Id, t.Merchant, t.AmountMinor, a.RiskScore, a.Status, a.CreatedAt }).Take(20).ToListAsync(cancellationToken);
        var tickets = await db.Tickets.AsNoTracking().Where(t => t.UserId == userId).OrderByDescending(t => t.CreatedAt).Take(10).ToListAsync(cancellationToken);
        return new CustomerContext(
            [.. accounts.Select(a => new ContextAccount(a.Name, a.Type.ToString().ToLowerInvariant(), a.BalanceMinor / 100m, a.Currency))],
            [.. recent.Select(t => new ContextTransaction(t.Timestamp, t.Merchant, t.Category, t.AmountMinor / 100m))],
            [.. alerts.Select(a => new ContextAlert(a.Id, a.Merchant, Math.Abs(a.AmountMinor) / 100m, a.RiskScore, a.Status, a.CreatedAt))],
            [.. tickets.Select(t => new ContextTicket(t.Id, t.Reference, t.Subject, t.Priority, t.Status, t.CreatedAt))]);
    }

    /// <summary>The conversation as staff read it: the customer's messages, the answers (the assistant's or a staff member's) and the handovers.</summary>
    public async Task<IReadOnlyList<TurnView>> TranscriptAsync(string sessionId, int count, CancellationToken cancellationToken)
    {
        await conversations.FlushAsync(sessionId, cancellationToken);
        var events = await db.ConversationEvents.AsNoTracking()
            .Where(e => e.SessionId == sessionId && (e.Type == EventTypes.Message || e.Type == EventTypes.ChatEnd || e.Type == EventTypes.Handoff))
            .OrderByDescending(e => e.Sequence).Take(count).ToListAsync(cancellationToken);
        events.Reverse();
        return [.. events.Select(Turn).Where(t => t.Text.Length > 0)];
    }

    public static TurnView Turn(ConversationEvent e)
    {
        var payload = JsonNode.Parse(e.Payload)?.AsObject();
        var text = JsonFields.Text(payload, "content") ?? "";
        var at = e.CreatedAt;
        return e.Type switch
        {
            EventTypes.Message => new TurnView("customer", null, text, at),
            EventTypes.Handoff => new TurnView("system", null, text, at),
            _ when payload?["author"]?["name"]?.GetValue<string>() is { } name => new TurnView("staff", name, text, at),
            _ => new TurnView("assistant", null, text, at),
        };
    }

    private async Task<Handoff> FindAsync(Guid id, CancellationToken cancellationToken) =>
        await db.Handoffs.FirstOrDefaultAsync(h => h.Id == id, cancellationToken) ?? throw new AppException(AppError.NotFound("No such queue item."));

    private async Task<Handoff> HeldByAsync(Guid id, StaffMember staff, CancellationToken cancellationToken)
    {
        var item = await FindAsync(id, cancellationToken);
        return item.Status == HandoffStatuses.Claimed && item.ClaimedById == staff.Id
            ? item
            : throw new AppException(AppError.Conflict(item.Status == HandoffStatuses.Claimed
                ? $"{item.ClaimedByName} is serving this customer."
                : "Claim this item first."));
    }

    private async Task SayAsync(string sessionId, string status, StaffMember staff, string content, CancellationToken cancellationToken, string? note = null)
    {
        var payload = new JsonObject { ["status"] = status, ["staff_name"] = staff.DisplayName, ["content"] = content };
        if (!string.IsNullOrWhiteSpace(note))
        {
            payload["note"] = note.Trim();
        }

        await conversations.AppendAsync(sessionId, EventTypes.Handoff, payload, null, cancellationToken);
    }

    private void Audit(Handoff item, StaffMember staff, string action) => db.ActionAudits.Add(AuditRow(item.UserId, staff.Id, action, item.Id, Now));

    /// <summary>The audit row of a staff action on a customer's item (queue item or ticket).</summary>
    internal static ActionAudit AuditRow(Guid customerId, Guid staffId, string action, Guid targetId, DateTime at) =>
        new() { UserId = customerId, ActorId = staffId, Action = action, TargetId = targetId, Channel = "staff", Result = "ok", CreatedAt = at };

    /// <summary>The customers of <paramref name="ids"/> as staff see them; one that no longer exists is "Unknown customer".</summary>
    internal async Task<Func<Guid, PersonRef>> PeopleAsync(IEnumerable<Guid> ids, CancellationToken cancellationToken)
    {
        var wanted = ids.Distinct().ToList();
        var people = await db.Users.AsNoTracking().Where(u => wanted.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => new PersonRef(u.Id, u.Name, u.Email), cancellationToken);
        return id => people.GetValueOrDefault(id) ?? new PersonRef(id, "Unknown customer", null);
    }

    private async Task<HandoffView> RepublishAsync(Guid id, CancellationToken cancellationToken) =>
        await PublishAsync(await db.Handoffs.AsNoTracking().FirstAsync(h => h.Id == id, cancellationToken), cancellationToken);

    /// <summary>Tells every staff page of the tenant (on every node) that the item changed.</summary>
    private async Task<HandoffView> PublishAsync(Handoff item, CancellationToken cancellationToken)
    {
        var view = (await ViewsAsync([item], cancellationToken))[0];
        feed.Publish(new ConversationEvent
        {
            TenantId = item.TenantId,
            SessionId = FeedKey(item.TenantId),
            Type = QueueEvent,
            Payload = JsonSerializer.Serialize(view, Json),
            CreatedAt = Now,
        });
        return view;
    }

    private async Task<List<HandoffView>> ViewsAsync(IReadOnlyList<Handoff> items, CancellationToken cancellationToken)
    {
        var person = await PeopleAsync(items.Select(h => h.UserId), cancellationToken);
        return [.. items.Select(h => new HandoffView(h.Id, h.Reason, h.Status, h.Priority, h.Channel, h.SessionId, person(h.UserId),
            JsonSerializer.Deserialize<List<TurnView>>(h.LastTurns, Json) ?? [],
            h.ClaimedById is { } by ? new PersonRef(by, h.ClaimedByName ?? "", null) : null,
            h.Escalated, h.CreatedAt, h.ClaimedAt, h.ClosedAt))];
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>The shape the queue's items are pushed in: the same snake_case JSON the staff API answers with.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new UtcDateTimeConverter() },
    };
}
