using Microsoft.Extensions.Caching.Hybrid;
using VirtualBanker.Core.Caching;
using VirtualBanker.Core.Observability;

namespace VirtualBanker.Core.Banking;

/// <summary>
/// Per-customer cache of computed views (dashboard, insights). Every entry is tagged with its
/// customer, so one ingest invalidates all their views at once; scaled out, the key also carries the
/// tag's shared version, so no node serves a view from before the ingest.
/// </summary>
public sealed class UserCache(HybridCache cache, CacheInvalidation invalidation, MetricsCollector metrics)
{
    /// <param name="localOnly">Kept in this process only, never in the shared cache (Redis): for large values cheaper to read again than to ship.</param>
    public async ValueTask<T> GetOrCreateAsync<T>(string tenantId, Guid userId, string view, TimeSpan ttl, Func<CancellationToken, ValueTask<T>> factory, CancellationToken cancellationToken,
        bool localOnly = false)
    {
        var missed = false;
        var tag = Tag(tenantId, userId);
        var version = await invalidation.VersionAsync(tag, cancellationToken);
        var value = await cache.GetOrCreateAsync(
            $"vb:{tenantId}:{userId:N}:{view}:{version}",
            factory,
            async (f, ct) =>
            {
                missed = true;
                return await f(ct);
            },
            new HybridCacheEntryOptions
            {
                Expiration = ttl,
                LocalCacheExpiration = ttl,
                Flags = localOnly ? HybridCacheEntryFlags.DisableDistributedCache : HybridCacheEntryFlags.None,
            },
            [tag],
            cancellationToken);
        metrics.RecordCache(hit: !missed);
        return value;
    }

    public ValueTask InvalidateAsync(string tenantId, Guid userId, CancellationToken cancellationToken) =>
        invalidation.RemoveByTagAsync(Tag(tenantId, userId), cancellationToken);

    private static string Tag(string tenantId, Guid userId) => $"user:{tenantId}:{userId:N}";
}
