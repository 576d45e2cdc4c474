using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Errors;

namespace VirtualBanker.Core.Actions;

/// <summary>Who acts for which customer, over which channel, and under which idempotency key (if any).</summary>
public sealed record ActionContext(Guid UserId, Guid ActorId, string Channel, string? IdempotencyKey)
{
    /// <summary>The conversation the action was asked for in, if any (a fraud confirmed there hands that conversation to staff).</summary>
    public string? SessionId { get; init; }
}

/// <summary>
/// Runs every action on a customer's cards or money the same way: in one database transaction with its audit row,
/// once per idempotency key (the gateway's semantics: the same key and request return the first answer; the same key
/// with another request is a 422). A refused action stores nothing (hostile input must leave no trace in the
/// database) and is logged instead, without its request.
/// </summary>
public sealed partial class ActionLog(VirtualBankerDbContext db, SqliteGroupCommit groupCommit, TimeProvider clock, ILogger<ActionLog> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Runs <paramref name="work"/> (the action's writes; it may throw an <see cref="AppException"/> to refuse) with its audit
    /// row in one transaction (on SQLite, a group's: <see cref="SqliteGroupCommit"/>). Do the action's reads before: on SQLite the
    /// transaction holds the database's one write lock.
    /// </summary>
    public async Task<T> RunAsync<T>(ActionContext context, string action, object request, Func<Task<(T Result, Guid? Target, long? AmountMinor)>> work,
        CancellationToken cancellationToken) where T : class
    {
        var requestJson = JsonSerializer.Serialize(request, Json);

        // A key seen before is answered before queueing for the writer; a key racing in on another request meanwhile
        // is caught by the key's unique index (DbUpdateException below).
        if (context.IdempotencyKey is { } seenKey && await ReplayAsync<T>(context.UserId, seenKey, action, requestJson, cancellationToken) is { } replayed)
        {
            return replayed;
        }

        try
        {
            if (db.Database.ProviderName == "Microsoft.EntityFrameworkCore.Sqlite")
            {
                return await groupCommit.RunAsync(db, RunOnceAsync);
            }

            // Through the provider's execution strategy: PostgreSQL's retries a transient failure, and then runs the whole
            // attempt again (its own transaction, from a clean change tracker).
            return await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
            {
                db.ChangeTracker.Clear();
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                var result = await RunOnceAsync();
                await transaction.CommitAsync(cancellationToken);
                return result;
            });
        }
        catch (AppException ex)
        {
            db.ChangeTracker.Clear();
            LogRefused(logger, action, context.UserId, context.Channel, ex.Error.Code);
            throw;
        }
        catch (DbUpdateException) when (context.IdempotencyKey is not null)
        {
            // The same key raced in on another request and was stored first: answer as that one did.
            db.ChangeTracker.Clear();
            return await ReplayAsync<T>(context.UserId, context.IdempotencyKey, action, requestJson, cancellationToken)
                ?? throw new AppException(AppError.Conflict("The request is being processed. Retry shortly."));
        }

        // The action's writes and its audit row, saved within the caller's transaction.
        async Task<T> RunOnceAsync()
        {
            var (result, target, amount) = await work();
            db.ActionAudits.Add(Audit(context, action, target, amount, "ok", requestJson, JsonSerializer.Serialize(result, Json), context.IdempotencyKey));
            await db.SaveChangesAsync(cancellationToken);
            return result;
        }
    }

    private async Task<T?> ReplayAsync<T>(Guid userId, string key, string action, string requestJson, CancellationToken cancellationToken) where T : class
    {
        var seen = await db.ActionAudits.AsNoTracking().FirstOrDefaultAsync(a => a.UserId == userId && a.IdempotencyKey == key, cancellationToken);
        if (seen is null)
        {
            return default;
        }

        return seen.Action == action && seen.Request == requestJson && seen.Response is { } response
            ? JsonSerializer.Deserialize<T>(response, Json)
            : throw new AppException(AppError.IdempotencyKeyReused("This Idempotency-Key"));
    }

    private ActionAudit Audit(ActionContext context, string action, Guid? target, long? amount, string result, string request, string? response, string? key) => new()
    {
        UserId = context.UserId,
        ActorId = context.ActorId,
        Action = action,
        TargetId = target,
        AmountMinor = amount,
        Channel = context.Channel,
        Result = result,
        IdempotencyKey = key,
        Request = request,
        Response = response,
        CreatedAt = clock.GetUtcNow().UtcDateTime,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Action {Action} for user {UserId} over {Channel} refused: {Code}")]
    private static partial void LogRefused(ILogger logger, string action, Guid userId, string channel, string code);
}
