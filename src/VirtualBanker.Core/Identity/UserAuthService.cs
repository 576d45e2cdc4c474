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
    IOptions<LockoutOptions> lockout,
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
    /// Checks the password. Every failure is the same 401 whatever was wrong; after
    /// <see cref="LockoutOptions.MaxFailedAttempts"/> failures the account is locked for a while.
    /// </summary>
    public async Task<AuthResult> LoginAsync(string tenantId, string email, string password, CancellationToken cancellationToken, bool staffOnly = false)
    {
        email = NormalizeEmail(email);
        db.Tenant.UseTenant(tenantId);
        var user = await db.Users.Include(u => u.Roles).FirstOrDefaultAsync(u => u.Email == email, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var invalid = new AppException(AppError.Unauthorized("Incorrect email or password."));

        // A switched-off tenant's people get no new token either (its tokens and keys are already refused).
        if (user?.PasswordHash is null || !user.Active || (staffOnly && !user.Roles.Any(r => Roles.StaffRoles.Contains(r.Role)))
            || await tenants.FindAsync(tenantId, cancellationToken) is not { Active: true })
        {
            passwords.Verify(DummyHash.Value, password);
            throw invalid;
        }

        if (user.LockedUntil > now)
        {
            passwords.Verify(DummyHash.Value, password);
            throw invalid;
        }

        var check = passwords.Verify(user.PasswordHash, password);
        if (check == PasswordCheck.Invalid)
        {
            user.FailedLoginCount++;
            if (user.FailedLoginCount >= lockout.Value.MaxFailedAttempts)
            {
                user.LockedUntil = now.AddMinutes(lockout.Value.LockoutMinutes);
                user.FailedLoginCount = 0;
            }

            await db.SaveChangesAsync(cancellationToken);
            throw invalid;
        }

        if (check == PasswordCheck.ValidNeedsRehash)
        {
            user.PasswordHash = passwords.Hash(password);
        }

        user.FailedLoginCount = 0;
        user.LockedUntil = null;
        await db.SaveChangesAsync(cancellationToken);
        return new AuthResult(user, await tokens.IssueAsync(user, cancellationToken));
    }

    internal static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();
}

public sealed class LockoutOptions
{
    public const string Section = "Auth:Lockout";

    [System.ComponentModel.DataAnnotations.Range(3, 100)]
    public int MaxFailedAttempts { get; set; } = 5;

    [System.ComponentModel.DataAnnotations.Range(1, 1440)]
    public int LockoutMinutes { get; set; } = 15;
}
