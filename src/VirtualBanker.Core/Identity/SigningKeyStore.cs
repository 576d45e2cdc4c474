using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using VirtualBanker.Core.Data;

namespace VirtualBanker.Core.Identity;

/// <summary>
/// Holds the ES256 key that signs access tokens. Generated on first start and persisted (protected)
/// in the database, so restarts and other nodes keep verifying tokens; there is no built-in secret.
/// </summary>
public sealed class SigningKeyStore(IServiceScopeFactory scopes, ISecretProtector protector, TimeProvider clock)
{
    public const string Algorithm = SecurityAlgorithms.EcdsaSha256;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile ECDsaSecurityKey[]? _keys;

    /// <summary>The current signing key first, then retired ones still accepted for verification.</summary>
    public IReadOnlyList<ECDsaSecurityKey> Keys => _keys ?? throw new InvalidOperationException("Signing keys are not loaded yet.");

    public ECDsaSecurityKey Current => Keys[0];

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<VirtualBankerDbContext>();
            var rows = await db.SigningKeys.OrderByDescending(k => k.CreatedAt).ToListAsync(cancellationToken);
            if (rows.Count == 0)
            {
                using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                var row = new SigningKey
                {
                    Id = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(12)),
                    Algorithm = Algorithm,
                    ProtectedPrivateKey = protector.Protect(Convert.ToBase64String(ecdsa.ExportPkcs8PrivateKey())),
                    CreatedAt = clock.GetUtcNow().UtcDateTime,
                };
                db.SigningKeys.Add(row);
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                    rows = [row];
                }
                catch (DbUpdateException)
                {
                    // Another node created one at the same moment: use theirs.
                    db.ChangeTracker.Clear();
                    rows = await db.SigningKeys.OrderByDescending(k => k.CreatedAt).ToListAsync(cancellationToken);
                }
            }

            _keys = [.. rows.Where(r => r.RetiredAt is null).Select(ToSecurityKey)];
        }
        finally
        {
            _gate.Release();
        }
    }

    private ECDsaSecurityKey ToSecurityKey(SigningKey row)
    {
        var ecdsa = ECDsa.Create();
        ecdsa.ImportPkcs8PrivateKey(Convert.FromBase64String(protector.Unprotect(row.ProtectedPrivateKey)), out _);
        return new ECDsaSecurityKey(ecdsa) { KeyId = row.Id };
    }
}
