using System.Runtime.CompilerServices;
using StackExchange.Redis;
using StackExchange.Redis.KeyspaceIsolation;
using VirtualBanker.Api.Hosting;
using VirtualBanker.Core.Caching;
using VirtualBanker.Core.Conversations;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Realtime;

namespace VirtualBanker.Api.ScaleOut;

/// <summary>Where the shared state of several nodes lives: <c>ConnectionStrings:Redis</c> and a key prefix.</summary>
public sealed class RedisOptions
{
    public const string Section = "Redis";

    /// <summary>Prefix of every key and channel, so several deployments (or test runs) can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "vb:";

    /// <summary>How long a bus message may stay unacknowledged before another node takes it over (its node is presumed dead).</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 3600)]
    public int ClaimIdleSeconds { get; set; } = 60;
}

/// <summary>
/// Scale-out (DESIGN.md, "Infrastructure and scale"): with <c>ConnectionStrings:Redis</c>, the state
/// nodes must share moves to Redis: the HybridCache L2 with evictions broadcast to every node's memory,
/// rate-limit counters, the revoked-token list, the event bus (Streams), live fan-out (pub/sub), the
/// per-session event ids and the WebRTC signaling rooms. (Signing keys, and with PostgreSQL Data Protection keys,
/// are shared through the database.) Without Redis nothing here is registered: one node, all in memory.
/// </summary>
internal static class ScaleOutExtensions
{
    public static WebApplicationBuilder AddVirtualBankerScaleOut(this WebApplicationBuilder builder)
    {
        var connection = builder.Configuration.GetConnectionString("Redis");
        if (!string.IsNullOrWhiteSpace(connection))
        {
            AddRedis(builder, connection);
        }

        return builder;
    }

    // A method of its own, never inlined: the Redis client's assemblies are loaded only when this runs, not at
    // every start of the embedded default.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddRedis(WebApplicationBuilder builder, string connection)
    {
        var services = builder.Services;
        var prefix = builder.Configuration.GetSection(RedisOptions.Section).Get<RedisOptions>()?.KeyPrefix ?? new RedisOptions().KeyPrefix;
        // Owned by the container, so it is closed only after the hosted services using it have stopped.
        services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(connection));
        services.AddSingleton(sp => new RedisStore(sp.GetRequiredService<IConnectionMultiplexer>(), prefix));

        // The cache's own connection: RedisCache closes the connection it uses when it is disposed.
        services.AddStackExchangeRedisCache(o =>
        {
            o.Configuration = connection;
            o.InstanceName = prefix + "cache:";
        });
        services.AddSingleton<IRateLimitStore, RedisRateLimitStore>();
        services.AddSingleton<ITokenRevocationList, RedisTokenRevocationList>();
        services.AddSingleton<IOneTimeIds, RedisOneTimeIds>();
        services.AddSingleton<RedisCacheInvalidation>();
        services.AddSingleton<ICacheInvalidationBroadcast>(sp => sp.GetRequiredService<RedisCacheInvalidation>());
        services.AddHostedService(sp => sp.GetRequiredService<RedisCacheInvalidation>());

        services.AddOptions<RedisOptions>().BindConfiguration(RedisOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IEventBus, RedisEventBus>();
        services.AddSingleton<RedisConversationRelay>();
        services.AddSingleton<IConversationRelay>(sp => sp.GetRequiredService<RedisConversationRelay>());
        services.AddHostedService<RedisConversationSubscriber>();
        services.AddSingleton<ISharedEventSequence, RedisEventSequence>();
        services.AddSingleton<RedisSignalingBackplane>();
        services.AddSingleton<ISignalingBackplane>(sp => sp.GetRequiredService<RedisSignalingBackplane>());
        services.AddHostedService<RedisSignalingSubscriber>();
    }

    /// <summary>What /health and /api/status report as the cache: HybridCache in memory, or with Redis as L2.</summary>
    public static string CacheKind(IServiceProvider services) =>
        services.GetService<ICacheInvalidationBroadcast>() is SingleNodeCacheInvalidation ? "memory" : "redis";
}

/// <summary>The deployment's Redis: its keys (with the prefix applied) and its pub/sub channels (named with it).</summary>
internal sealed class RedisStore(IConnectionMultiplexer multiplexer, string prefix)
{
    public IDatabase Database { get; } = multiplexer.GetDatabase().WithKeyPrefix(prefix);

    public ISubscriber Subscriber => multiplexer.GetSubscriber();

    public RedisChannel Channel(string name) => RedisChannel.Literal(prefix + name);

    /// <summary>Identifies this process on the shared channels, so it can skip its own messages.</summary>
    public string NodeId { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
}
