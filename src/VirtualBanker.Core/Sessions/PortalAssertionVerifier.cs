using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Tokens;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Tenancy;

namespace VirtualBanker.Core.Sessions;

/// <summary>
/// The portal's customer: their id in the portal (<c>sub</c>) and, when the portal says, their e-mail; and the assertion's own id
/// (<c>jti</c>) with the moment it stops being accepted, so that it is used once.
/// </summary>
public sealed record PortalIdentity(string Subject, string? Email, string AssertionId, DateTime AcceptedUntil);

public sealed class PortalOptions
{
    public const string Section = "Portal";

    /// <summary>Lifetime of an ephemeral session token; never beyond the session's own end.</summary>
    [Range(1, 60)]
    public int EphemeralTokenMinutes { get; set; } = 15;

    /// <summary>Refuse plain-http JWKS URLs. Only a local test set-up turns this off.</summary>
    public bool RequireHttpsJwks { get; set; } = true;

    /// <summary>The longest lifetime (<c>exp - iat</c>) an assertion may have: it is a one-time proof for opening a session, not a credential.</summary>
    [Range(10, 3600)]
    public int MaxAssertionSeconds { get; set; } = 300;

    /// <summary>How often a JWKS is re-fetched at most when an assertion names an unknown key (rotation).</summary>
    [Range(1, 86_400)]
    public int JwksRefreshSeconds { get; set; } = 60;
}

/// <summary>
/// Verifies the JWT a bank's portal signs for <c>POST /v1/sessions</c> with the key the tenant
/// configured. The accepted algorithms follow from the key type, never from the token: an HS256
/// tenant accepts only HS256, a public key or JWKS only RS/PS/ES — so <c>alg: none</c> and
/// HMAC-with-the-public-key confusion fail. Issuer, audience, signature, <c>jti</c>, <c>iat</c> and <c>exp</c> are required, a lifetime
/// over <see cref="PortalOptions.MaxAssertionSeconds"/> is refused, and so is any <c>crit</c> header (no extension is understood here).
/// The caller makes the <c>jti</c> single-use (<see cref="PortalSessionService"/>).
/// </summary>
public sealed class PortalAssertionVerifier(ISecretProtector protector, IOptions<PortalOptions> options, HttpClient http)
{
    private static readonly string[] RsaAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512];

    private static readonly string[] EcAlgorithms = [SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512];
    private static readonly JsonWebTokenHandler Handler = new();

    // Parsed keys by their stored form; a changed setting is a new entry. Bounded by the number of tenants.
    private readonly ConcurrentDictionary<string, SecurityKey> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConfigurationManager<JsonWebKeySet>> _jwks = new(StringComparer.Ordinal);

    /// <summary>Who the assertion speaks for, when it verifies; otherwise null.</summary>
    public async Task<PortalIdentity?> VerifyAsync(PortalAuth auth, string assertion, CancellationToken cancellationToken)
    {
        if (assertion.Length is 0 or > 8192)
        {
            return null;
        }

        var (keys, algorithms) = auth.Type switch
        {
            PortalAuth.Hs256 when auth.Secret is { } secret => ([Key(secret, s => new SymmetricSecurityKey(Encoding.UTF8.GetBytes(TenantSettingsDocument.Reveal(s, protector))))],
                [SecurityAlgorithms.HmacSha256]),
            PortalAuth.PublicKeyType when auth.PublicKey is { } pem => ([Key(pem, p => PortalKeys.FromPem(p) ?? throw new InvalidOperationException("Stored portal key is not valid."))],
                RsaAlgorithms.Concat(EcAlgorithms).ToArray()),
            PortalAuth.JwksType when auth.JwksUrl is { } url => (await JwksKeysAsync(url, refresh: false, cancellationToken), RsaAlgorithms.Concat(EcAlgorithms).ToArray()),
            _ => ((IList<SecurityKey>)[], Array.Empty<string>()),
        };
        if (keys.Count == 0)
        {
            return null;
        }

        var parameters = new TokenValidationParameters
        {
            ValidIssuer = auth.Issuer,
            ValidAudience = auth.Audience,
            IssuerSigningKeys = keys,
            ValidAlgorithms = algorithms,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            ValidateIssuerSigningKey = true,
            TryAllIssuerSigningKeys = true,
            ClockSkew = ClockSkew,
        };
        var result = await Handler.ValidateTokenAsync(assertion, parameters);
        if (!result.IsValid && auth.Type == PortalAuth.JwksType && result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // The portal may have rotated its keys: fetch the set again (at most once per refresh interval) and retry.
            parameters.IssuerSigningKeys = await JwksKeysAsync(auth.JwksUrl!, refresh: true, cancellationToken);
            result = await Handler.ValidateTokenAsync(assertion, parameters);
        }

        if (!result.IsValid || result.SecurityToken is not JsonWebToken token
            || token.TryGetHeaderValue<object>("crit", out _)
            || !token.TryGetPayloadValue<string>(JwtRegisteredClaimNames.Jti, out var jti) || jti is not { Length: > 0 and <= 200 }
            || !token.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Iat, out _)
            || token.IssuedAt > DateTime.UtcNow + ClockSkew // the handler checks exp and nbf against this clock too
            || token.ValidTo - token.IssuedAt > TimeSpan.FromSeconds(options.Value.MaxAssertionSeconds)
            || token.Subject is not { Length: > 0 and <= 200 } subject)
        {
            return null;
        }

        return new PortalIdentity(subject, result.ClaimsIdentity.FindFirst(JwtRegisteredClaimNames.Email)?.Value, jti, token.ValidTo + ClockSkew);
    }

    private static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(60);

    private SecurityKey Key(string stored, Func<string, SecurityKey> create)
    {
        if (_keys.Count > 10_000)
        {
            _keys.Clear();
        }

        return _keys.GetOrAdd(stored, create);
    }

    /// <summary>The portal's current keys; none when its JWKS cannot be fetched (the assertion then fails like a bad signature).</summary>
    private async Task<IList<SecurityKey>> JwksKeysAsync(string url, bool refresh, CancellationToken cancellationToken)
    {
        var manager = Jwks(url);
        if (refresh)
        {
            manager.RequestRefresh();
        }

        try
        {
            return (await manager.GetConfigurationAsync(cancellationToken)).GetSigningKeys();
        }
        catch (InvalidOperationException)
        {
            return [];
        }
    }

    private ConfigurationManager<JsonWebKeySet> Jwks(string url) => _jwks.GetOrAdd(url, u =>
        new ConfigurationManager<JsonWebKeySet>(u, new JwksRetriever(), new HttpDocumentRetriever(http) { RequireHttps = options.Value.RequireHttpsJwks })
        {
            RefreshInterval = TimeSpan.FromSeconds(options.Value.JwksRefreshSeconds),
            AutomaticRefreshInterval = TimeSpan.FromHours(1),
        });

    private sealed class JwksRetriever : IConfigurationRetriever<JsonWebKeySet>
    {
        public async Task<JsonWebKeySet> GetConfigurationAsync(string address, IDocumentRetriever retriever, CancellationToken cancel) =>
            new(await retriever.GetDocumentAsync(address, cancel));
    }
}
