using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using VirtualBanker.Api.Hosting;
using VirtualBanker.Core.Actions;
using VirtualBanker.Core.Identity;

namespace VirtualBanker.Api.Surfaces.Customer;

public sealed record PayeeItem(Guid Id, string Name, string AccountNumber, string BankCode, DateTime CreatedAt)
{
    /// <summary>The account number masked but for its last four characters: it identifies the payee without repeating it whole.</summary>
    public static PayeeItem Of(Payee p) => new(p.Id, p.Name, "••••" + p.AccountNumber[^4..], p.BankCode, DateTime.SpecifyKind(p.CreatedAt, DateTimeKind.Utc));
}

public sealed record PayeesResponse(IReadOnlyList<PayeeItem> Payees);

public sealed record CreatePayeeRequest(
    [property: Required, MaxLength(100), PlainText] string? Name,
    [property: Required, MaxLength(64)] string? AccountNumber,
    [property: Required, MaxLength(32)] string? BankCode);

public sealed record CreateTransferRequest(
    [property: Required] Guid? FromAccountId,
    Guid? ToAccountId,
    Guid? PayeeId,
    [property: Required, MoneyRange("0.01", "1000000")] decimal? Amount,
    [property: MaxLength(140)] string? Memo);

public sealed record TransfersResponse(IReadOnlyList<TransferView> Transfers);

/// <summary>
/// Payees and transfers: between the customer's own accounts (paying the credit card is a transfer to it) and to their
/// payees. Idempotent under an <c>Idempotency-Key</c> header; 422 <c>insufficient_funds</c>, <c>same_account</c> or
/// <c>limit_exceeded</c>; another customer's account or payee is a 404.
/// </summary>
internal static class TransferEndpoints
{
    public static RouteGroupBuilder MapPayeeEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/", PayeesAsync);
        group.MapPost("/", AddPayeeAsync).AcceptsIdempotencyKey();
        return group;
    }

    public static RouteGroupBuilder MapTransferEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/", ListAsync);
        group.MapPost("/", TransferAsync).AcceptsIdempotencyKey();
        return group;
    }

    /// <summary>The customer's saved payees. People and companies they pay, with account number and bank code.</summary>
    public static async Task<Ok<PayeesResponse>> PayeesAsync(ICurrentPrincipal principal, TransferService transfers, CancellationToken cancellationToken) =>
        TypedResults.Ok(new PayeesResponse([.. (await transfers.PayeesAsync(principal.UserId!.Value, cancellationToken)).Select(PayeeItem.Of)]));

    /// <summary>Saves a payee. The account number and bank code are validated.</summary>
    public static async Task<Created<PayeeItem>> AddPayeeAsync(CreatePayeeRequest request, HttpRequest http, ICurrentPrincipal principal, TransferService transfers,
        CancellationToken cancellationToken)
    {
        var payee = await transfers.AddPayeeAsync(CardEndpoints.Actor(principal, http), request.Name!, request.AccountNumber!, request.BankCode!, cancellationToken);
        return TypedResults.Created($"/api/payees/{payee.Id}", PayeeItem.Of(payee));
    }

    /// <summary>The customer's transfers, newest first. Between their own accounts and to payees.</summary>
    public static async Task<Ok<TransfersResponse>> ListAsync(ICurrentPrincipal principal, TransferService transfers, CancellationToken cancellationToken) =>
        TypedResults.Ok(new TransfersResponse([.. (await transfers.ListAsync(principal.UserId!.Value, 100, cancellationToken)).Select(TransferService.View)]));

    /// <summary>Moves money between the customer's accounts or to a payee. A balanced ledger entry in one transaction, never below an account's limit, within the tenant's daily limit; idempotent (Idempotency-Key header); 422 insufficient_funds, same_account or limit_exceeded.</summary>
    public static async Task<Created<TransferResult>> TransferAsync(CreateTransferRequest request, HttpRequest http, ICurrentPrincipal principal, TransferService transfers,
        CancellationToken cancellationToken)
    {
        var result = await transfers.TransferAsync(CardEndpoints.Actor(principal, http),
            new TransferRequest(request.FromAccountId!.Value, request.ToAccountId, request.PayeeId, Money.ToMinor(request.Amount!.Value, "amount"), request.Memo),
            cancellationToken);
        return TypedResults.Created($"/api/transfers/{result.Transfer.Id}", result);
    }
}
