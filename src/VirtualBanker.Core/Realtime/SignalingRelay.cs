using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using VirtualBanker.Core.Data;

namespace VirtualBanker.Core.Realtime;

/// <summary>Where the relay sends a participant's frames (their WebSocket).</summary>
public interface ISignalingPeer
{
    Task SendAsync(JsonObject frame, CancellationToken cancellationToken);
}

/// <summary>
/// Scaled out, a session's room spans nodes: the backplane keeps who is in it (so the limit and the
/// "who was there" list hold across nodes) and carries frames to the node that holds their addressee,
/// which hands them to <see cref="SignalingRelay.DeliverHere"/>. Without one, a room lives on one node.
/// </summary>
public interface ISignalingBackplane
{
    /// <summary>Adds the member unless the room holds <paramref name="max"/>; the members before it, or null when full.</summary>
    Task<IReadOnlyList<JsonObject>?> JoinAsync(string sessionId, string participantId, JsonObject member, int max);

    Task LeaveAsync(string sessionId, string participantId);

    Task<bool> IsMemberAsync(string sessionId, string participantId);

    /// <summary>Sends a frame to one participant (<paramref name="to"/>) or to all but <paramref name="except"/>, wherever they are connected.</summary>
    Task PublishAsync(string sessionId, string? to, string? except, JsonObject frame);
}

/// <summary>Someone in a session's signaling room: a customer's browser or a voice/avatar agent.</summary>
public sealed class Participant(string id, string sessionId, string role, string? name, ISignalingPeer peer)
{
    public string Id => id;
    public string SessionId => sessionId;
    public string Role => role;
    public string? Name => name;
    internal ISignalingPeer Peer => peer;

    /// <summary>Frames that arrived while the join was under way; null once the participant has its join answer.</summary>
    internal List<JsonObject>? Held { get; set; } = [];

    internal JsonObject Describe() => new() { ["id"] = id, ["role"] = role, ["name"] = name };
}

/// <summary>
/// WebRTC signaling for a session: participants join a room, and <c>offer</c>, <c>answer</c> and
/// <c>ice-candidate</c> frames are relayed to the participant named by <c>to</c>, stamped with
/// <c>from</c>. The relay checks shape and size only; SDP and candidates pass through untouched.
/// Everyone in the room hears <c>participant-joined</c> and <c>participant-left</c>. Each node keeps the
/// participants whose sockets it holds; scaled out, an <see cref="ISignalingBackplane"/> makes one room of
/// them across nodes, so the two sides of a call may be connected to different nodes.
/// </summary>
public sealed class SignalingRelay(IOptions<RealtimeOptions> options, IEnumerable<ISignalingBackplane> backplanes)
{
    public const string Offer = "offer";
    public const string Answer = "answer";
    public const string IceCandidate = "ice-candidate";

    private readonly ISignalingBackplane? _backplane = backplanes.FirstOrDefault();
    private readonly ConcurrentDictionary<string, List<Participant>> _rooms = new(StringComparer.Ordinal);

    /// <summary>
    /// Adds a participant and tells the others; returns it with who was in the room before it (taken
    /// with the join, so of two joining at once exactly one sees the other), or null when the room is full.
    /// </summary>
    public async Task<(Participant Participant, IReadOnlyList<JsonObject> Others)?> JoinAsync(string sessionId, string role, string? name, ISignalingPeer peer, CancellationToken cancellationToken)
    {
        var participant = new Participant("p-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)), sessionId, role, name, peer);
        var joined = new JsonObject { ["type"] = "participant-joined", ["participant"] = participant.Describe() };
        if (_backplane is not null)
        {
            // The room's membership (and its limit) is the backplane's; this node only holds the socket. It is
            // registered here first, so no presence published after its join can miss it (see ReadyAsync).
            AddHere(participant, int.MaxValue);
            if (await _backplane.JoinAsync(sessionId, participant.Id, participant.Describe(), options.Value.MaxParticipants) is not { } before)
            {
                RemoveHere(participant);
                return null;
            }

            await _backplane.PublishAsync(sessionId, null, participant.Id, joined);
            return (participant, before);
        }

        if (AddHere(participant, options.Value.MaxParticipants) is not { } others)
        {
            return null;
        }

        await BroadcastAsync(others, joined, cancellationToken);
        return (participant, others.Select(p => p.Describe()).ToList());
    }

    /// <summary>
    /// Call once the participant has its join answer: frames held for it meanwhile are sent, except the
    /// arrival of someone its answer already listed.
    /// </summary>
    public async Task ReadyAsync(Participant participant, IReadOnlyList<JsonObject> others, CancellationToken cancellationToken)
    {
        List<JsonObject> held;
        lock (participant)
        {
            held = participant.Held ?? [];
            participant.Held = null;
        }

        var listed = others.Select(o => o["id"]?.GetValue<string>()).ToHashSet();
        foreach (var frame in held.Where(f => !(f.Text("type") == "participant-joined" && listed.Contains(f["participant"]?["id"]?.GetValue<string>()))))
        {
            await SendQuietlyAsync(participant, frame, cancellationToken);
        }
    }

    /// <summary>Removes a participant (left, disconnected or closed) and tells the others. Safe to call twice.</summary>
    public async Task LeaveAsync(Participant participant, CancellationToken cancellationToken)
    {
        if (RemoveHere(participant) is not { } others)
        {
            return;
        }

        var left = new JsonObject { ["type"] = "participant-left", ["participant"] = participant.Describe() };
        if (_backplane is not null)
        {
            await _backplane.LeaveAsync(participant.SessionId, participant.Id);
            await _backplane.PublishAsync(participant.SessionId, null, null, left);
            return;
        }

        await BroadcastAsync(others, left, cancellationToken);
    }

    /// <summary>Hands a frame that came over the backplane to this node's participants: the addressee, or everyone but <paramref name="except"/>.</summary>
    public Task DeliverHereAsync(string sessionId, string? to, string? except, JsonObject frame) =>
        BroadcastAsync(Here(sessionId).Where(p => (to is null || p.Id == to) && p.Id != except), frame, CancellationToken.None);

    /// <summary>Relays an <c>offer</c>, <c>answer</c> or <c>ice-candidate</c>; returns the error frame for the sender when it cannot.</summary>
    public async Task<JsonObject?> RelayAsync(Participant from, JsonObject frame, CancellationToken cancellationToken)
    {
        var type = frame.Text("type");
        var relayed = new JsonObject { ["type"] = type, ["from"] = from.Id };
        switch (type)
        {
            case Offer or Answer:
                if (frame.Text("sdp") is not { } sdp || !sdp.StartsWith("v=0", StringComparison.Ordinal))
                {
                    return Error("bad_frame", $"An {type} needs \"sdp\": a session description starting with v=0.");
                }

                if (Encoding.UTF8.GetByteCount(sdp) > options.Value.MaxSdpBytes)
                {
                    return Error("sdp_too_large", $"SDP larger than {options.Value.MaxSdpBytes} bytes is refused.");
                }

                relayed["sdp"] = sdp;
                break;

            case IceCandidate:
                // null (or an empty candidate) signals the end of candidates, as RTCPeerConnection does.
                var candidate = frame["candidate"];
                if (candidate is not (null or JsonObject) || !frame.ContainsKey("candidate"))
                {
                    return Error("bad_frame", "An ice-candidate needs \"candidate\": an RTCIceCandidateInit object, or null.");
                }

                if (candidate is not null && Encoding.UTF8.GetByteCount(candidate.ToJsonString()) > options.Value.MaxCandidateBytes)
                {
                    return Error("candidate_too_large", $"ICE candidates larger than {options.Value.MaxCandidateBytes} bytes are refused.");
                }

                relayed["candidate"] = candidate?.DeepClone();
                break;

            default:
                return Error("bad_frame", "type must be one of join, offer, answer, ice-candidate, leave.");
        }

        var to = frame.Text("to");
        if (to is not null && to != from.Id && Here(from.SessionId).FirstOrDefault(p => p.Id == to) is { } here)
        {
            await SendQuietlyAsync(here, relayed, cancellationToken);
            return null;
        }

        if (to is not null && to != from.Id && _backplane is not null && await _backplane.IsMemberAsync(from.SessionId, to))
        {
            await _backplane.PublishAsync(from.SessionId, to, null, relayed);
            return null;
        }

        return Error("unknown_target", "\"to\" must name another participant of this session.");
    }

    public static JsonObject Error(string code, string message) => new() { ["type"] = "error", ["code"] = code, ["message"] = message };

    /// <summary>This node's participants of the session.</summary>
    private List<Participant> Here(string sessionId)
    {
        if (!_rooms.TryGetValue(sessionId, out var room))
        {
            return [];
        }

        lock (room)
        {
            return [.. room];
        }
    }

    /// <summary>Adds a participant to this node's room unless it holds <paramref name="max"/>; the ones before it, or null when full.</summary>
    private List<Participant>? AddHere(Participant participant, int max)
    {
        while (true)
        {
            var room = _rooms.GetOrAdd(participant.SessionId, _ => []);
            lock (room)
            {
                // A room emptied and removed meanwhile is not reused: take the current one.
                if (!_rooms.TryGetValue(participant.SessionId, out var current) || current != room)
                {
                    continue;
                }

                if (room.Count >= max)
                {
                    return null;
                }

                List<Participant> before = [.. room];
                room.Add(participant);
                return before;
            }
        }
    }

    /// <summary>Removes a participant from this node's room; the ones left, or null when it was not there.</summary>
    private List<Participant>? RemoveHere(Participant participant)
    {
        if (!_rooms.TryGetValue(participant.SessionId, out var room))
        {
            return null;
        }

        lock (room)
        {
            if (!room.Remove(participant))
            {
                return null;
            }

            if (room.Count == 0)
            {
                _rooms.TryRemove(KeyValuePair.Create(participant.SessionId, room));
            }

            return [.. room];
        }
    }

    private static Task BroadcastAsync(IEnumerable<Participant> to, JsonObject frame, CancellationToken cancellationToken) =>
        Task.WhenAll(to.Select(p => SendQuietlyAsync(p, (JsonObject)frame.DeepClone(), cancellationToken)));

    // A peer whose socket is going away must not fail the sender: its own loop removes it.
    private static async Task SendQuietlyAsync(Participant participant, JsonObject frame, CancellationToken cancellationToken)
    {
        lock (participant)
        {
            if (participant.Held is { } held)
            {
                held.Add(frame);
                return;
            }
        }

        try
        {
            await participant.Peer.SendAsync(frame, cancellationToken);
        }
        catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
    }
}
