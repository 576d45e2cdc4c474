using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Errors;
using VirtualBanker.Core.Identity;

namespace VirtualBanker.Core.Workspace;

/// <summary>
/// Contract 004's sign-in through the organisation's directory (any OpenID Connect provider: Zitadel,
/// Keycloak, Entra ID, Auth0...). Sign-in is off until <see cref="Authority"/> is set.
/// </summary>
public sealed class OidcOptions
{
    public const string Section = "Oidc";

    /// <summary>The provider's issuer URL; its discovery document is read from <c>{Authority}/.well-known/openid-configuration</c>.</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>Space-separated, as in the OAuth <c>scope</c> parameter; add the scope that releases your groups and roles claims if the provider needs one.</summary>
    public string Scopes { get; set; } = "openid profile email";

    /// <summary>The registered redirect URI when the public address differs from the one the server sees (behind a proxy); else derived from the request.</summary>
    public string? RedirectUri { get; set; }

    /// <summary>Where the provider sends the browser after RP-initiated logout (must be registered with it).</summary>
    public string? PostLogoutRedirectUri { get; set; }

    /// <summary>Where a signed-in browser lands when the login named no local <c>return_to</c>.</summary>
    public string AppPath { get; set; } = "/";

    /// <summary>The tenant whose users sign in through this directory; the default tenant when empty.</summary>
    public string? TenantId { get; set; }

    /// <summary>ID-token claim holding roles: a list (<c>roles</c>), an object whose keys are roles (Zitadel's
    /// <c>urn:zitadel:iam:org:project:roles</c>), or a dotted path into an object (Keycloak's <c>realm_access.roles</c>).</summary>
    public string RoleClaim { get; set; } = "roles";

    /// <summary>ID-token claim holding the user's directory groups, read like <see cref="RoleClaim"/>.</summary>
    public string GroupsClaim { get; set; } = "groups";

    /// <summary>Directory roles that make the user an admin of the tenant.</summary>
    public string[] AdminRoles { get; set; } = ["admin"];

    /// <summary>Lifetime of the session (cookie and bearer token) a sign-in opens.</summary>
    [Range(5, 1440)]
    public int SessionMinutes { get; set; } = 480;

    /// <summary>Refuse a plain-http discovery document. Only a local test set-up turns this off.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Where <c>PUT /api/users/me</c> sends a directory user's changes; local-only when not set.</summary>
    public ScimOptions Scim { get; set; } = new();

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);
}

/// <summary>What a validated ID token says about its user, after the configured claim mapping.</summary>
public sealed record DirectoryIdentity(
    string Issuer,
    string Subject,
    string? Email,
    bool EmailVerified,
    string? Name,
    string? GivenName,
    string? FamilyName,
    bool IsAdmin,
    IReadOnlyCollection<string> Groups);

public sealed record DirectorySession(User User, AccessToken Token);

/// <summary>
/// Turns a validated directory identity into a local user and a session. The user is found by issuer +
/// subject; else an unlinked local user with the same verified e-mail is linked; else one is created.
/// The directory is the authority on the user's name, admin role and the membership of every group
/// that mirrors a directory group (<see cref="Group.ExternalName"/>); groups kept locally are left alone.
/// </summary>
public sealed class DirectorySignInService(VirtualBankerDbContext db, TokenService tokens, IOptions<OidcOptions> options, TimeProvider clock)
{
    public async Task<DirectorySession> SignInAsync(string tenantId, DirectoryIdentity identity, CancellationToken cancellationToken)
    {
        db.Tenant.UseTenant(tenantId);
        var user = await db.Users.Include(u => u.Roles)
            .FirstOrDefaultAsync(u => u.ExternalIssuer == identity.Issuer && u.ExternalSubject == identity.Subject, cancellationToken)
            ?? await LinkOrCreateAsync(identity, cancellationToken);
        if (!user.Active)
        {
            throw new AppException(AppError.Unauthorized("This account is disabled."));
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (Normalize(identity.Email) is { } email && email != user.Email && !await db.Users.AnyAsync(u => u.Email == email, cancellationToken))
        {
            user.Email = email;
            user.EmailVerifiedAt = identity.EmailVerified ? now : null;
        }

        user.FirstName = identity.GivenName ?? user.FirstName;
        user.LastName = identity.FamilyName ?? user.LastName;
        user.Name = identity.Name ?? user.Name;
        user.UpdatedAt = now;
        SetRole(user, Roles.Member, true);
        SetRole(user, Roles.TenantAdmin, identity.IsAdmin);
        await SyncGroupsAsync(user.Id, identity.Groups, now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);

        // The session is a login of its own, without refresh tokens: its id is the token's sid, which logout revokes.
        var token = tokens.CreateAccessToken(user, Guid.CreateVersion7().ToString(), now.AddMinutes(options.Value.SessionMinutes));
        return new DirectorySession(user, token);
    }

    private async Task<User> LinkOrCreateAsync(DirectoryIdentity identity, CancellationToken cancellationToken)
    {
        var email = Normalize(identity.Email);
        if (email is null)
        {
            throw new AppException(AppError.Unauthorized("The directory did not provide an e-mail address for this account."));
        }

        var existing = await db.Users.Include(u => u.Roles).FirstOrDefaultAsync(u => u.Email == email, cancellationToken);
        if (existing is not null)
        {
            // Only a verified address may claim an existing account, and never one already linked to another directory subject.
            if (!identity.EmailVerified || existing.ExternalSubject is not null)
            {
                throw new AppException(AppError.Unauthorized("This directory account cannot be linked to a local account."));
            }

            // An account whose address nobody proved may have been opened by someone else in the owner's name (pre-account takeover):
            // the directory has now proved the address, so the claimant's password stops working.
            if (existing.EmailVerifiedAt is null)
            {
                existing.PasswordHash = null;
                existing.EmailVerifiedAt = clock.GetUtcNow().UtcDateTime;
            }

            existing.ExternalIssuer = identity.Issuer;
            existing.ExternalSubject = identity.Subject;
            return existing;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var user = new User
        {
            Email = email,
            Name = identity.Name ?? email,
            ExternalIssuer = identity.Issuer,
            ExternalSubject = identity.Subject,
            EmailVerifiedAt = identity.EmailVerified ? now : null,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Users.Add(user);
        return user;
    }

    /// <summary>The directory's address, lower-cased, if it is one.</summary>
    private static string? Normalize(string? email) =>
        email is not null && new EmailAddressAttribute().IsValid(email) ? UserAuthService.NormalizeEmail(email) : null;

    private static void SetRole(User user, string role, bool wanted)
    {
        var current = user.Roles.FirstOrDefault(r => r.Role == role);
        if (wanted && current is null)
        {
            user.Roles.Add(new UserRole { UserId = user.Id, Role = role });
        }
        else if (!wanted && current is not null)
        {
            user.Roles.Remove(current);
        }
    }

    private async Task SyncGroupsAsync(Guid userId, IReadOnlyCollection<string> directoryGroups, DateTime now, CancellationToken cancellationToken)
    {
        var mirrored = await db.Groups.Where(g => g.ExternalName != null).Select(g => new { g.Id, g.ExternalName }).ToListAsync(cancellationToken);
        var wanted = mirrored.Where(g => directoryGroups.Contains(g.ExternalName!)).Select(g => g.Id).ToHashSet();
        var mirroredIds = mirrored.Select(g => g.Id).ToList();
        var current = await db.GroupMembers.Where(m => m.UserId == userId && mirroredIds.Contains(m.GroupId)).ToListAsync(cancellationToken);
        db.GroupMembers.RemoveRange(current.Where(m => !wanted.Contains(m.GroupId)));
        db.GroupMembers.AddRange(wanted.Except(current.Select(m => m.GroupId)).Select(g => new GroupMember { GroupId = g, UserId = userId, AddedAt = now }));
    }
}
