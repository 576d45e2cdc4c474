using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace VirtualBanker.Core.Realtime;

/// <summary>Where the relay sends a participant's frames (their WebSocket).</summary>
public interface ISignalingPeer
{
    Task SendAsync(JsonObject frame, CancellationToken cancellationToken);
}

/// <summary>Someone in a session's signaling room: a customer's browser or a voice/avatar agent.</summary>
public sealed class Participant(string id, string sessionId, string role, string? name, ISignalingPeer peer)
{
    public string Id => id;
    public string SessionId => sessionId;
    public string Role => role;
    public string? Name => name;
    internal ISignalingPeer Peer => peer;

    internal JsonObject Describe() => new() { ["id"] = id, ["role"] = role, ["name"] = name };
}

/// <summary>
/// WebRTC signaling for a session: participants join a room, and <c>offer</c>, <c>answer</c> and
/// <c>ice-candidate</c> frames are relayed to the participant named by <c>to</c>, stamped with
/// <c>from</c>. The relay checks shape and size only; SDP and candidates pass through untouched.
/// Everyone in the room hears <c>participant-joined</c> and <c>participant-left</c>. Rooms live on the
/// node holding their sockets: scaled out, both participants of a session must reach the same node for now.
/// </summary>
public sealed class SignalingRelay(IOptions<RealtimeOptions> options)
{
    public const string Offer = "offer";
    public const string Answer = "answer";
    public const string IceCandidate = "ice-candidate";

    private readonly ConcurrentDictionary<string, List<Participant>> _rooms = new(StringComparer.Ordinal);

    /// <summary>
    /// Adds a participant and tells the others; returns it with who was in the room before it (taken
    /// with the join, so of two joining at once exactly one sees the other), or null when the room is full.
    /// </summary>
    public async Task<(Participant Participant, IReadOnlyList<JsonObject> Others)?> JoinAsync(string sessionId, string role, string? name, ISignalingPeer peer, CancellationToken cancellationToken)
    {
        var participant = new Participant("p-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)), sessionId, role, name, peer);
        List<Participant> others;
        while (true)
        {
            var room = _rooms.GetOrAdd(sessionId, _ => []);
            lock (room)
            {
                // A room emptied and removed meanwhile is not reused: take the current one.
                if (!_rooms.TryGetValue(sessionId, out var current) || current != room)
                {
                    continue;
                }

                if (room.Count >= options.Value.MaxParticipants)
                {
                    return null;
                }

                others = [.. room];
                room.Add(participant);
                break;
            }
        }

        await BroadcastAsync(others, new JsonObject { ["type"] = "participant-joined", ["participant"] = participant.Describe() }, cancellationToken);
        return (participant, others.Select(p => p.Describe()).ToList());
    }

    /// <summary>Removes a participant (left, disconnected or closed) and tells the others. Safe to call twice.</summary>
    public async Task LeaveAsync(Participant participant, CancellationToken cancellationToken)
    {
        if (!_rooms.TryGetValue(participant.SessionId, out var room))
        {
            return;
        }

        List<Participant> others;
        lock (room)
        {
            if (!room.Remove(participant))
            {
                return;
            }

            if (room.Count == 0)
            {
                _rooms.TryRemove(KeyValuePair.Create(participant.SessionId, room));
            }

            others = [.. room];
        }

        await BroadcastAsync(others, new JsonObject { ["type"] = "participant-left", ["participant"] = participant.Describe() }, cancellationToken);
    }

    /// <summary>Relays an <c>offer</c>, <c>answer</c> or <c>ice-candidate</c>; returns the error frame for the sender when it cannot.</summary>
    public async Task<JsonObject?> RelayAsync(Participant from, JsonObject frame, CancellationToken cancellationToken)
    {
        var type = Text(frame, "type");
        var relayed = new JsonObject { ["type"] = type, ["from"] = from.Id };
        switch (type)
        {
            case Offer or Answer:
                if (Text(frame, "sdp") is not { } sdp || !sdp.StartsWith("v=0", StringComparison.Ordinal))
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

        var target = Text(frame, "to") is { } to && _rooms.TryGetValue(from.SessionId, out var room)
            ? Snapshot(room).FirstOrDefault(p => p.Id == to && p != from)
            : null;
        if (target is null)
        {
            return Error("unknown_target", "\"to\" must name another participant of this session.");
        }

        await SendQuietlyAsync(target, relayed, cancellationToken);
        return null;
    }

    public static JsonObject Error(string code, string message) => new() { ["type"] = "error", ["code"] = code, ["message"] = message };

    public static string? Text(JsonObject frame, string name) =>
        frame[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static List<Participant> Snapshot(List<Participant> room)
    {
        lock (room)
        {
            return [.. room];
        }
    }

    private static Task BroadcastAsync(IEnumerable<Participant> to, JsonObject frame, CancellationToken cancellationToken) =>
        Task.WhenAll(to.Select(p => SendQuietlyAsync(p, (JsonObject)frame.DeepClone(), cancellationToken)));

    // A peer whose socket is going away must not fail the sender: its own loop removes it.
    private static async Task SendQuietlyAsync(Participant participant, JsonObject frame, CancellationToken cancellationToken)
    {
        try
        {
            await participant.Peer.SendAsync(frame, cancellationToken);
        }
        catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
    }
}
