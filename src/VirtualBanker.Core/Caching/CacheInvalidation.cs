using Microsoft.Extensions.Caching.Hybrid;

namespace VirtualBanker.Core.Caching;

/// <summary>
/// Removes cache entries on this node and tells the other nodes to drop their in-memory copies too.
/// HybridCache removes an entry from its local memory and from the shared L2 (Redis), but another node's
/// local copy lives on until it expires; the broadcast closes that window. On one node it is a no-op.
/// Where a stale read right after a change is not acceptable (a customer's views after an ingest), tagged
/// entries are also keyed by the tag's version, which every node reads from the shared store:
/// <see cref="VersionAsync"/> changes with each <see cref="RemoveByTagAsync"/>, at once on every node.
/// </summary>
public sealed class CacheInvalidation(HybridCache cache, ICacheInvalidationBroadcast broadcast)
{
    public async ValueTask RemoveByTagAsync(string tag, CancellationToken cancellationToken)
    {
        await broadcast.BumpVersionAsync(tag, cancellationToken);
        await cache.RemoveByTagAsync(tag, cancellationToken);
        await broadcast.PublishAsync(new CacheEviction(CacheEvictionKind.Tag, tag), cancellationToken);
    }

    public async ValueTask RemoveAsync(string key, CancellationToken cancellationToken)
    {
        await cache.RemoveAsync(key, cancellationToken);
        await broadcast.PublishAsync(new CacheEviction(CacheEvictionKind.Key, key), cancellationToken);
    }

    /// <summary>The tag's current version, to put in the keys of the entries it tags.</summary>
    public ValueTask<long> VersionAsync(string tag, CancellationToken cancellationToken) => broadcast.VersionAsync(tag, cancellationToken);
}

public enum CacheEvictionKind
{
    Key,
    Tag,
}

public sealed record CacheEviction(CacheEvictionKind Kind, string Value);

/// <summary>Carries evictions to the other nodes and keeps tag versions where all nodes read them (Redis when scaled out).</summary>
public interface ICacheInvalidationBroadcast
{
    ValueTask PublishAsync(CacheEviction eviction, CancellationToken cancellationToken);

    ValueTask<long> VersionAsync(string tag, CancellationToken cancellationToken);

    ValueTask BumpVersionAsync(string tag, CancellationToken cancellationToken);
}

/// <summary>One node: nobody to tell; tag versions are not needed (removal is immediate), so they stay 0.</summary>
internal sealed class SingleNodeCacheInvalidation : ICacheInvalidationBroadcast
{
    public ValueTask PublishAsync(CacheEviction eviction, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask<long> VersionAsync(string tag, CancellationToken cancellationToken) => ValueTask.FromResult(0L);

    public ValueTask BumpVersionAsync(string tag, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
