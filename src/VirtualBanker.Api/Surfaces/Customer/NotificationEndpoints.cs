using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using VirtualBanker.Api.Hosting;
using VirtualBanker.Core.Banking;
using VirtualBanker.Core.Errors;

namespace VirtualBanker.Api.Surfaces.Customer;

public sealed record NotificationList(IReadOnlyList<NotificationItem> Notifications, int UnreadCount);

public sealed record NotificationItem(Guid Id, string Title, string Message, string Type, bool Read, string CreatedAt);

public sealed record SuccessResponse(bool Success);

internal static class NotificationEndpoints
{
    public static RouteGroupBuilder MapNotificationEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/", ListAsync);
        group.MapPatch("/read-all", ReadAllAsync);
        group.MapPatch("/{id:guid}/read", ReadAsync);
        group.MapDelete("/{id:guid}", DeleteAsync);
        return group;
    }

    /// <summary>The customer's notifications, newest first, with the unread count.</summary>
    public static async Task<Ok<NotificationList>> ListAsync(
        [AsParameters] Caller caller, [FromQuery(Name = "limit"), QueryInteger(1, 100)] string? limitParam, NotificationService notifications, CancellationToken cancellationToken)
    {
        var limit = Query.Int(limitParam, "limit", 20, 1, 100);
        var (items, unread) = await notifications.ListAsync(await caller.UserIdAsync(cancellationToken), limit, cancellationToken);
        return TypedResults.Ok(new NotificationList(
            [.. items.Select(n => new NotificationItem(n.Id, n.Title, n.Message, n.Type, n.Read, Money.Timestamp(n.CreatedAt)))], unread));
    }

    // Changes act on the caller's own notifications only: another user's id is "not found", not "forbidden".
    /// <summary>Marks one notification read.</summary>
    public static async Task<Results<Ok<SuccessResponse>, ErrorResult>> ReadAsync(
        Guid id, [AsParameters] Caller caller, NotificationService notifications, CancellationToken cancellationToken) =>
        await notifications.MarkReadAsync(await caller.UserIdAsync(cancellationToken), id, cancellationToken)
            ? TypedResults.Ok(new SuccessResponse(true))
            : new ErrorResult(AppError.NotFound("No such notification."));

    /// <summary>Marks all of the customer's notifications read.</summary>
    public static async Task<Ok<SuccessResponse>> ReadAllAsync([AsParameters] Caller caller, NotificationService notifications, CancellationToken cancellationToken)
    {
        await notifications.MarkAllReadAsync(await caller.UserIdAsync(cancellationToken), cancellationToken);
        return TypedResults.Ok(new SuccessResponse(true));
    }

    /// <summary>Dismisses one notification.</summary>
    public static async Task<Results<Ok<SuccessResponse>, ErrorResult>> DeleteAsync(
        Guid id, [AsParameters] Caller caller, NotificationService notifications, CancellationToken cancellationToken) =>
        await notifications.DeleteAsync(await caller.UserIdAsync(cancellationToken), id, cancellationToken)
            ? TypedResults.Ok(new SuccessResponse(true))
            : new ErrorResult(AppError.NotFound("No such notification."));
}
