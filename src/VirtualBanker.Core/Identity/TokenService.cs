using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using VirtualBanker.Core.Data;

namespace VirtualBanker.Core.Identity;

public sealed record TokenPair(string AccessToken, DateTime AccessTokenExpiresAt, string RefreshToken, Guid FamilyId);

public sealed record AccessToken(string Token, DateTime ExpiresAt);

/// <summary>Issues access tokens and runs the refresh-token chain: issue, rotate, detect reuse, revoke.</summary>
public sealed class TokenService(
    VirtualBankerDbContext db,
    SigningKeyStore keys,
    ITokenRevocationList revocations,
    IOptions<AuthOptions> options,
    TimeProvider clock)
{
    /// <summary>RFC 9068 type header. Validation requires it, so an ID token or any other JWT is never an access token.</summary>
    public const string AccessTokenType = "at+jwt";

    public const string TenantClaim = "tid";
    public const string SessionClaim = "sid";
    public const string RoleClaim = "role";
    public const string ScopeClaim = "scope";

    /// <summary>The one scope of a portal session's ephemeral token.</summary>
    public const string SessionScope = "session";

    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly AuthOptions _options = options.Value;

    /// <summary>Starts a login: a new refresh-token family and its first access token.</summary>
    public async Task<TokenPair> IssueAsync(User user, CancellationToken cancellationToken)
    {
        var familyId = Guid.CreateVersion7();
        var refresh = AddRefreshToken(user, familyId);
        await db.SaveChangesAsync(cancellationToken);
        var access = CreateAccessToken(user, familyId.ToString());
        return new TokenPair(access.Token, access.ExpiresAt, refresh, familyId);
    }

    /// <summary>
    /// Consumes a refresh token and returns the next pair of its family, or null when the token is
    /// unknown, expired or revoked. A token presented a second time revokes its whole family.
    /// </summary>
    public async Task<TokenPair?> RefreshAsync(string refreshToken, CancellationToken cancellationToken)
    {
        var hash = Hash(refreshToken);

        // The caller is anonymous: the token itself names its tenant, so this one look-up is unfiltered.
        var row = await db.RefreshTokens.IgnoreQueryFilters().AsNoTracking()
            .FirstOrDefaultAsync(t => t.TokenHash == hash, cancellationToken);
        if (row is null)
        {
            return null;
        }

        db.Tenant.UseTenant(row.TenantId);
        var now = clock.GetUtcNow().UtcDateTime;
        if (row.ExpiresAt <= now)
        {
            return null;
        }

        // A revoked token presented at all: its family was signed out (nothing more to do), or the token was superseded because
        // an older one was presented again, so two holders refresh one login: one of them copied it. End the login for both.
        if (row.RevokedAt is not null)
        {
            await RevokeFamilyAsync(row.FamilyId, cancellationToken);
            return null;
        }

        // Conditional update: of two concurrent refreshes with one token, exactly one wins.
        var consumed = await db.RefreshTokens
            .Where(t => t.Id == row.Id && t.ConsumedAt == null && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.ConsumedAt, now), cancellationToken);
        if (consumed == 0 && !await RefreshedAgainWithoutRotationAsync(row, now, cancellationToken))
        {
            await RevokeFamilyAsync(row.FamilyId, cancellationToken);
            return null;
        }

        var user = await db.Users.Include(u => u.Roles).FirstOrDefaultAsync(u => u.Id == row.UserId, cancellationToken);
        if (user is null || !user.Active)
        {
            await RevokeFamilyAsync(row.FamilyId, cancellationToken);
            return null;
        }

        var next = AddRefreshToken(user, row.FamilyId);
        await db.SaveChangesAsync(cancellationToken);
        var access = CreateAccessToken(user, row.FamilyId.ToString());
        return new TokenPair(access.Token, access.ExpiresAt, next, row.FamilyId);
    }

    /// <summary>
    /// A consumed token presented again. Contract 001's refresh answer has no refresh token, so a client that follows it literally
    /// presents the login's token at every refresh: while no successor of this token has ever been presented, that is such a client,
    /// not a thief, and it rotates again (its unused successor is revoked, so only the newest is live). Once a successor has been
    /// presented, the client takes rotated tokens and this is a copy: false, and the caller ends the login (see ADR 0003).
    /// </summary>
    private async Task<bool> RefreshedAgainWithoutRotationAsync(RefreshToken row, DateTime now, CancellationToken cancellationToken)
    {
        var successorUsed = await db.RefreshTokens.AnyAsync(t => t.FamilyId == row.FamilyId && t.Id != row.Id && t.CreatedAt >= row.CreatedAt && t.ConsumedAt != null,
            cancellationToken);
        if (successorUsed)
        {
            return false;
        }

        await db.RefreshTokens.Where(t => t.FamilyId == row.FamilyId && t.Id != row.Id && t.ConsumedAt == null && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), cancellationToken);
        return true;
    }

    /// <summary>
    /// Ends a login: its refresh tokens stop working and its access tokens are refused at once, until
    /// the last of them would have expired (<paramref name="tokensExpireBy"/> for a login whose tokens outlive the usual lifetime).
    /// </summary>
    public async Task RevokeFamilyAsync(Guid familyId, CancellationToken cancellationToken, DateTime? tokensExpireBy = null)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await db.RefreshTokens.IgnoreQueryFilters()
            .Where(t => t.FamilyId == familyId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), cancellationToken);
        var until = now.AddMinutes(_options.AccessTokenMinutes);
        await revocations.RevokeAsync(familyId.ToString(), tokensExpireBy > until ? tokensExpireBy.Value : until, cancellationToken);
    }

    /// <summary>An access token of <paramref name="sessionId"/>; it lives <see cref="AuthOptions.AccessTokenMinutes"/> unless the session sets its own end.</summary>
    public AccessToken CreateAccessToken(User user, string sessionId, DateTime? expires = null)
    {
        expires ??= clock.GetUtcNow().UtcDateTime.AddMinutes(_options.AccessTokenMinutes);
        return Create(expires.Value, new Dictionary<string, object>
        {
            [JwtRegisteredClaimNames.Sub] = user.Id.ToString(),
            [JwtRegisteredClaimNames.Email] = user.Email,
            [JwtRegisteredClaimNames.Name] = user.Name,
            [TenantClaim] = user.TenantId,
            [SessionClaim] = sessionId,
            [RoleClaim] = user.Roles.Select(r => r.Role).ToArray(),
        });
    }

    /// <summary>
    /// The ephemeral token of one portal session (contract 000): no user and no role, only the
    /// <see cref="SessionScope"/> scope and the session's id, so it opens that session's channels and nothing else.
    /// </summary>
    public AccessToken CreateSessionToken(string tenantId, string sessionId, DateTime expires) => Create(expires, new Dictionary<string, object>
    {
        [TenantClaim] = tenantId,
        [SessionClaim] = sessionId,
        [ScopeClaim] = SessionScope,
    });

    private AccessToken Create(DateTime expires, Dictionary<string, object> claims)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        claims[JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N");
        var token = Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = expires,
            TokenType = AccessTokenType,
            Claims = claims,
            SigningCredentials = new SigningCredentials(keys.Current, SigningKeyStore.Algorithm),
        });
        return new AccessToken(token, expires);
    }

    internal static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private string AddRefreshToken(User user, Guid familyId)
    {
        var token = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var now = clock.GetUtcNow().UtcDateTime;
        db.RefreshTokens.Add(new RefreshToken
        {
            TenantId = user.TenantId,
            UserId = user.Id,
            FamilyId = familyId,
            TokenHash = Hash(token),
            CreatedAt = now,
            ExpiresAt = now.AddDays(_options.RefreshTokenDays),
        });
        return token;
    }
}
