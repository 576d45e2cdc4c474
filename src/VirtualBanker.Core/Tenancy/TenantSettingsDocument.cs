using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;
using VirtualBanker.Core.Errors;
using VirtualBanker.Core.Identity;

namespace VirtualBanker.Core.Tenancy;

/// <summary>
/// A client's <c>settings</c> as contract 003 exchanges them: known sections (theme, greeting,
/// avatar_enabled, allowed_tools, policy, handoff, portal_auth) map onto <see cref="TenantSettings"/>, any
/// other object section (supabase, livekit, ...) is kept as an integration. Secret values — by name:
/// secrets, passwords, tokens, keys — are stored protected and always rendered as <see cref="Redacted"/>;
/// sending <see cref="Redacted"/> back keeps the stored value, so a client can round-trip what it read.
/// </summary>
public static class TenantSettingsDocument
{
    public const string Redacted = "********";
    private const string ProtectedPrefix = "enc:v1:";
    private const int MaxBytes = 32 * 1024;

    /// <summary>Applies the sections present in <paramref name="input"/> to a copy of <paramref name="current"/>.</summary>
    public static TenantSettings Apply(TenantSettings current, JsonObject input, IReadOnlySet<string> knownTools, ISecretProtector protector)
    {
        if (input.ToJsonString().Length > MaxBytes)
        {
            throw Invalid("settings", $"settings must be at most {MaxBytes / 1024} KiB.");
        }

        var next = Clone(current);
        foreach (var (name, value) in input)
        {
            switch (name)
            {
                case "theme":
                    next.Theme = StringMap(value, "settings.theme", maxEntries: 32, maxLength: 200);
                    break;
                case "greeting":
                    next.Greeting = Text(value, "settings.greeting", 500) ?? throw Invalid("settings.greeting", "greeting must be a string.");
                    break;
                case "avatar_enabled":
                    next.AvatarEnabled = Flag(value, "settings.avatar_enabled");
                    break;
                case "allowed_tools":
                    next.AllowedTools = Tools(value, knownTools);
                    break;
                case "policy":
                    next.Policy = Policy(value as JsonObject ?? throw Invalid("settings.policy", "policy must be an object."), next.Policy);
                    break;
                case "handoff":
                    var handoff = value as JsonObject ?? throw Invalid("settings.handoff", "handoff must be an object.");
                    next.Handoff = new HandoffSettings
                    {
                        SlaSeconds = handoff.ContainsKey("sla_seconds") ? Number(handoff["sla_seconds"], "settings.handoff.sla_seconds", 10, 24 * 3600) : next.Handoff.SlaSeconds,
                    };
                    break;
                case "portal_auth":
                    next.PortalAuth = value is null ? null : Portal(value as JsonObject ?? throw Invalid("settings.portal_auth", "portal_auth must be an object."), current.PortalAuth, protector);
                    break;
                default:
                    if (name.Length is 0 or > 64)
                    {
                        throw Invalid("settings", "Section names are 1-64 characters.");
                    }

                    if (value is null)
                    {
                        next.Integrations.Remove(name);
                        break;
                    }

                    var section = value as JsonObject ?? throw Invalid($"settings.{name}", $"{name} must be an object.");
                    next.Integrations[name] = ProtectSecrets(section, current.Integrations.GetValueOrDefault(name), $"settings.{name}", protector);
                    break;
            }
        }

        return next;
    }

    /// <summary>The settings as a client may see them: every secret redacted.</summary>
    public static JsonObject Render(TenantSettings settings)
    {
        var policy = settings.Policy;
        var document = new JsonObject
        {
            ["theme"] = new JsonObject(settings.Theme.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)t.Value))),
            ["greeting"] = settings.Greeting,
            ["avatar_enabled"] = settings.AvatarEnabled,
            ["allowed_tools"] = new JsonArray([.. settings.AllowedTools.Select(t => (JsonNode)t)]),
            ["policy"] = new JsonObject
            {
                ["max_session_duration_minutes"] = policy.MaxSessionDurationMinutes,
                ["rate_limit_per_minute"] = policy.RateLimitPerMinute,
                ["require_consent"] = policy.RequireConsent,
                ["daily_transfer_limit"] = policy.DailyTransferLimit,
                ["privacy_notice_url"] = policy.PrivacyNoticeUrl,
            },
            ["handoff"] = new JsonObject { ["sla_seconds"] = settings.Handoff.SlaSeconds },
        };
        if (settings.PortalAuth is { } portal)
        {
            document["portal_auth"] = new JsonObject
            {
                ["type"] = portal.Type,
                ["secret"] = portal.Secret is null ? null : Redacted,
                ["public_key"] = portal.PublicKey,
                ["jwks_url"] = portal.JwksUrl,
                ["issuer"] = portal.Issuer,
                ["audience"] = portal.Audience,
            };
        }

        foreach (var (name, section) in settings.Integrations)
        {
            document[name] = Redact(section);
        }

        return document;
    }

    /// <summary>A secret in its stored form: encrypted, and marked so that <see cref="Reveal"/> knows to decrypt it.</summary>
    public static string Protect(string secret, ISecretProtector protector) => ProtectedPrefix + protector.Protect(secret);

    /// <summary>The stored value of a secret field, in clear, for the code that uses it.</summary>
    public static string Reveal(string stored, ISecretProtector protector) =>
        stored.StartsWith(ProtectedPrefix, StringComparison.Ordinal) ? protector.Unprotect(stored[ProtectedPrefix.Length..]) : stored;

    /// <summary>
    /// The name rule for secrets: lower-cased and without <c>_</c>, <c>-</c> and <c>.</c>, a name that contains secret, password,
    /// passwd, passphrase, token, credential, privatekey or apikey, or ends in key or pem — unless it starts with public.
    /// Everything inside a field so named is secret too (an array of keys, a credentials object).
    /// </summary>
    internal static bool IsSecretName(string name)
    {
        var n = new string([.. name.ToLowerInvariant().Where(c => c is not ('_' or '-' or '.'))]);
        return !n.StartsWith("public", StringComparison.Ordinal)
            && (SecretWords.Any(w => n.Contains(w, StringComparison.Ordinal)) || n.EndsWith("key", StringComparison.Ordinal) || n.EndsWith("pem", StringComparison.Ordinal));
    }

    private static readonly string[] SecretWords = ["secret", "password", "passwd", "passphrase", "token", "credential", "privatekey", "apikey"];

    private static JsonObject ProtectSecrets(JsonObject input, JsonObject? stored, string path, ISecretProtector protector, bool secret = false)
    {
        var result = new JsonObject();
        foreach (var (name, value) in input)
        {
            result[name] = ProtectValue(value, stored?[name], $"{path}.{name}", protector, secret || IsSecretName(name));
        }

        return result;
    }

    /// <summary>
    /// A value as stored: objects and arrays walked (an array's items matched by position with what is stored), and every
    /// scalar that is secret — a string, number or flag — encrypted. <see cref="Redacted"/> keeps the stored value at that place.
    /// </summary>
    private static JsonNode? ProtectValue(JsonNode? value, JsonNode? stored, string path, ISecretProtector protector, bool secret) => value switch
    {
        JsonObject nested => ProtectSecrets(nested, stored as JsonObject, path, protector, secret),
        JsonArray items => new JsonArray([.. items.Select((item, i) =>
            ProtectValue(item, stored is JsonArray old && i < old.Count ? old[i] : null, $"{path}[{i}]", protector, secret))]),
        JsonValue v when secret && v.GetValueKind() != JsonValueKind.Null => v.TryGetValue<string>(out var text) && text == Redacted
            ? (stored as JsonValue)?.DeepClone() ?? throw Invalid(path, $"{FieldLabel.Of(path)} is redacted but no value is stored there; send the value itself.")
            : Protect(text ?? v.ToJsonString(), protector),
        _ => value?.DeepClone(),
    };

    private static JsonObject Redact(JsonObject section, bool secret = false)
    {
        var result = new JsonObject();
        foreach (var (name, value) in section)
        {
            result[name] = RedactValue(value, secret || IsSecretName(name));
        }

        return result;
    }

    private static JsonNode? RedactValue(JsonNode? value, bool secret) => value switch
    {
        JsonObject nested => Redact(nested, secret),
        JsonArray items => new JsonArray([.. items.Select(item => RedactValue(item, secret))]),
        JsonValue v when secret && v.GetValueKind() != JsonValueKind.Null => Redacted,
        _ => value?.DeepClone(),
    };

    private static PortalAuth Portal(JsonObject input, PortalAuth? current, ISecretProtector protector)
    {
        const string path = "settings.portal_auth";
        var type = Text(input["type"], $"{path}.type", 16) ?? PortalAuth.Hs256;
        var issuer = Text(input["issuer"], $"{path}.issuer", 512);
        var audience = Text(input["audience"], $"{path}.audience", 512);
        if (string.IsNullOrWhiteSpace(issuer) || string.IsNullOrWhiteSpace(audience))
        {
            throw Invalid(path, "portal_auth needs the issuer and audience the portal puts in its assertions.");
        }

        var auth = new PortalAuth { Type = type, Issuer = issuer, Audience = audience };
        switch (type)
        {
            case PortalAuth.Hs256:
                var secret = Text(input["secret"], $"{path}.secret", 1024);
                if (secret == Redacted && current?.Secret is not null)
                {
                    auth.Secret = current.Secret;
                }
                else if (secret is null || System.Text.Encoding.UTF8.GetByteCount(secret) < 32)
                {
                    throw Invalid($"{path}.secret", "An HS256 secret must be at least 32 bytes.");
                }
                else
                {
                    auth.Secret = Protect(secret, protector);
                }

                break;
            case PortalAuth.PublicKeyType:
                auth.PublicKey = Text(input["public_key"], $"{path}.public_key", 8192);
                if (auth.PublicKey is null || PortalKeys.FromPem(auth.PublicKey) is null)
                {
                    throw Invalid($"{path}.public_key", "public_key must be an RSA or EC public key in PEM form.");
                }

                break;
            case PortalAuth.JwksType:
                auth.JwksUrl = Text(input["jwks_url"], $"{path}.jwks_url", 2048);
                Outbound.OutboundGuard.RequireHttpUrl(auth.JwksUrl, $"{path}.jwks_url");

                break;
            default:
                throw Invalid($"{path}.type", "type is hs256, public_key or jwks.");
        }

        return auth;
    }

    private static TenantPolicy Policy(JsonObject input, TenantPolicy current) => new()
    {
        MaxSessionDurationMinutes = input.ContainsKey("max_session_duration_minutes")
            ? Number(input["max_session_duration_minutes"], "settings.policy.max_session_duration_minutes", 1, 24 * 60)
            : current.MaxSessionDurationMinutes,
        RateLimitPerMinute = input.ContainsKey("rate_limit_per_minute")
            ? Number(input["rate_limit_per_minute"], "settings.policy.rate_limit_per_minute", 1, 100_000)
            : current.RateLimitPerMinute,
        RequireConsent = input.ContainsKey("require_consent") ? Flag(input["require_consent"], "settings.policy.require_consent") : current.RequireConsent,
        DailyTransferLimit = input.ContainsKey("daily_transfer_limit")
            ? Number(input["daily_transfer_limit"], "settings.policy.daily_transfer_limit", 0, 10_000_000)
            : current.DailyTransferLimit,
        PrivacyNoticeUrl = input.ContainsKey("privacy_notice_url") ? NoticeUrl(input["privacy_notice_url"]) : current.PrivacyNoticeUrl,
    };

    /// <summary>An https URL or a path on the portal (a link customers follow: no other scheme, no protocol-relative //host).</summary>
    private static string? NoticeUrl(JsonNode? value)
    {
        const string path = "settings.policy.privacy_notice_url";
        var url = Text(value, path, 2048);
        if (string.IsNullOrEmpty(url))
        {
            return null;
        }

        var valid = (url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.Contains('\\'))
            || (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps);
        return valid ? url : throw Invalid(path, "The privacy notice is an https:// URL or a path starting with /.");
    }

    private static List<string> Tools(JsonNode? value, IReadOnlySet<string> knownTools)
    {
        if (value is not JsonArray array)
        {
            throw Invalid("settings.allowed_tools", "allowed_tools must be an array of tool names.");
        }

        var tools = new List<string>();
        foreach (var item in array)
        {
            var name = Text(item, "settings.allowed_tools", 64);
            if (name is null || !knownTools.Contains(name))
            {
                throw Invalid("settings.allowed_tools", $"Unknown tool '{name}'. Known tools: {string.Join(", ", knownTools.Order())}.");
            }

            tools.Add(name);
        }

        return [.. tools.Distinct(StringComparer.Ordinal)];
    }

    private static Dictionary<string, string> StringMap(JsonNode? value, string path, int maxEntries, int maxLength)
    {
        if (value is not JsonObject map || map.Count > maxEntries)
        {
            throw Invalid(path, $"{FieldLabel.Of(path)} must be an object of at most {maxEntries} text values.");
        }

        return map.ToDictionary(p => p.Key, p => Text(p.Value, $"{path}.{p.Key}", maxLength) ?? throw Invalid($"{path}.{p.Key}", $"{FieldLabel.Of(p.Key)} must be text."), StringComparer.Ordinal);
    }

    private static string? Text(JsonNode? value, string path, int maxLength)
    {
        if (value is null)
        {
            return null;
        }

        if (value is not JsonValue v || !v.TryGetValue<string>(out var text))
        {
            throw Invalid(path, $"{FieldLabel.Of(path)} must be text.");
        }

        return text.Length > maxLength ? throw Invalid(path, $"{FieldLabel.Of(path)} can be at most {maxLength} characters.") : text;
    }

    private static bool Flag(JsonNode? value, string path) =>
        value is JsonValue v && v.TryGetValue<bool>(out var flag) ? flag : throw Invalid(path, $"{FieldLabel.Of(path)} must be true or false.");

    private static int Number(JsonNode? value, string path, int min, int max) =>
        value is JsonValue v && v.TryGetValue<int>(out var n) && n >= min && n <= max ? n : throw Invalid(path, $"{FieldLabel.Of(path)} must be a whole number from {min} to {max}.");

    private static TenantSettings Clone(TenantSettings settings) =>
        JsonSerializer.Deserialize<TenantSettings>(JsonSerializer.Serialize(settings))!;

    private static AppException Invalid(string field, string message) => new(AppError.Validation(field, message));
}

/// <summary>Portal verification keys from PEM text: an EC key, or an RSA key of at least 2048 bits.</summary>
public static class PortalKeys
{
    public static AsymmetricSecurityKey? FromPem(string pem)
    {
        var ec = ECDsa.Create();
        try
        {
            ec.ImportFromPem(pem);
            return new ECDsaSecurityKey(ec);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            ec.Dispose();
        }

        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            return rsa.KeySize >= 2048 ? new RsaSecurityKey(rsa) : null;
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            return null;
        }
    }
}
