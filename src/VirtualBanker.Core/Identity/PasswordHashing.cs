using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace VirtualBanker.Core.Identity;

/// <summary>
/// PBKDF2-HMAC-SHA512 through ASP.NET Core Identity's hasher (format v3: salt and iteration count are
/// stored in the hash), with the iteration count raised from Identity's 100,000 to OWASP's 210,000.
/// Hashes made with fewer iterations verify and report that they need rehashing.
/// </summary>
public sealed class PasswordHashing(IOptions<AuthOptions> options)
{
    private readonly PasswordHasher<User> _hasher = new(Options.Create(new PasswordHasherOptions
    {
        CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3,
        IterationCount = options.Value.PasswordIterations,
    }));

    public string Hash(string password) => _hasher.HashPassword(null!, password);

    public PasswordCheck Verify(string hash, string password) => _hasher.VerifyHashedPassword(null!, hash, password) switch
    {
        PasswordVerificationResult.Success => PasswordCheck.Valid,
        PasswordVerificationResult.SuccessRehashNeeded => PasswordCheck.ValidNeedsRehash,
        _ => PasswordCheck.Invalid,
    };

    /// <summary>The iteration count stored in a v3 hash (bytes 5..8, big-endian).</summary>
    internal static int IterationsOf(string hash)
    {
        var bytes = Convert.FromBase64String(hash);
        return (bytes[5] << 24) | (bytes[6] << 16) | (bytes[7] << 8) | bytes[8];
    }
}

public enum PasswordCheck
{
    Invalid,
    Valid,
    ValidNeedsRehash,
}
