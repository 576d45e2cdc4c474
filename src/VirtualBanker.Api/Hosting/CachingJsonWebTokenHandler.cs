using System.Security.Claims;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace VirtualBanker.Api.Hosting;

/// <summary>
/// Our access tokens' handler, remembering the tokens it has verified until they expire. A client sends
/// the same token on every request for its 15 minutes; verifying its ES256 signature each time was a
/// quarter of a cached request's CPU. Only a token that passed every check (signature, algorithm,
/// type, issuer, audience, lifetime) is remembered, keyed by its exact text; expiry is still
/// checked on every use against the host's clock. Revocation and the tenant check are not cached: they
/// run per request in <c>OnTokenValidated</c>. A signing key withdrawn from the store stops new tokens
/// at once and remembered ones within their lifetime.
/// Neither an entry nor the identity returned holds the parsed <see cref="JsonWebToken"/> (the token's
/// text, both JSON parts and its claims once more, about 8 KiB with the claims' property bags): an entry
/// lives as long as its token, and a socket's request keeps its identity as long as the socket is open.
/// </summary>
internal sealed class CachingJsonWebTokenHandler(TimeProvider clock, IHttpContextAccessor requests) : JsonWebTokenHandler
{
    // Bounded: a flood of distinct valid tokens evicts old entries instead of growing memory (about 2 KiB each).
    private readonly MemoryCache _verified = new(new MemoryCacheOptions { SizeLimit = 20_000, CompactionPercentage = 0.25 });

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (!_verified.TryGetValue(token, out Verified? verified) || verified!.Expires <= now)
        {
            var result = await base.ValidateTokenAsync(token, validationParameters);
            if (result is not { IsValid: true, SecurityToken: JsonWebToken jwt } || jwt.ValidTo <= now)
            {
                return result;
            }

            verified = new Verified(WithoutCheckedClaims(result.ClaimsIdentity), new VerifiedToken(jwt.Id, jwt.Issuer, jwt.ValidFrom, jwt.ValidTo), jwt.Typ, jwt.ValidTo);

            // A socket presents its token once, at its handshake: remembered, it would only be held as long as the socket.
            if (requests.HttpContext?.WebSockets.IsWebSocketRequest != true)
            {
                _verified.Set(token, verified, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = jwt.ValidTo - now });
            }
        }

        // A copy without the parsed token, on a miss too: the identity the handler returns refers to it, and
        // a socket's request keeps its identity as long as the socket is open.
        return new TokenValidationResult { IsValid = true, ClaimsIdentity = verified.Identity.Clone(), SecurityToken = verified.Token, TokenType = verified.Type };
    }

    /// <summary>
    /// The identity without the registered claims this handler has checked and nothing reads afterwards
    /// (issuer, audience, not-before, token id): each is a claim copied for every request, and a socket's
    /// request keeps its identity as long as the socket is open. The token's lifetime (iat, exp) stays.
    /// </summary>
    private static ClaimsIdentity WithoutCheckedClaims(ClaimsIdentity identity) => new CaseSensitiveClaimsIdentity(
        identity.Claims.Where(c => c.Type is not (JwtRegisteredClaimNames.Iss or JwtRegisteredClaimNames.Aud or JwtRegisteredClaimNames.Nbf or JwtRegisteredClaimNames.Jti)),
        identity.AuthenticationType, identity.NameClaimType, identity.RoleClaimType);

    private sealed record Verified(ClaimsIdentity Identity, VerifiedToken Token, string Type, DateTime Expires);

    /// <summary>What the bearer handler reads of a remembered token: its id, issuer and lifetime.</summary>
    private sealed class VerifiedToken(string id, string issuer, DateTime validFrom, DateTime validTo) : SecurityToken
    {
        public override string Id => id;

        public override string Issuer => issuer;

        public override SecurityKey? SecurityKey => null;

        public override SecurityKey? SigningKey { get; set; }

        public override DateTime ValidFrom => validFrom;

        public override DateTime ValidTo => validTo;

        public override string UnsafeToString() => $"verified token {id}";
    }
}
