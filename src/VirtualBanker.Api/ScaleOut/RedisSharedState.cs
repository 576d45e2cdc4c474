using System.Text.Json;
using Microsoft.Extensions.Caching.Hybrid;
using StackExchange.Redis;
using VirtualBanker.Api.Hosting;
using VirtualBanker.Core.Caching;
using VirtualBanker.Core.Identity;

namespace VirtualBanker.Api.ScaleOut;

/// <summary>Fixed-window counters shared by every node: one INCR (and an expiry on the first) per request.</summary>
internal sealed class RedisRateLimitStore(RedisStore redis, TimeProvider clock) : IRateLimitStore
{
    private static readonly LuaScript Increment = LuaScript.Prepare(
        "local c = redis.call('INCR', @key) if c == 1 then redis.call('PEXPIREAT', @key, @expires) end return c");

    public async ValueTask<RateLimitCount> IncrementAsync(string key, TimeSpan window, CancellationToken cancellationToken)
    {
        // Windows are aligned to the clock, as in memory, so every node counts into the same one.
        var now = clock.GetUtcNow();
        var start = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % window.Ticks), TimeSpan.Zero);
        var end = start + window;
        var count = (long)await redis.Database.ScriptEvaluateAsync(Increment, new
        {
            key = (RedisKey)$"rl:{key}:{start.ToUnixTimeSeconds()}",
            expires = end.ToUnixTimeMilliseconds() + 1000,
        });
        return new RateLimitCount(count, end);
    }
}

/// <summary>Revoked logins and sessions as keys that expire with the last token they could match.</summary>
internal sealed class RedisTokenRevocationList(RedisStore redis, TimeProvider clock) : ITokenRevocationList
{
    public async ValueTask<bool> IsRevokedAsync(string sessionId, CancellationToken cancellationToken) =>
        await redis.Database.KeyExistsAsync($"revoked:{sessionId}");

    public async Task RevokeAsync(string sessionId, DateTime until, CancellationToken cancellationToken)
    {
        var left = until - clock.GetUtcNow().UtcDateTime;
        if (left > TimeSpan.Zero)
        {
            await redis.Database.StringSetAsync($"revoked:{sessionId}", "1", left);
        }
    }
}

internal sealed class RedisOneTimeIds(RedisStore redis, TimeProvider clock) : IOneTimeIds
{
    public async ValueTask<bool> TryUseAsync(string id, DateTime expires, CancellationToken cancellationToken)
    {
        var left = expires - clock.GetUtcNow().UtcDateTime;
        return left > TimeSpan.Zero && await redis.Database.StringSetAsync($"once:{id}", "1", left, When.NotExists);
    }
}

/// <summary>
/// Broadcasts cache evictions on a Redis channel, and applies the other nodes' evictions to this node's
/// HybridCache, so no node keeps serving a copy another node has invalidated (a tenant after an admin
/// change, within the broadcast's latency). Tag versions, read by every node, make a customer's views
/// change at once after an ingest.
/// </summary>
internal sealed class RedisCacheInvalidation(RedisStore redis, HybridCache cache, ILogger<RedisCacheInvalidation> logger) : ICacheInvalidationBroadcast, IHostedService
{
    private RedisChannel Channel => redis.Channel("cache-evictions");

    private static readonly TimeSpan KeepVersions = TimeSpan.FromDays(1);

    public async ValueTask PublishAsync(CacheEviction eviction, CancellationToken cancellationToken) =>
        await redis.Subscriber.PublishAsync(Channel, JsonSerializer.Serialize(new Message(redis.NodeId, eviction.Kind, eviction.Value)));

    // A version key outlives by far every entry keyed with it, so one that expired and restarts at 0 meets no stale entry.
    public async ValueTask<long> VersionAsync(string tag, CancellationToken cancellationToken) =>
        (long?)await redis.Database.StringGetAsync($"tagver:{tag}") ?? 0;

    public async ValueTask BumpVersionAsync(string tag, CancellationToken cancellationToken)
    {
        await redis.Database.StringIncrementAsync($"tagver:{tag}");
        await redis.Database.KeyExpireAsync($"tagver:{tag}", KeepVersions);
    }

    public async Task StartAsync(CancellationToken cancellationToken) =>
        await redis.Subscriber.SubscribeAsync(Channel, (channel, value) => _ = ApplyAsync(value!));

    public Task StopAsync(CancellationToken cancellationToken) => redis.Subscriber.UnsubscribeAsync(Channel);

    private async Task ApplyAsync(string json)
    {
        try
        {
            var message = JsonSerializer.Deserialize<Message>(json)!;
            if (message.Node == redis.NodeId)
            {
                return;
            }

            await (message.Kind == CacheEvictionKind.Tag ? cache.RemoveByTagAsync(message.Value) : cache.RemoveAsync(message.Value));
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "A cache eviction from another node could not be applied");
        }
    }

    private sealed record Message(string Node, CacheEvictionKind Kind, string Value);
}
