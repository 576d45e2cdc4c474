using Microsoft.AspNetCore.Http.HttpResults;
using VirtualBanker.Api.Hosting;
using VirtualBanker.Core.Conversations;
using VirtualBanker.Core.Errors;

namespace VirtualBanker.Api.Surfaces.Gateway;

public sealed record RequeueItemResponse(Guid RequeueId, string SessionId, string Topic, int Attempts, string? LastError, string CreatedAt);

public sealed record StatusResponse(string Status);

internal static class RequeueEndpoints
{
    public static RouteGroupBuilder MapRequeueEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/", ListAsync);
        group.MapPost("/{requeueId:guid}/resolve", ResolveAsync);
        group.MapDelete("/{requeueId:guid}", DeleteAsync);
        return group;
    }

    /// <summary>Messages whose run failed and wait to be run again or resolved. The tenant's only.</summary>
    public static async Task<Ok<List<RequeueItemResponse>>> ListAsync(RequeueService requeue, CancellationToken cancellationToken) =>
        TypedResults.Ok((await requeue.ListPendingAsync(cancellationToken))
            .Select(r => new RequeueItemResponse(r.Id, r.SessionId, r.Topic, r.Attempts, r.LastError, r.CreatedAt.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture)))
            .ToList());

    /// <summary>Resolves a parked run; with <c>publish=true</c> it runs again.</summary>
    public static async Task<Results<Ok<StatusResponse>, ErrorResult>> ResolveAsync(Guid requeueId, bool? publish, RequeueService requeue, CancellationToken cancellationToken) =>
        await requeue.ResolveAsync(requeueId, publish == true, cancellationToken) is { } status
            ? TypedResults.Ok(new StatusResponse(status == RequeueStatus.Republished ? "republished" : "resolved"))
            : new ErrorResult(AppError.NotFound("No such pending requeue item."));

    /// <summary>Deletes a requeue item without running it.</summary>
    public static async Task<Results<Ok<StatusResponse>, ErrorResult>> DeleteAsync(Guid requeueId, RequeueService requeue, CancellationToken cancellationToken) =>
        await requeue.DeleteAsync(requeueId, cancellationToken)
            ? TypedResults.Ok(new StatusResponse("deleted"))
            : new ErrorResult(AppError.NotFound("No such requeue item."));
}
