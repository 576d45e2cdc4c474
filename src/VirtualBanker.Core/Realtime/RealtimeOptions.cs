using System.ComponentModel.DataAnnotations;

namespace VirtualBanker.Core.Realtime;

/// <summary>WebRTC signaling (contract 000, <c>WS /v1/realtime/{session_id}</c>) and the ICE servers handed to browsers.</summary>
public sealed class RealtimeOptions
{
    public const string Section = "Realtime";

    /// <summary>Participants one session's signaling room holds (the customer's devices plus voice/avatar agents).</summary>
    [Range(2, 32)]
    public int MaxParticipants { get; set; } = 4;

    /// <summary>Largest SDP relayed; a browser's offer with audio, video and a data channel is 3-8 KiB.</summary>
    [Range(1024, 65_536)]
    public int MaxSdpBytes { get; set; } = 16 * 1024;

    /// <summary>Largest ICE candidate (as JSON) relayed.</summary>
    [Range(256, 8192)]
    public int MaxCandidateBytes { get; set; } = 2048;

    /// <summary>STUN servers, e.g. <c>stun:stun.bank.example:3478</c>.</summary>
    public string[] StunUrls { get; set; } = [];

    /// <summary>TURN servers (e.g. coturn with <c>use-auth-secret</c>), e.g. <c>turn:turn.bank.example:3478?transport=udp</c>.</summary>
    public string[] TurnUrls { get; set; } = [];

    /// <summary>The TURN server's shared secret (coturn's <c>static-auth-secret</c>); TURN is offered only when set.</summary>
    public string? TurnSecret { get; set; }

    /// <summary>Lifetime of a TURN credential; never beyond the session's end.</summary>
    [Range(1, 1440)]
    public int TurnCredentialMinutes { get; set; } = 60;
}
