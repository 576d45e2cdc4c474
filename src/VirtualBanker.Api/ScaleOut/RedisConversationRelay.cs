using System.Text.Json;
using StackExchange.Redis;
using VirtualBanker.Core.Conversations;

namespace VirtualBanker.Api.ScaleOut;

/// <summary>
/// Live fan-out between nodes: every appended event and every session close goes out on one Redis
/// channel, and each node hands what the others sent to its own streams. Published in order, fire and
/// forget, on the one multiplexed connection, so a session's events arrive in the order they were appended.
/// </summary>
internal sealed class RedisConversationRelay(RedisStore redis) : IConversationRelay
{
    public RedisChannel Channel => redis.Channel("conversations");

    public void Publish(ConversationEvent e) =>
        redis.Subscriber.Publish(Channel, JsonSerializer.Serialize(new RelayedEvent(redis.NodeId, e.TenantId, e.SessionId, e.Sequence, e.Type, e.Payload, e.CreatedAt, false)),
            CommandFlags.FireAndForget);

    public void Close(string sessionId) =>
        redis.Subscriber.Publish(Channel, JsonSerializer.Serialize(new RelayedEvent(redis.NodeId, "", sessionId, 0, "", "", default, true)), CommandFlags.FireAndForget);
}

internal sealed record RelayedEvent(string Node, string TenantId, string SessionId, long Sequence, string Type, string Payload, DateTime CreatedAt, bool Closed);

/// <summary>Receives the other nodes' events and closes and delivers them to this node's streams.</summary>
internal sealed class RedisConversationSubscriber(RedisStore redis, RedisConversationRelay relay, ConversationFeed feed) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => redis.Subscriber.SubscribeAsync(relay.Channel, (_, value) =>
    {
        var message = JsonSerializer.Deserialize<RelayedEvent>((string)value!)!;
        if (message.Node == redis.NodeId)
        {
            return;
        }

        if (message.Closed)
        {
            feed.CloseHere(message.SessionId);
            return;
        }

        feed.Deliver(new ConversationEvent
        {
            TenantId = message.TenantId,
            SessionId = message.SessionId,
            Sequence = message.Sequence,
            Type = message.Type,
            Payload = message.Payload,
            CreatedAt = message.CreatedAt,
        });
    });

    public Task StopAsync(CancellationToken cancellationToken) => redis.Subscriber.UnsubscribeAsync(relay.Channel);
}

/// <summary>Per-session event ids from a Redis counter, seeded from the stored log the first time, so every node numbers one log.</summary>
internal sealed class RedisEventSequence(RedisStore redis) : ISharedEventSequence
{
    private static readonly TimeSpan Keep = TimeSpan.FromDays(2);

    private static readonly LuaScript Next = LuaScript.Prepare(
        "if redis.call('EXISTS', @key) == 0 then return false end local n = redis.call('INCR', @key) redis.call('PEXPIRE', @key, @keep) return n");

    private static readonly LuaScript Seed = LuaScript.Prepare(
        "redis.call('SET', @key, @stored, 'NX') local n = redis.call('INCR', @key) redis.call('PEXPIRE', @key, @keep) return n");

    public async ValueTask<long> NextAsync(string sessionId, Func<CancellationToken, Task<long>> storedLast, CancellationToken cancellationToken)
    {
        var key = (RedisKey)$"seq:{sessionId}";
        var keep = (long)Keep.TotalMilliseconds;
        var next = await redis.Database.ScriptEvaluateAsync(Next, new { key, keep });
        if (!next.IsNull)
        {
            return (long)next;
        }

        // No counter yet (or it expired with the session idle for days, when everything is stored): start from the log.
        return (long)await redis.Database.ScriptEvaluateAsync(Seed, new { key, stored = await storedLast(cancellationToken), keep });
    }

    public async ValueTask<long?> LastAsync(string sessionId) => (long?)await redis.Database.StringGetAsync($"seq:{sessionId}");
}
