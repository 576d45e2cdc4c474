using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;
using VirtualBanker.Core.Agents;
using VirtualBanker.Core.Conversations;
using VirtualBanker.Core.Data;

namespace VirtualBanker.Api.Hosting;

public sealed record ComponentStatus(string Status, string Kind, double? LatencyMs = null);

public sealed record ProviderStatus(string Role, string DeploymentMode, string Provider, string Model, string Status);

public sealed record HealthReport(string Status, string Version, DateTime Timestamp, IReadOnlyDictionary<string, ComponentStatus> Components, IReadOnlyList<ProviderStatus> Providers);

/// <summary>
/// The status of each component the server depends on — database, cache, event bus, and each LLM
/// endpoint the caller's tenant configured — for <c>GET /v1/health</c> (002) and the workspace admin
/// status (004). Endpoints are probed with a short timeout and the answer is kept 30 s, so a health
/// poller cannot turn into load on a provider.
/// </summary>
internal sealed class ComponentHealth(
    VirtualBankerDbContext db, HybridCache cache, IEventBus bus, ModelProfileService profiles, IOptions<DatabaseOptions> database, Core.Outbound.OutboundGuard outbound,
    IServiceProvider services, TimeProvider clock)
{
    public const string Healthy = "healthy";
    public const string Degraded = "degraded";
    public const string Unhealthy = "unhealthy";

    /// <summary>A component contract 002 names that this deployment does not use; it never makes the report unhealthy.</summary>
    public const string NotConfigured = "not configured";

    private static readonly ConcurrentDictionary<string, (string Status, DateTime CheckedAt)> Probes = new(StringComparer.Ordinal);

    /// <summary>
    /// The report. Endpoints are probed only for an admin (<paramref name="probeProviders"/>): told which URLs answer, anyone
    /// else could use the probe to map a network, so they see the server's own components and the builtin provider.
    /// </summary>
    public async Task<HealthReport> CheckAsync(bool probeProviders, CancellationToken cancellationToken)
    {
        var components = new Dictionary<string, ComponentStatus>
        {
            ["database"] = await TimedAsync(database.Value.Provider, () => db.Database.CanConnectAsync(cancellationToken)),
            ["cache"] = await TimedAsync("hybrid", async () =>
            {
                var probe = await cache.GetOrCreateAsync("vb:health-probe", _ => ValueTask.FromResult("ok"), cancellationToken: cancellationToken);
                return probe == "ok";
            }),
            ["bus"] = new(Healthy, bus is InProcessEventBus ? "in-process" : bus.GetType().Name),
        };

        // Contract 002 names postgres, redis and kafka: the same checks under its names, or what is used instead.
        components["postgres"] = database.Value.IsSqlite ? new(NotConfigured, "sqlite is the database") : components["database"];
        components["redis"] = services.GetService<StackExchange.Redis.IConnectionMultiplexer>() is { } redis
            ? await TimedAsync("redis", async () => await redis.GetDatabase().PingAsync() < TimeSpan.FromSeconds(5))
            : new(NotConfigured, "one node: cache and bus in memory");
        components["kafka"] = new(NotConfigured, "not used: events go through " + (bus is InProcessEventBus ? "memory" : "Redis streams"));

        var providers = new List<ProviderStatus> { new("*", "*", BuiltinProvider, "builtin", Healthy) };
        foreach (var profile in db.Tenant.TenantId is null || !probeProviders ? [] : await profiles.ListAsync(cancellationToken))
        {
            providers.Add(new ProviderStatus(profile.Role, profile.DeploymentMode, profile.Provider, profile.Model,
                profile.BaseUrl is { } url ? await ProbeAsync(url, cancellationToken) : Healthy));
        }

        var status = components.Values.Any(c => c.Status == Unhealthy) ? Unhealthy : providers.Any(p => p.Status != Healthy) ? Degraded : Healthy;
        return new HealthReport(status, ObservabilityExtensions.Version, clock.GetUtcNow().UtcDateTime, components, providers);
    }

    /// <summary>The report as an HTTP answer: 503 when a component the server cannot work without is down.</summary>
    public async Task<IResult> RespondAsync(bool probeProviders, CancellationToken cancellationToken)
    {
        var report = await CheckAsync(probeProviders, cancellationToken);
        return TypedResults.Json(report, statusCode: report.Status == Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
    }

    private const string BuiltinProvider = Core.Agents.Builtin.BuiltinChatClient.ProviderName;

    private static async Task<ComponentStatus> TimedAsync(string kind, Func<Task<bool>> check)
    {
        var started = Stopwatch.GetTimestamp();
        bool ok;
        try
        {
            ok = await check();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ok = false;
        }

        return new ComponentStatus(ok ? Healthy : Unhealthy, kind, Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 2));
    }

    /// <summary>An OpenAI-compatible endpoint is up when <c>GET {base}/models</c> answers below 500 within 2 s.</summary>
    private async Task<string> ProbeAsync(string baseUrl, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (Probes.TryGetValue(baseUrl, out var last) && now - last.CheckedAt < TimeSpan.FromSeconds(30))
        {
            return last.Status;
        }

        string status;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            using var http = outbound.CreateClient(Timeout.InfiniteTimeSpan);
            using var response = await http.GetAsync(baseUrl.TrimEnd('/') + "/models", timeout.Token);
            status = (int)response.StatusCode < 500 ? Healthy : Unhealthy;
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Refused by the outbound guard, unreachable, slow, or not a URL at all: the provider is unhealthy, never a 500.
            status = Unhealthy;
        }

        Probes[baseUrl] = (status, now);
        return status;
    }
}
