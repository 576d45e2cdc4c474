using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Errors;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Tenancy;

namespace VirtualBanker.Core.Realtime;

public sealed record LiveKitAccess(string ServerUrl, string Token, string Identity, DateTime ExpiresAt);

/// <summary>
/// LiveKit room access tokens (https://docs.livekit.io/home/get-started/authentication/): an HS256 JWT
/// signed with the tenant's LiveKit API secret, <c>iss</c> = API key, <c>sub</c> = participant identity,
/// and a <c>video</c> grant for one room. A LiveKit server configured with the same key pair admits the holder.
/// The tenant keeps <c>settings.livekit</c> = <c>{server_url, api_key, api_secret}</c>; the secret is stored protected.
/// </summary>
public static class LiveKitTokens
{
    public static LiveKitAccess ForAgent(TenantSettings settings, ISecretProtector protector, string room, string agentSlug, string agentName, JsonObject metadata,
        DateTime now, TimeSpan lifetime)
    {
        var livekit = settings.Integrations.GetValueOrDefault("livekit");
        // api_key and api_secret are secret-named, so both are stored protected.
        if (livekit.Text("server_url") is not { Length: > 0 } serverUrl || livekit.Text("api_key") is not { Length: > 0 } storedKey
            || livekit.Text("api_secret") is not { Length: > 0 } storedSecret)
        {
            throw new AppException(AppError.Validation("platform", "LiveKit is not configured for this client: set settings.livekit.server_url, api_key and api_secret."));
        }

        var apiKey = TenantSettingsDocument.Reveal(storedKey, protector);
        var secret = Encoding.UTF8.GetBytes(TenantSettingsDocument.Reveal(storedSecret, protector));
        if (secret.Length < 32)
        {
            throw new AppException(AppError.Validation("platform", "settings.livekit.api_secret must be at least 32 bytes to sign HS256 tokens."));
        }

        var identity = $"agent-{agentSlug}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        var expires = now + lifetime;
        var token = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = apiKey,
            NotBefore = now,
            Expires = expires,
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = identity,
                [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
                ["name"] = agentName,
                ["kind"] = "agent",
                ["metadata"] = metadata.ToJsonString(),
                ["video"] = new Dictionary<string, object>
                {
                    ["room"] = room,
                    ["roomJoin"] = true,
                    ["canPublish"] = true,
                    ["canSubscribe"] = true,
                    ["canPublishData"] = true,
                    ["agent"] = true,
                },
            },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(secret), SecurityAlgorithms.HmacSha256),
        });
        return new LiveKitAccess(serverUrl, token, identity, expires);
    }
}
