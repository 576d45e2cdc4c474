using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using VirtualBanker.Api.Hosting;
using VirtualBanker.Core.Observability;

namespace VirtualBanker.Api.Surfaces.Customer;

public sealed record StatusResponse(string AiBackend, bool AiAvailable, string DbType, string CacheType, string Version);

public sealed record MetricsResponse(
    double UptimeSeconds,
    RequestsBlock Requests,
    WebSocketBlock Websocket,
    AiBlock Ai,
    CacheBlock Cache,
    IReadOnlyDictionary<string, RouteTiming> RouteTimings,
    IReadOnlyList<RecentError> RecentErrors,
    HandoffBlock Handoff);

public sealed record RequestsBlock(long Total, long Errors, long AuthFailures, double ErrorRatePct);

public sealed record WebSocketBlock(long TotalConnects, long Reconnects);

public sealed record AiBlock(long Fallbacks, IReadOnlyDictionary<string, ProviderTiming> ByProvider);

/// <summary>The staff queue: customers who waited longer than their tenant's <c>handoff.sla_seconds</c> (an addition to contract 001).</summary>
public sealed record HandoffBlock(long SlaBreaches);

public sealed record CacheBlock(long Hits, long Misses, double HitRatioPct);

internal static class ObservabilityEndpoints
{
    public static RouteGroupBuilder MapObservabilityEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/status", GetStatus).AllowAnonymous();

        // Route timings and recent errors span every tenant: platform admins only.
        group.MapGet("/metrics", GetMetrics).RequireAuthorization(AuthPolicies.PlatformAdmin);
        return group;
    }

    /// <summary>Whether the service is up: its assistant provider, database and cache kinds, and version. Anonymous; says nothing about tenants.</summary>
    public static Ok<StatusResponse> GetStatus(IOptions<DatabaseOptions> database, IServiceProvider services) =>
        TypedResults.Ok(new StatusResponse("builtin", true, database.Value.Provider, ScaleOut.ScaleOutExtensions.CacheKind(services), ObservabilityExtensions.Version));

    /// <summary>Request counts and latencies by route pattern, chat and WebSocket counters. For the platform's operators.</summary>
    public static Ok<MetricsResponse> GetMetrics(MetricsCollector metrics)
    {
        var s = metrics.Snapshot();
        return TypedResults.Ok(new MetricsResponse(
            s.UptimeSeconds,
            new RequestsBlock(s.Requests, s.Errors, s.AuthFailures, s.ErrorRatePct),
            new WebSocketBlock(s.WebSocketConnects, s.WebSocketReconnects),
            new AiBlock(s.AiFallbacks, s.AiProviders),
            new CacheBlock(s.CacheHits, s.CacheMisses, s.CacheHitRatioPct),
            s.Routes,
            s.RecentErrors,
            new HandoffBlock(metrics.HandoffSlaBreaches)));
    }
}
