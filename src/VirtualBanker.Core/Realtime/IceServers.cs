using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace VirtualBanker.Core.Realtime;

/// <summary>One entry of <c>RTCConfiguration.iceServers</c>; STUN entries carry no credentials (and no nulls, which a browser would read as "null").</summary>
public sealed record IceServer(
    string[] Urls,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Username = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Credential = null);

/// <summary>
/// The ICE servers a session's browsers use: the STUN list, and TURN with time-limited credentials in
/// the TURN REST API scheme (draft-uberti-behave-turn-rest, as coturn's <c>use-auth-secret</c> checks):
/// username <c>"{expiry unix time}:{session id}"</c>, password <c>base64(HMAC-SHA1(secret, username))</c>.
/// The TURN server verifies them with the shared secret alone; nothing is stored.
/// </summary>
public sealed class IceServers(IOptions<RealtimeOptions> options, TimeProvider clock)
{
    public IReadOnlyList<IceServer> For(string sessionId, DateTime sessionExpiresAt)
    {
        var o = options.Value;
        var servers = new List<IceServer>();
        if (o.StunUrls.Length > 0)
        {
            servers.Add(new IceServer(o.StunUrls));
        }

        if (o.TurnUrls.Length > 0 && !string.IsNullOrEmpty(o.TurnSecret))
        {
            var expires = new DateTimeOffset(Min(clock.GetUtcNow().UtcDateTime.AddMinutes(o.TurnCredentialMinutes), sessionExpiresAt), TimeSpan.Zero);
            var username = $"{expires.ToUnixTimeSeconds()}:{sessionId}";
            servers.Add(new IceServer(o.TurnUrls, username, TurnPassword(o.TurnSecret, username)));
        }

        return servers;
    }

    public static string TurnPassword(string secret, string username) =>
        Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(username)));

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;
}
