using Microsoft.AspNetCore.Http.HttpResults;
using VirtualBanker.Core.Actions;
using VirtualBanker.Core.Identity;
using VirtualBanker.Api.Hosting;

namespace VirtualBanker.Api.Surfaces.Customer;

public sealed record CardsResponse(IReadOnlyList<CardView> Cards);

public sealed record ReportLostRequest(bool? Stolen);

/// <summary>
/// The customer's cards: list, freeze, unfreeze, report lost or stolen. Each change is idempotent under an
/// <c>Idempotency-Key</c> header, audited, and only on the caller's own cards (another customer's card is a 404).
/// </summary>
internal static class CardEndpoints
{
    public static RouteGroupBuilder MapCardEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/", ListAsync);
        group.MapPost("/{cardId:guid}/freeze", FreezeAsync).AcceptsIdempotencyKey();
        group.MapPost("/{cardId:guid}/unfreeze", UnfreezeAsync).AcceptsIdempotencyKey();
        group.MapPost("/{cardId:guid}/report-lost", ReportLostAsync).AcceptsIdempotencyKey();
        return group;
    }

    /// <summary>The customer's payment cards with their status. Active, frozen, lost, stolen, replaced or closed.</summary>
    public static async Task<Ok<CardsResponse>> ListAsync(ICurrentPrincipal principal, CardService cards, CancellationToken cancellationToken) =>
        TypedResults.Ok(new CardsResponse([.. (await cards.ListAsync(principal.UserId!.Value, cancellationToken)).Select(CardView.Of)]));

    /// <summary>Freezes a card: its new payments are declined until it is unfrozen. Idempotent (Idempotency-Key header) and audited.</summary>
    public static async Task<Ok<CardView>> FreezeAsync(Guid cardId, HttpRequest http, ICurrentPrincipal principal, CardService cards, CancellationToken cancellationToken) =>
        TypedResults.Ok(await cards.FreezeAsync(Actor(principal, http), cardId, cancellationToken));

    /// <summary>Unfreezes a frozen card. Idempotent (Idempotency-Key header) and audited.</summary>
    public static async Task<Ok<CardView>> UnfreezeAsync(Guid cardId, HttpRequest http, ICurrentPrincipal principal, CardService cards, CancellationToken cancellationToken) =>
        TypedResults.Ok(await cards.UnfreezeAsync(Actor(principal, http), cardId, cancellationToken));

    /// <summary>Blocks the card at once (lost or stolen) and issues a replacement on the same account.</summary>
    public static async Task<Ok<ReportLostResult>> ReportLostAsync(Guid cardId, ReportLostRequest? request, HttpRequest http, ICurrentPrincipal principal, CardService cards,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await cards.ReportLostAsync(Actor(principal, http), cardId, request?.Stolen ?? false, cancellationToken));

    /// <summary>The customer acting on their own cards over the API, with the request's idempotency key.</summary>
    internal static ActionContext Actor(ICurrentPrincipal principal, HttpRequest http) =>
        new(principal.UserId!.Value, principal.UserId!.Value, "api", IdempotencyKey(http));

    private static string? IdempotencyKey(HttpRequest request) =>
        request.Headers["Idempotency-Key"].FirstOrDefault() is { } key
            ? key.Length is > 0 and <= 128 ? key : throw new Core.Errors.AppException(Core.Errors.AppError.Validation("Idempotency-Key", "Idempotency-Key must be 1 to 128 characters."))
            : null;
}
