using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using VirtualBanker.Api.Hosting;
using VirtualBanker.Core.Conversations;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Errors;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Staff;
using VirtualBanker.Core.Tenancy;

namespace VirtualBanker.Api.Surfaces.Management;

public sealed record QueueResponse(IReadOnlyList<HandoffView> Items);

public sealed record HandoffDetail(HandoffView Item, IReadOnlyList<TurnView> Transcript, CustomerContext Context);

public sealed record StaffMessageRequest([property: Required, MinLength(1), MaxLength(4000)] string? Content);

public sealed record StaffMessageResponse(long EventId);

public sealed record HandoffNoteRequest([property: MaxLength(1000)] string? Note);

public sealed record TicketsListResponse(IReadOnlyList<TicketView> Tickets);

public sealed record UpdateTicketRequest([property: MaxLength(16)] string? Status, [property: MaxLength(16)] string? Priority);

public sealed record OpenTicketRequest(
    [property: Required, EmailAddress, MaxLength(320)] string? CustomerEmail,
    [property: Required, MinLength(1), MaxLength(200), PlainText] string? Subject,
    [property: MaxLength(4000)] string? Description,
    [property: MaxLength(16)] string? Priority);

public sealed record StaffMeResponse(Guid Id, string Name, string DisplayName, string Email, IReadOnlyList<string> Roles, string TenantId, string TenantName);

/// <summary>
/// The staff side of contract 003's surface (an addition): the queue of customers handed over by the assistant, and the
/// tickets. Staff and admins of the tenant only; another tenant's items are 404 like any missing one. Every change is audited.
/// </summary>
internal static class StaffEndpoints
{
    public static RouteGroupBuilder MapStaffEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapGet("/staff/me", MeAsync).WithTags("Staff").RequireAuthorization(AuthPolicies.Staff);

        var queue = v1.MapGroup("/handoffs").WithTags("Staff queue").RequireAuthorization(AuthPolicies.Staff);
        queue.MapGet("", ListAsync);
        queue.MapGet("/events", QueueEvents);
        queue.MapGet("/{handoffId:guid}", GetAsync);
        queue.MapGet("/{handoffId:guid}/events", ConversationEventsAsync);
        queue.MapPost("/{handoffId:guid}/claim", ClaimAsync);
        queue.MapPost("/{handoffId:guid}/messages", SendAsync);
        queue.MapPost("/{handoffId:guid}/release", ReleaseAsync);
        queue.MapPost("/{handoffId:guid}/close", CloseAsync);

        var tickets = v1.MapGroup("/tickets").WithTags("Staff tickets").RequireAuthorization(AuthPolicies.Staff);
        tickets.MapGet("", ListTicketsAsync);
        tickets.MapPost("", OpenTicketAsync);
        tickets.MapGet("/{ticketId:guid}", GetTicketAsync);
        tickets.MapPatch("/{ticketId:guid}", UpdateTicketAsync);
        return v1;
    }

    /// <summary>The signed-in staff member: name, bank and roles.</summary>
    public static async Task<Ok<StaffMeResponse>> MeAsync(ICurrentPrincipal principal, VirtualBankerDbContext db, TenantDirectory tenants, CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == principal.UserId, cancellationToken) ?? throw new AppException(AppError.Unauthorized());
        var tenant = await tenants.FindAsync(user.TenantId, cancellationToken);
        return TypedResults.Ok(new StaffMeResponse(user.Id, user.Name, DisplayName(user), user.Email, [.. principal.Roles], user.TenantId, tenant?.Name ?? user.TenantId));
    }

    /// <summary>Open items (waiting or claimed) unless <c>status</c> says otherwise; most urgent first, then the longest waiting.</summary>
    public static async Task<Ok<QueueResponse>> ListAsync(string? status, string? reason, string? priority, StaffQueue queue, CancellationToken cancellationToken)
    {
        return TypedResults.Ok(new QueueResponse(await queue.ListAsync(Filter(status, reason, priority), cancellationToken)));
    }

    private static QueueFilter Filter(string? status, string? reason, string? priority)
    {
        Check("status", status, HandoffStatuses.All);
        Check("reason", reason, HandoffReasons.All);
        Check("priority", priority, HandoffPriorities.All);
        return new QueueFilter(status, reason, priority);
    }

    /// <summary>One item of the staff queue with the customer's context and the conversation so far.</summary>
    public static async Task<Ok<HandoffDetail>> GetAsync(Guid handoffId, StaffQueue queue, CancellationToken cancellationToken)
    {
        var item = await queue.GetAsync(handoffId, cancellationToken);
        var transcript = item.SessionId is { } sessionId ? await queue.TranscriptAsync(sessionId, 200, cancellationToken) : [];
        return TypedResults.Ok(new HandoffDetail(item, transcript, await queue.CustomerContextAsync(item.Customer.Id, cancellationToken)));
    }

    /// <summary>
    /// The queue live, as Server-Sent Events: first a <c>snapshot</c> (the items <c>GET /api/v1/handoffs</c> lists with the same
    /// filters), then a <c>queue</c> event with the item each time one changes on any node. Read with fetch (it needs the bearer header).
    /// </summary>
    public static EventStreamResult<JsonNode> QueueEvents(string? status, string? reason, string? priority, ICurrentPrincipal principal, ConversationFeed feed,
        IServiceScopeFactory scopes, IHostApplicationLifetime lifetime, HttpContext context)
    {
        var filter = Filter(status, reason, priority);
        var open = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        context.Response.RegisterForDispose(open);
        return new EventStreamResult<JsonNode>(QueueItems(principal.TenantId!, filter, feed, scopes, open.Token));
    }

    private static async IAsyncEnumerable<SseItem<JsonNode>> QueueItems(string tenantId, QueueFilter filter, ConversationFeed feed, IServiceScopeFactory scopes,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Subscribed before the snapshot is read: a change made meanwhile comes after it, never lost between the two.
        using var changes = feed.Subscribe(StaffQueue.FeedKey(tenantId));
        await using (var scope = scopes.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<TenantContext>().UseTenant(tenantId);
            var items = await scope.ServiceProvider.GetRequiredService<StaffQueue>().ListAsync(filter, cancellationToken);
            yield return new SseItem<JsonNode>(JsonSerializer.SerializeToNode(new QueueResponse(items), StaffQueue.Json)!, "snapshot");
        }

        while (true)
        {
            ConversationEvent change;
            try
            {
                change = await changes.Reader.ReadAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SubscriberOverflowException or System.Threading.Channels.ChannelClosedException)
            {
                yield break;
            }

            // Every change of an item the filter's reason and priority select, so a page sees it leave its list too.
            var item = JsonNode.Parse(change.Payload)!;
            if ((filter.Reason is null || filter.Reason == item["reason"]?.GetValue<string>()) && (filter.Priority is null || filter.Priority == item["priority"]?.GetValue<string>()))
            {
                yield return new SseItem<JsonNode>(item, StaffQueue.QueueEvent);
            }
        }
    }

    /// <summary>
    /// The handed-over conversation live, as Server-Sent Events: every event of its log after <c>Last-Event-ID</c> (or <c>?after=</c>),
    /// the customer's messages included, each as the channels' frame (<c>type</c>, <c>id</c> and the payload).
    /// </summary>
    public static async Task<EventStreamResult<JsonObject>> ConversationEventsAsync(Guid handoffId, long? after, StaffQueue queue, ConversationStream stream,
        ICurrentPrincipal principal, IHostApplicationLifetime lifetime, HttpContext context, CancellationToken cancellationToken)
    {
        var item = await queue.GetAsync(handoffId, cancellationToken);
        var sessionId = item.SessionId ?? throw new AppException(AppError.NotFound("This customer is not in a conversation."));
        var open = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        context.Response.RegisterForDispose(open);
        return new EventStreamResult<JsonObject>(ConversationSockets.EventsAsync(stream, principal.TenantId!, sessionId, ConversationSockets.ResumePoint(context.Request) ?? after ?? 0,
            ConversationSockets.ToFrame, open.Token));
    }

    /// <summary>Takes a conversation: the staff member answers it from now on and the assistant stays silent.</summary>
    public static async Task<Ok<HandoffView>> ClaimAsync(Guid handoffId, ICurrentPrincipal principal, StaffQueue queue, VirtualBankerDbContext db,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await queue.ClaimAsync(handoffId, await StaffAsync(principal, db, cancellationToken), cancellationToken));

    /// <summary>Sends the staff member's reply to the customer in the conversation.</summary>
    public static async Task<Created<StaffMessageResponse>> SendAsync(Guid handoffId, StaffMessageRequest request, ICurrentPrincipal principal, StaffQueue queue,
        VirtualBankerDbContext db, CancellationToken cancellationToken)
    {
        var id = await queue.SendAsync(handoffId, await StaffAsync(principal, db, cancellationToken), request.Content!, cancellationToken);
        return TypedResults.Created($"/api/v1/handoffs/{handoffId}/events", new StaffMessageResponse(id));
    }

    /// <summary>Hands the conversation back to the assistant.</summary>
    public static async Task<Ok<HandoffView>> ReleaseAsync(Guid handoffId, [FromBody] HandoffNoteRequest? request, ICurrentPrincipal principal, StaffQueue queue,
        VirtualBankerDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await queue.ReleaseAsync(handoffId, await StaffAsync(principal, db, cancellationToken), request?.Note, cancellationToken));

    /// <summary>Closes the conversation's handoff as done.</summary>
    public static async Task<Ok<HandoffView>> CloseAsync(Guid handoffId, [FromBody] HandoffNoteRequest? request, ICurrentPrincipal principal, StaffQueue queue,
        VirtualBankerDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await queue.CloseAsync(handoffId, await StaffAsync(principal, db, cancellationToken), request?.Note, cancellationToken));

    /// <summary>The tenant's support tickets, filtered by status and priority.</summary>
    public static async Task<Ok<TicketsListResponse>> ListTicketsAsync(string? status, string? priority, TicketDesk desk, CancellationToken cancellationToken)
    {
        Check("status", status, TicketDesk.Statuses);
        Check("priority", priority, TicketDesk.Priorities);
        return TypedResults.Ok(new TicketsListResponse(await desk.ListAsync(status, priority, cancellationToken)));
    }

    /// <summary>One support ticket with its details.</summary>
    public static async Task<Ok<TicketDetail>> GetTicketAsync(Guid ticketId, TicketDesk desk, CancellationToken cancellationToken) =>
        TypedResults.Ok(await desk.GetAsync(ticketId, cancellationToken));

    /// <summary>Changes a ticket's status or priority.</summary>
    public static async Task<Ok<TicketView>> UpdateTicketAsync(Guid ticketId, UpdateTicketRequest request, ICurrentPrincipal principal, TicketDesk desk,
        VirtualBankerDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await desk.UpdateAsync(ticketId, await StaffAsync(principal, db, cancellationToken), new TicketChange(request.Status, request.Priority), cancellationToken));

    /// <summary>A ticket a staff member opens for a customer of the tenant (on the phone, at the branch).</summary>
    public static async Task<Created<TicketView>> OpenTicketAsync(OpenTicketRequest request, ICurrentPrincipal principal, TicketDesk desk, VirtualBankerDbContext db,
        CancellationToken cancellationToken)
    {
        Check("priority", request.Priority, TicketDesk.Priorities);
        var staff = await StaffAsync(principal, db, cancellationToken);
        var email = request.CustomerEmail!.Trim().ToLowerInvariant();
        var customer = await db.Users.AsNoTracking().Where(u => u.Email == email && u.Roles.Any(r => r.Role == Roles.Customer)).Select(u => (Guid?)u.Id)
            .FirstOrDefaultAsync(cancellationToken) ?? throw new AppException(AppError.Validation("customer_email", "No customer of this bank has that email."));
        var ticket = await desk.OpenAsync(customer, null, request.Subject!, request.Description ?? "", request.Priority ?? "normal", cancellationToken, staff);
        return TypedResults.Created($"/api/v1/tickets/{ticket.Id}", (await desk.GetAsync(ticket.Id, cancellationToken)).Ticket);
    }

    private static async Task<StaffMember> StaffAsync(ICurrentPrincipal principal, VirtualBankerDbContext db, CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == principal.UserId, cancellationToken) ?? throw new AppException(AppError.Unauthorized());
        return new StaffMember(user.Id, DisplayName(user));
    }

    /// <summary>How the customer sees a staff member: their first name ("Sam").</summary>
    private static string DisplayName(User user) => string.IsNullOrWhiteSpace(user.FirstName) ? user.Name : user.FirstName;

    private static void Check(string field, string? value, IReadOnlySet<string> allowed)
    {
        if (value is not null && !allowed.Contains(value))
        {
            throw new AppException(AppError.Validation(field, $"{FieldLabel.Of(field)} is one of: {string.Join(", ", allowed)}."));
        }
    }
}
