using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;
using VirtualBanker.Core.Data;

namespace VirtualBanker.Core.Identity;

public sealed record CreatedApiKey(ApiKey Key, string Secret);

/// <summary>
/// API keys look like <c>vbk_</c> + 12-character public prefix + 43-character secret. The prefix finds
/// the row; the SHA-256 of the whole key is compared in constant time. A fast hash is enough here
/// because the secret is 256 random bits, not a password.
/// </summary>
public sealed class ApiKeyService(VirtualBankerDbContext db, ITokenRevocationList revocations, TimeProvider clock)
{
    public const string KeyPrefix = "vbk_";
    private const int PrefixLength = 12;
    private const int SecretLength = 43;
    private const string PrefixAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>Creates a key for the current tenant. The returned secret is the only copy there will ever be.</summary>
    public async Task<CreatedApiKey> CreateAsync(string label, IEnumerable<string> scopes, DateTime? expiresAt, Guid? createdBy, CancellationToken cancellationToken)
    {
        var prefix = RandomNumberGenerator.GetString(PrefixAlphabet, PrefixLength);
        var secret = $"{KeyPrefix}{prefix}{Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32))}";
        var key = new ApiKey
        {
            Label = label,
            Prefix = prefix,
            SecretHash = SHA256.HashData(Encoding.UTF8.GetBytes(secret)),
            Scopes = [.. scopes.Distinct(StringComparer.Ordinal)],
            CreatedByUserId = createdBy,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
            ExpiresAt = expiresAt,
        };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedApiKey(key, secret);
    }

    /// <summary>The live key the presented secret belongs to, or null. Unfiltered: the key names its own tenant.</summary>
    public async Task<ApiKey?> VerifyAsync(string presented, CancellationToken cancellationToken)
    {
        if (presented.Length != KeyPrefix.Length + PrefixLength + SecretLength
            || !presented.StartsWith(KeyPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var prefix = presented.Substring(KeyPrefix.Length, PrefixLength);
        var key = await db.ApiKeys.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(k => k.Prefix == prefix, cancellationToken);
        if (key is null)
        {
            return null;
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var now = clock.GetUtcNow().UtcDateTime;
        if (!CryptographicOperations.FixedTimeEquals(hash, key.SecretHash) || key.RevokedAt is not null || key.ExpiresAt <= now)
        {
            return null;
        }

        return key;
    }

    /// <summary>The current tenant's keys, newest first (their hashes stay in the database).</summary>
    public Task<List<ApiKey>> ListAsync(CancellationToken cancellationToken) =>
        db.ApiKeys.AsNoTracking().OrderByDescending(k => k.CreatedAt).ToListAsync(cancellationToken);

    /// <summary>Revokes a key of the current tenant; false when there is no such key.</summary>
    public async Task<bool> RevokeAsync(Guid id, CancellationToken cancellationToken)
    {
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, cancellationToken);
        if (key is null)
        {
            return false;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        key.RevokedAt ??= now;
        await db.SaveChangesAsync(cancellationToken);

        // New requests with the key fail at once (VerifyAsync); sockets already open with it are closed by the
        // socket watch, which looks in the revocation list every few seconds: a day covers every node's next look.
        await revocations.RevokeAsync(SessionId(id), now.AddDays(1), cancellationToken);
        return true;
    }

    /// <summary>What a key's callers carry as their session (<c>sid</c>): what revoking the key revokes.</summary>
    public static string SessionId(Guid keyId) => $"key:{keyId}";
}
