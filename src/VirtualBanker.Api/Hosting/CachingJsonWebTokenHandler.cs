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
/// </summary>
internal sealed class CachingJsonWebTokenHandler(TimeProvider clock) : JsonWebTokenHandler
{
    // Bounded: a flood of distinct valid tokens evicts old entries instead of growing memory (about 2 KB each).
    private readonly MemoryCache _verified = new(new MemoryCacheOptions { SizeLimit = 20_000, CompactionPercentage = 0.25 });

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (_verified.TryGetValue(token, out Verified? hit) && hit!.Expires > now)
        {
            return new TokenValidationResult { IsValid = true, ClaimsIdentity = hit.Identity.Clone(), SecurityToken = hit.Token, TokenType = hit.Token.Typ };
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result is { IsValid: true, SecurityToken: JsonWebToken jwt } && jwt.ValidTo > now)
        {
            _verified.Set(token, new Verified(result.ClaimsIdentity.Clone(), jwt, jwt.ValidTo),
                new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = jwt.ValidTo - now });
        }

        return result;
    }

    private sealed record Verified(System.Security.Claims.ClaimsIdentity Identity, JsonWebToken Token, DateTime Expires);
}
