using System.Text.Json.Nodes;
using StackExchange.Redis;
using VirtualBanker.Core.Realtime;

namespace VirtualBanker.Api.ScaleOut;

/// <summary>
/// Signaling rooms across nodes: a Redis hash per session (participant id → description) holds the
/// membership, joined atomically against the limit, and one pub/sub channel carries frames; each node
/// delivers those addressed to participants it holds. A room expires a day after its last join, so
/// members of a node that died without leaving do not hold places for ever.
/// </summary>
internal sealed class RedisSignalingBackplane(RedisStore redis) : ISignalingBackplane
{
    private static readonly TimeSpan Keep = TimeSpan.FromDays(1);

    private static readonly LuaScript Join = LuaScript.Prepare("""
        if redis.call('HLEN', @room) >= tonumber(@max) then return false end
        local before = redis.call('HVALS', @room)
        redis.call('HSET', @room, @id, @member)
        redis.call('PEXPIRE', @room, @keep)
        return before
        """);

    public RedisChannel Channel => redis.Channel("signaling");

    public async Task<IReadOnlyList<JsonObject>?> JoinAsync(string sessionId, string participantId, JsonObject member, int max)
    {
        var result = await redis.Database.ScriptEvaluateAsync(Join, new
        {
            room = Room(sessionId),
            max,
            id = participantId,
            member = member.ToJsonString(),
            keep = (long)Keep.TotalMilliseconds,
        });
        return result.IsNull ? null : ((RedisResult[])result!).Select(m => JsonNode.Parse((string)m!)!.AsObject()).ToList();
    }

    public Task LeaveAsync(string sessionId, string participantId) => redis.Database.HashDeleteAsync(Room(sessionId), participantId);

    public Task<bool> IsMemberAsync(string sessionId, string participantId) => redis.Database.HashExistsAsync(Room(sessionId), participantId);

    public Task PublishAsync(string sessionId, string? to, string? except, JsonObject frame) =>
        redis.Subscriber.PublishAsync(Channel, new JsonObject { ["session"] = sessionId, ["to"] = to, ["except"] = except, ["frame"] = frame.DeepClone() }.ToJsonString());

    private static RedisKey Room(string sessionId) => $"room:{sessionId}";
}

/// <summary>Hands the frames of the signaling channel to this node's participants.</summary>
internal sealed class RedisSignalingSubscriber(RedisStore redis, RedisSignalingBackplane backplane, SignalingRelay relay) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => redis.Subscriber.SubscribeAsync(backplane.Channel, (channel, value) =>
    {
        var message = JsonNode.Parse((string)value!)!.AsObject();
        _ = relay.DeliverHereAsync(message["session"]!.GetValue<string>(), message["to"]?.GetValue<string>(), message["except"]?.GetValue<string>(),
            message["frame"]!.AsObject());
    });

    public Task StopAsync(CancellationToken cancellationToken) => redis.Subscriber.UnsubscribeAsync(backplane.Channel);
}
