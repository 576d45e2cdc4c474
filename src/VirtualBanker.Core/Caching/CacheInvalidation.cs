using Microsoft.Extensions.Caching.Hybrid;

namespace VirtualBanker.Core.Caching;

/// <summary>
/// Removes cache entries on this node and tells the other nodes to drop their in-memory copies too.
/// HybridCache removes an entry from its local memory and from the shared L2 (Redis), but another node's
/// local copy lives on until it expires; the broadcast closes that window. On one node it is a no-op.
/// </summary>
public sealed class CacheInvalidation(HybridCache cache, ICacheInvalidationBroadcast broadcast)
{
    public async ValueTask RemoveByTagAsync(string tag, CancellationToken cancellationToken)
    {
        await cache.RemoveByTagAsync(tag, cancellationToken);
        await broadcast.PublishAsync(new CacheEviction(CacheEvictionKind.Tag, tag), cancellationToken);
    }

    public async ValueTask RemoveAsync(string key, CancellationToken cancellationToken)
    {
        await cache.RemoveAsync(key, cancellationToken);
        await broadcast.PublishAsync(new CacheEviction(CacheEvictionKind.Key, key), cancellationToken);
    }
}

public enum CacheEvictionKind
{
    Key,
    Tag,
}

public sealed record CacheEviction(CacheEvictionKind Kind, string Value);

/// <summary>Carries evictions to the other nodes (Redis pub/sub when scaled out).</summary>
public interface ICacheInvalidationBroadcast
{
    ValueTask PublishAsync(CacheEviction eviction, CancellationToken cancellationToken);
}

internal sealed class SingleNodeCacheInvalidation : ICacheInvalidationBroadcast
{
    public ValueTask PublishAsync(CacheEviction eviction, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
