using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using VirtualBanker.Api.Hosting;
using VirtualBanker.Core.Banking;
using VirtualBanker.Core.Errors;

namespace VirtualBanker.Api.Surfaces.Customer;

public sealed record TransactionPage(IReadOnlyList<TransactionItem> Transactions, int Total, int Page, int Pages);

public sealed record IngestTransactionRequest(
    [property: Required, MinLength(1), MaxLength(128), RegularExpression("^[A-Za-z0-9._:-]+$")] string? ExternalId,
    [property: Required] Guid? UserId,
    Guid? AccountId,
    [property: Required, MinLength(1), MaxLength(200), PlainText] string? Merchant,
    [property: Required, MoneyRange("-10000000", "10000000")] decimal? Amount,
    [property: RegularExpression("^[A-Za-z]{3}$")] string? Currency,
    DateTime? Timestamp,
    [property: MaxLength(64)] string? Category,
    Guid? CardId = null);

public sealed record IngestTransactionResponse(TransactionItem Transaction, bool Created, IngestedFraudAlert? FraudAlert);

public sealed record IngestedFraudAlert(Guid FraudLogId, double RiskScore, string Details);

internal static class TransactionEndpoints
{
    public static RouteGroupBuilder MapTransactionReads(this RouteGroupBuilder group)
    {
        group.MapGet("/", ListAsync);
        return group;
    }

    public static RouteGroupBuilder MapTransactionIngest(this RouteGroupBuilder group)
    {
        group.MapPost("/", IngestAsync).RequireAuthorization(AuthPolicies.Ingest);
        return group;
    }

    /// <summary>The customer's transactions, newest first, a page at a time. Filter by category and by type (credit or debit); limit is at most 100.</summary>
    public static async Task<Ok<TransactionPage>> ListAsync(
        [AsParameters] Caller caller,
        [FromQuery(Name = "page"), QueryInteger(1, 1_000_000)] string? pageParam,
        [FromQuery(Name = "limit"), QueryInteger(1, 100)] string? limitParam,
        string? category,
        string? type,
        CancellationToken cancellationToken)
    {
        var page = Query.Int(pageParam, "page", 1, 1, 1_000_000);
        var limit = Query.Int(limitParam, "limit", 20, 1, 100);
        if (category?.Length > 64)
        {
            throw new AppException(AppError.Validation("category", "category is at most 64 characters."));
        }

        TransactionType? kind = type?.ToLowerInvariant() switch
        {
            null or "" => null,
            "debit" => TransactionType.Debit,
            "credit" => TransactionType.Credit,
            _ => throw new AppException(AppError.Validation("type", "type must be credit or debit.")),
        };
        var userId = await caller.UserIdAsync(cancellationToken);
        var (items, total) = await caller.Customers.ListTransactionsAsync(userId, page, limit, category, kind, cancellationToken);
        return TypedResults.Ok(new TransactionPage([.. items.Select(Money.Item)], total, page, (total + limit - 1) / limit));
    }

    /// <summary>
    /// Posts one transaction from the bank's core system (tenant admin, or an API key with the
    /// <c>transactions:ingest</c> scope). 201 when stored, 200 with the stored one when the
    /// external id was seen before.
    /// </summary>
    public static async Task<Results<Created<IngestTransactionResponse>, Ok<IngestTransactionResponse>>> IngestAsync(
        IngestTransactionRequest request, TransactionIngestService ingest, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var amount = Money.ToMinor(request.Amount!.Value, "amount");
        if (amount == 0)
        {
            throw new AppException(AppError.Validation("amount", "amount must not be zero."));
        }

        var timestamp = request.Timestamp?.ToUniversalTime() ?? now;
        if (timestamp < now.AddYears(-10))
        {
            throw new AppException(AppError.Validation("timestamp", "timestamp must be within the last ten years."));
        }

        var result = await ingest.IngestAsync(
            new IngestTransaction(request.ExternalId!, request.UserId!.Value, request.AccountId, request.Merchant!, amount,
                request.Currency?.ToUpperInvariant() ?? "USD", timestamp, request.Category, request.CardId),
            cancellationToken);
        var response = new IngestTransactionResponse(
            Money.Item(result.Transaction),
            result.Created,
            result.Alert is { } a ? new IngestedFraudAlert(a.Id, a.RiskScore, a.Details) : null);
        return result.Created
            ? TypedResults.Created($"/api/transactions/{result.Transaction.Id}", response)
            : TypedResults.Ok(response);
    }
}
