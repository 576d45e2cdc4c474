using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using VirtualBanker.Core.Actions;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Identity;
using VirtualBanker.Api.Hosting;

namespace VirtualBanker.Api.Surfaces.Customer;

public sealed record ResolveAlertRequest([property: Required] bool? Genuine);

public sealed record CreateDisputeRequest([property: Required] Guid? TransactionId, [property: Required, MaxLength(500)] string? Reason);

public sealed record DisputesResponse(IReadOnlyList<DisputeView> Disputes);

public sealed record TicketItem(Guid Id, string? Reference, string Subject, string Priority, string Status, DateTime CreatedAt);

public sealed record TicketsResponse(IReadOnlyList<TicketItem> Tickets);

/// <summary>
/// The customer's verdict on a fraud alert, their disputes and their support tickets. Changes are idempotent under an
/// <c>Idempotency-Key</c> header and audited; another customer's alert or payment is a 404.
/// </summary>
internal static class DisputeEndpoints
{
    public static RouteGroupBuilder MapFraudResolution(this RouteGroupBuilder group)
    {
        group.MapPost("/{fraudLogId:guid}/resolve", ResolveAsync).AcceptsIdempotencyKey();
        return group;
    }

    public static RouteGroupBuilder MapDisputeEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/", ListAsync);
        group.MapPost("/", OpenAsync).AcceptsIdempotencyKey();
        return group;
    }

    public static RouteGroupBuilder MapTicketEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/", TicketsAsync);
        return group;
    }

    /// <summary>"It was me" closes the alert; "not me" confirms it as fraud, freezes the card of its account and opens a dispute, in one step.</summary>
    public static async Task<Ok<FraudResolution>> ResolveAsync(Guid fraudLogId, ResolveAlertRequest request, HttpRequest http, ICurrentPrincipal principal,
        DisputeService disputes, CancellationToken cancellationToken) =>
        TypedResults.Ok(await disputes.ResolveAlertAsync(CardEndpoints.Actor(principal, http), fraudLogId, request.Genuine!.Value, cancellationToken));

    /// <summary>The customer's disputes of payments. Each with its reference to quote and its status.</summary>
    public static async Task<Ok<DisputesResponse>> ListAsync(ICurrentPrincipal principal, DisputeService disputes, CancellationToken cancellationToken) =>
        TypedResults.Ok(new DisputesResponse([.. (await disputes.ListAsync(principal.UserId!.Value, cancellationToken)).Select(DisputeView.Of)]));

    /// <summary>Opens a dispute of one of the customer's payments. Idempotent (Idempotency-Key header); answers the dispute with its reference.</summary>
    public static async Task<Created<DisputeView>> OpenAsync(CreateDisputeRequest request, HttpRequest http, ICurrentPrincipal principal, DisputeService disputes,
        CancellationToken cancellationToken)
    {
        var dispute = await disputes.OpenAsync(CardEndpoints.Actor(principal, http), request.TransactionId!.Value, request.Reason!, cancellationToken);
        return TypedResults.Created($"/api/disputes/{dispute.Id}", dispute);
    }

    /// <summary>The customer's support tickets. Each with a unique reference, subject, priority and status.</summary>
    public static async Task<Ok<TicketsResponse>> TicketsAsync(ICurrentPrincipal principal, VirtualBankerDbContext db, CancellationToken cancellationToken)
    {
        var userId = principal.UserId!.Value;
        var tickets = await db.Tickets.AsNoTracking().Where(t => t.UserId == userId).OrderByDescending(t => t.CreatedAt).Take(100)
            .Select(t => new TicketItem(t.Id, t.Reference, t.Subject, t.Priority, t.Status, DateTime.SpecifyKind(t.CreatedAt, DateTimeKind.Utc)))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new TicketsResponse(tickets));
    }
}
