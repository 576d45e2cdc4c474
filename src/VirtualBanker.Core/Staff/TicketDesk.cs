using Microsoft.EntityFrameworkCore;
using VirtualBanker.Core.Actions;
using VirtualBanker.Core.Banking;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Errors;

namespace VirtualBanker.Core.Staff;

public sealed record TicketView(Guid Id, string? Reference, string Subject, string Description, string Priority, string Status, string? SessionId,
    PersonRef Customer, DateTime CreatedAt, DateTime UpdatedAt);

public sealed record TicketDetail(TicketView Ticket, IReadOnlyList<TurnView> Transcript);

/// <summary>What a staff member changes on a ticket; null leaves a field as it is.</summary>
public sealed record TicketChange(string? Status, string? Priority);

/// <summary>
/// Support tickets: opened for a customer (by the assistant or by staff) under a unique, short, checked reference
/// (<c>DB-7K3Q9MX</c>), and worked on by staff. Every staff change is audited.
/// </summary>
public sealed class TicketDesk(VirtualBankerDbContext db, StaffQueue queue, TimeProvider clock)
{
    public static readonly IReadOnlySet<string> Statuses = new HashSet<string>(StringComparer.Ordinal) { "open", "in_progress", "closed" };
    public static readonly IReadOnlySet<string> Priorities = new HashSet<string>(StringComparer.Ordinal) { "normal", "high" };
    private const int ReferenceAttempts = 8;

    /// <summary>Where references come from; a test gives one that repeats itself.</summary>
    internal Func<string, string> NewReference { get; init; } = References.New;

    /// <summary>
    /// Opens a ticket. Its reference is random (32^6 codes per tenant, so a repeat is rare); the tenant's unique index
    /// decides, and a reference another ticket holds is drawn again.
    /// </summary>
    public async Task<Ticket> OpenAsync(Guid userId, string? sessionId, string subject, string description, string priority, CancellationToken cancellationToken,
        StaffMember? openedBy = null)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var prefix = References.PrefixFor(db.Tenant.TenantId!);
        var ticket = new Ticket
        {
            UserId = userId,
            SessionId = sessionId,
            Subject = Truncate(subject, 200),
            Description = Truncate(description, 4000),
            Priority = priority == "high" ? "high" : "normal",
            CreatedAt = now,
            UpdatedAt = now,
        };
        for (var attempt = 1; ; attempt++)
        {
            ticket.Reference = NewReference(prefix);
            db.Tickets.Add(ticket);
            var audit = openedBy is null ? null : StaffQueue.AuditRow(userId, openedBy.Id, "ticket.open", ticket.Id, now);
            if (audit is not null)
            {
                db.ActionAudits.Add(audit);
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return ticket;
            }
            catch (DbUpdateException) when (attempt < ReferenceAttempts)
            {
                // The reference is taken (by an older ticket, or one opened at the same moment): draw again.
                db.Entry(ticket).State = EntityState.Detached;
                if (audit is not null)
                {
                    db.Entry(audit).State = EntityState.Detached;
                }
            }
        }
    }

    public async Task<IReadOnlyList<TicketView>> ListAsync(string? status, string? priority, CancellationToken cancellationToken)
    {
        var query = db.Tickets.AsNoTracking();
        if (status is not null)
        {
            query = query.Where(t => t.Status == status);
        }

        if (priority is not null)
        {
            query = query.Where(t => t.Priority == priority);
        }

        return await ViewsAsync(await query.OrderByDescending(t => t.CreatedAt).Take(200).ToListAsync(cancellationToken), cancellationToken);
    }

    /// <summary>A ticket with the conversation it was opened in, as staff read it.</summary>
    public async Task<TicketDetail> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        var ticket = await db.Tickets.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, cancellationToken) ?? throw NotFound();
        var transcript = ticket.SessionId is { } sessionId ? await queue.TranscriptAsync(sessionId, 200, cancellationToken) : [];
        return new TicketDetail((await ViewsAsync([ticket], cancellationToken))[0], transcript);
    }

    public async Task<TicketView> UpdateAsync(Guid id, StaffMember staff, TicketChange change, CancellationToken cancellationToken)
    {
        if (change.Status is { } status && !Statuses.Contains(status))
        {
            throw new AppException(AppError.Validation("status", "Status is open, in_progress or closed."));
        }

        if (change.Priority is { } priority && !Priorities.Contains(priority))
        {
            throw new AppException(AppError.Validation("priority", "Priority is normal or high."));
        }

        var ticket = await db.Tickets.FirstOrDefaultAsync(t => t.Id == id, cancellationToken) ?? throw NotFound();
        ticket.Status = change.Status ?? ticket.Status;
        ticket.Priority = change.Priority ?? ticket.Priority;
        ticket.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        db.ActionAudits.Add(StaffQueue.AuditRow(ticket.UserId, staff.Id, "ticket.update", ticket.Id, ticket.UpdatedAt));
        await db.SaveChangesAsync(cancellationToken);
        return (await ViewsAsync([ticket], cancellationToken))[0];
    }

    private async Task<List<TicketView>> ViewsAsync(IReadOnlyList<Ticket> tickets, CancellationToken cancellationToken)
    {
        var person = await queue.PeopleAsync(tickets.Select(t => t.UserId), cancellationToken);
        return [.. tickets.Select(t => new TicketView(t.Id, t.Reference, t.Subject, t.Description, t.Priority, t.Status, t.SessionId, person(t.UserId),
            t.CreatedAt, t.UpdatedAt))];
    }

    private static AppException NotFound() => new(AppError.NotFound("No such ticket."));

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];
}
