namespace VirtualBanker.Core.Identity;

/// <summary>Who is calling, as the Api read it from a token or API key. Core never sees HTTP.</summary>
public interface ICurrentPrincipal
{
    bool IsAuthenticated { get; }
    Guid? UserId { get; }
    string? TenantId { get; }
    IReadOnlyCollection<string> Roles { get; }
    IReadOnlyCollection<string> Scopes { get; }

    /// <summary>The login family (refresh-token family) or portal session the token belongs to.</summary>
    string? SessionId { get; }

    bool IsInRole(string role) => Roles.Contains(role);

    bool HasScope(string scope) => Scopes.Contains(scope);

    /// <summary>A portal session's ephemeral token: it may use only the session named by <see cref="SessionId"/>.</summary>
    bool IsSessionToken => UserId is null && HasScope(TokenService.SessionScope);

    bool IsAdmin => IsInRole(Identity.Roles.TenantAdmin) || IsInRole(Identity.Roles.PlatformAdmin);
}

public static class Roles
{
    public const string Customer = "customer";

    /// <summary>A member of the bank's staff signed in through its directory (contract 004); what bots they use comes from their groups.</summary>
    public const string Member = "member";
    public const string TenantAdmin = "tenant_admin";

    /// <summary>The bank's people behind the assistant: they take over conversations from the staff queue and answer tickets. Admins are staff too.</summary>
    public const string Staff = "staff";
    public const string PlatformAdmin = "platform_admin";

    /// <summary>The roles that may sign in to the management surface (contract 003's login and the console) and serve the staff queue.</summary>
    public static readonly IReadOnlySet<string> StaffRoles = new HashSet<string>(StringComparer.Ordinal) { Staff, TenantAdmin, PlatformAdmin };
}

/// <summary>A principal for code that runs outside a request (start-up, background runs).</summary>
public sealed class AnonymousPrincipal : ICurrentPrincipal
{
    public static readonly AnonymousPrincipal Instance = new();

    public bool IsAuthenticated => false;
    public Guid? UserId => null;
    public string? TenantId => null;
    public IReadOnlyCollection<string> Roles => [];
    public IReadOnlyCollection<string> Scopes => [];
    public string? SessionId => null;
}
