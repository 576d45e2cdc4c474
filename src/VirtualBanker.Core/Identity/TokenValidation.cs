using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace VirtualBanker.Core.Identity;

public static class TokenValidation
{
    /// <summary>
    /// What an access token must satisfy. The algorithm is pinned (never taken from the token header,
    /// so <c>alg: none</c> or HS256-with-the-public-key fail), the type must be <c>at+jwt</c> (an ID or
    /// refresh token is not an access token), issuer, audience and lifetime are checked with at most 60 s skew.
    /// Key-location headers such as <c>jku</c>/<c>x5u</c> are never followed: keys come only from the store.
    /// Lifetime is judged on <paramref name="clock"/>, the host's clock (the system clock by default).
    /// </summary>
    public static TokenValidationParameters Create(AuthOptions options, SigningKeyStore keys, TimeProvider? clock = null) => new()
    {
        ValidIssuer = options.Issuer,
        ValidAudience = options.Audience,
        ValidAlgorithms = [SigningKeyStore.Algorithm],
        ValidTypes = [TokenService.AccessTokenType],
        IssuerSigningKeyResolver = (_, _, _, _) => keys.Keys,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateLifetime = true,
        ValidateIssuerSigningKey = true,
        ClockSkew = TimeSpan.FromSeconds(Math.Min(options.ClockSkewSeconds, 60)),
        NameClaimType = JwtRegisteredClaimNames.Sub,
        RoleClaimType = TokenService.RoleClaim,
        LifetimeValidator = LifetimeOn(clock ?? TimeProvider.System),
    };

    /// <summary>A lifetime check on the given clock, with the parameters' skew: not before <c>nbf</c>, not after <c>exp</c>, and <c>exp</c> required.</summary>
    public static LifetimeValidator LifetimeOn(TimeProvider clock) => (notBefore, expires, _, parameters) =>
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return expires is { } e && e > now - parameters.ClockSkew && !(notBefore > now + parameters.ClockSkew);
    };
}
