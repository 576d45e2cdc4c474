using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using VirtualBanker.Core.Conversations;

namespace VirtualBanker.Api.ScaleOut;

/// <summary>
/// The bus on Redis Streams. Each topic is a stream with one consumer group: every node reads from it,
/// each message goes to one node, and it stays pending until that node acknowledges it. A node that dies
/// leaves its messages pending; after <see cref="RedisOptions.ClaimIdleSeconds"/> another node claims and
/// runs them (marked <see cref="BusMessage.Redelivered"/>). A node keeps claiming the messages it is still
/// working on (a heartbeat), so a long run is never taken from a live node, and never claims back its own.
/// Reads do not block a multiplexed connection: a publish nudges the readers over pub/sub, and they also look every second.
/// </summary>
internal sealed class RedisEventBus(RedisStore redis, IOptions<RedisOptions> options, ILogger<RedisEventBus> logger) : IEventBus
{
    private const string Group = "workers";
    private const int StreamLength = 100_000;
    /// <summary>Messages this node is working on, per topic (entry ids are unique only within one stream).</summary>
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _inFlight = new(StringComparer.Ordinal);

    public bool IsInProcess => false;

    public async ValueTask PublishAsync(string topic, BusMessage message, CancellationToken cancellationToken)
    {
        await redis.Database.StreamAddAsync(Stream(topic),
            [new("tenant", message.TenantId), new("session", message.SessionId), new("payload", message.Payload)],
            maxLength: StreamLength, useApproximateMaxLength: true);
        await redis.Subscriber.PublishAsync(redis.Channel($"nudge:{topic}"), "1", CommandFlags.FireAndForget);
    }

    public async IAsyncEnumerable<BusMessage> ConsumeAsync(string topic, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var stream = Stream(topic);
        try
        {
            await redis.Database.StreamCreateConsumerGroupAsync(stream, Group, StreamPosition.Beginning, createStream: true);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
        }

        var inFlight = InFlight(topic);
        using var nudge = new SemaphoreSlim(0);
        await redis.Subscriber.SubscribeAsync(redis.Channel($"nudge:{topic}"), (_, _) => nudge.Release());
        var idle = TimeSpan.FromSeconds(options.Value.ClaimIdleSeconds);
        var nextClaim = DateTimeOffset.MinValue;
        while (!cancellationToken.IsCancellationRequested)
        {
            var batch = new List<BusMessage>();
            if (DateTimeOffset.UtcNow >= nextClaim)
            {
                nextClaim = DateTimeOffset.UtcNow + idle / 4;

                // Heartbeat: re-claiming what this node is still working on resets its idle time.
                var mine = inFlight.Keys.Select(id => (RedisValue)id).ToArray();
                if (mine.Length > 0)
                {
                    await redis.Database.StreamClaimIdsOnlyAsync(stream, Group, redis.NodeId, 0, mine);
                }

                // Messages a consumer took and has not acknowledged for too long: its node is gone.
                var claimed = await redis.Database.StreamAutoClaimAsync(stream, Group, redis.NodeId, (long)idle.TotalMilliseconds, "0-0", 10);
                batch.AddRange(claimed.ClaimedEntries.Where(e => !e.IsNull && !inFlight.ContainsKey(e.Id!)).Select(e => ToMessage(e, redelivered: true)));
            }

            var entries = await redis.Database.StreamReadGroupAsync(stream, Group, redis.NodeId, StreamPosition.NewMessages, 20);
            batch.AddRange(entries.Select(e => ToMessage(e, redelivered: false)));
            foreach (var message in batch)
            {
                inFlight[message.DeliveryId!] = 0;
                yield return message;
            }

            if (batch.Count == 0)
            {
                try
                {
                    await nudge.WaitAsync(TimeSpan.FromSeconds(1), cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    yield break;
                }
            }
        }
    }

    public async ValueTask AcknowledgeAsync(string topic, BusMessage message, CancellationToken cancellationToken)
    {
        if (message.DeliveryId is { } id)
        {
            await redis.Database.StreamAcknowledgeAsync(Stream(topic), Group, id);
            await redis.Database.StreamDeleteAsync(Stream(topic), [id]);
            InFlight(topic).TryRemove(id, out _);
        }
    }

    private static RedisKey Stream(string topic) => $"stream:{topic}";

    private ConcurrentDictionary<string, byte> InFlight(string topic) => _inFlight.GetOrAdd(topic, _ => new(StringComparer.Ordinal));

    private BusMessage ToMessage(StreamEntry entry, bool redelivered)
    {
        if (redelivered)
        {
            logger.LogWarning("Took over bus message {Id}: its first consumer did not acknowledge it in time", entry.Id);
        }

        return new BusMessage(entry["tenant"]!, entry["session"]!, entry["payload"]!) { DeliveryId = entry.Id, Redelivered = redelivered };
    }
}
