using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Errors;

namespace VirtualBanker.Core.Identity;

public sealed record AuthResult(User User, TokenPair Tokens);

/// <summary>Password sign-up and sign-in for the users of one tenant.</summary>
public sealed class UserAuthService(
    VirtualBankerDbContext db,
    PasswordHashing passwords,
    TokenService tokens,
    IOptions<SignInDelayOptions> signInDelay,
    Tenancy.TenantDirectory tenants,
    TimeProvider clock)
{
    // Verified when the e-mail is unknown, so a miss costs as much as a hit and timing reveals nothing.
    private static readonly Lazy<string> DummyHash = new(() => new PasswordHashing(Options.Create(new AuthOptions())).Hash("dummy-password-for-timing"));

    public async Task<AuthResult> RegisterAsync(string tenantId, string email, string password, string name, CancellationToken cancellationToken)
    {
        email = NormalizeEmail(email);
        if (PasswordPolicy.Check(password, email) is { } rule)
        {
            throw new AppException(AppError.Validation("password", rule));
        }

        db.Tenant.UseTenant(tenantId);
        if (await db.Users.AnyAsync(u => u.Email == email, cancellationToken))
        {
            throw new AppException(AppError.Conflict("Email already registered."));
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var user = new User
        {
            Email = email,
            Name = name.Trim(),
            PasswordHash = passwords.Hash(password),
            CreatedAt = now,
            UpdatedAt = now,
        };
        user.Roles.Add(new UserRole { UserId = user.Id, Role = Roles.Customer });
        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The unique (tenant, email) index caught a concurrent registration.
            throw new AppException(AppError.Conflict("Email already registered."));
        }

        return new AuthResult(user, await tokens.IssueAsync(user, cancellationToken));
    }

    /// <summary>
    /// Checks the password. Every wrong password is the same 401 whatever was wrong. After <see cref="SignInDelayOptions.FreeFailures"/>
    /// wrong passwords in a row, each further one makes the account wait before its next check, doubling from one second up to
    /// <see cref="SignInDelayOptions.MaxDelaySeconds"/> (ASVS 2.2.1): a guesser gets under 100 tries an hour on one account, and its owner
    /// waits at most that long — an attacker can no longer lock them out for a quarter of an hour with five guesses. A sign-in while the
    /// account waits is refused unchecked: 429 with <c>Retry-After</c>. (That tells a caller the account exists, as registering does.)
    /// </summary>
    public async Task<AuthResult> LoginAsync(string tenantId, string email, string password, CancellationToken cancellationToken, bool staffOnly = false)
    {
        email = NormalizeEmail(email);
        db.Tenant.UseTenant(tenantId);
        var user = await db.Users.Include(u => u.Roles).FirstOrDefaultAsync(u => u.Email == email, cancellationToken);
        var invalid = new AppException(AppError.Unauthorized("Incorrect email or password."));

        // A switched-off tenant's people get no new token either (its tokens and keys are already refused).
        if (user?.PasswordHash is null || !user.Active || (staffOnly && !user.Roles.Any(r => Roles.StaffRoles.Contains(r.Role)))
            || await tenants.FindAsync(tenantId, cancellationToken) is not { Active: true })
        {
            passwords.Verify(DummyHash.Value, password);
            throw invalid;
        }

        if (!await CheckPasswordAsync(user, password, cancellationToken))
        {
            throw invalid;
        }

        return new AuthResult(user, await tokens.IssueAsync(user, cancellationToken));
    }

    /// <summary>
    /// Whether <paramref name="password"/> is the user's, under the account's sign-in delays (every password check goes through
    /// here, so none is an oracle outside them): while the account waits, a 429 with <c>Retry-After</c>, unchecked.
    /// </summary>
    public async Task<bool> CheckPasswordAsync(User user, string password, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (user.PasswordHash is null)
        {
            return false;
        }

        if (user.LockedUntil > now)
        {
            throw Wait(user.LockedUntil.Value - now);
        }

        // The check is counted as a failure before it runs, by one conditional update: of concurrent sign-ins to one account only
        // one is checked (the others wait, as a guess would), so guesses sent in parallel get no more checks than one after another.
        var failures = user.FailedLoginCount + 1;
        var delayed = failures - signInDelay.Value.FreeFailures;
        var waitUntil = delayed > 0 ? now.AddSeconds(Math.Min(Math.Pow(2, Math.Min(delayed - 1, 30)), signInDelay.Value.MaxDelaySeconds)) : user.LockedUntil;
        var counted = await db.Users.Where(u => u.Id == user.Id && u.FailedLoginCount == user.FailedLoginCount)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.FailedLoginCount, failures).SetProperty(u => u.LockedUntil, waitUntil), cancellationToken);
        if (counted == 0)
        {
            throw Wait(TimeSpan.FromSeconds(1));
        }

        var check = passwords.Verify(user.PasswordHash, password);
        if (check == PasswordCheck.Invalid)
        {
            return false;
        }

        // Right: the count starts again (and a hash made with older parameters is replaced).
        var hash = check == PasswordCheck.ValidNeedsRehash ? passwords.Hash(password) : user.PasswordHash;
        await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s
            .SetProperty(u => u.FailedLoginCount, 0).SetProperty(u => u.LockedUntil, (DateTime?)null).SetProperty(u => u.PasswordHash, hash), cancellationToken);
        return true;
    }

    private static AppException Wait(TimeSpan wait)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        return new AppException(AppError.RateLimited($"Too many incorrect passwords. Try again in {seconds} seconds.") with { RetryAfterSeconds = seconds });
    }

    /// <summary>The tenant where <paramref name="email"/> belongs to staff or an admin, when exactly one does; otherwise null.</summary>
    public async Task<string?> StaffTenantOfAsync(string email, CancellationToken cancellationToken)
    {
        email = NormalizeEmail(email);
        using var system = db.Tenant.BeginSystemScope();
        var tenants = await db.Users.AsNoTracking().Where(u => u.Email == email && u.Roles.Any(r => r.Role == Roles.Staff || r.Role == Roles.TenantAdmin || r.Role == Roles.PlatformAdmin))
            .Select(u => u.TenantId).Take(2).ToListAsync(cancellationToken);
        return tenants.Count == 1 ? tenants[0] : null;
    }

    internal static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();
}

public sealed class SignInDelayOptions
{
    public const string Section = "Auth:SignInDelay";

    /// <summary>Wrong passwords in a row that cost nothing (typos).</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 20)]
    public int FreeFailures { get; set; } = 3;

    /// <summary>The longest wait between two checks of one account's password; 60 keeps a guesser under 100 tries an hour.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 3600)]
    public int MaxDelaySeconds { get; set; } = 60;
}
