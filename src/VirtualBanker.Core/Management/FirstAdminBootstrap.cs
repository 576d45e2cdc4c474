using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Tenancy;

namespace VirtualBanker.Core.Management;

public sealed class BootstrapOptions
{
    public const string Section = "Bootstrap";

    /// <summary>The first bank's name; its id is <c>Tenancy:DefaultTenantId</c>, the tenant of the surfaces without one.</summary>
    [MaxLength(200)]
    public string TenantName { get; set; } = "Bank";

    [EmailAddress]
    public string? AdminEmail { get; set; }

    public string? AdminPassword { get; set; }

    [MaxLength(200)]
    public string AdminName { get; set; } = "Platform Admin";
}

/// <summary>
/// A deployment without the demo data still needs someone to sign in first. With <c>Bootstrap:AdminEmail</c> and
/// <c>Bootstrap:AdminPassword</c> set, a start on a database that has no platform admin creates the first bank (<c>Tenancy:DefaultTenantId</c>,
/// with its default agent) and that admin, who is its tenant admin and the platform admin. Every later start changes nothing, so the password can
/// leave the configuration once the admin has signed in (and changed it). Without either, such a start only says what to set.
/// </summary>
public sealed partial class FirstAdminBootstrap(
    VirtualBankerDbContext db, PasswordHashing passwords, IOptions<BootstrapOptions> options, IOptions<TenancyOptions> tenancy, TimeProvider clock,
    ILogger<FirstAdminBootstrap> logger)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var system = db.Tenant.BeginSystemScope();
        if (await db.Set<UserRole>().AnyAsync(r => r.Role == Roles.PlatformAdmin, cancellationToken))
        {
            return;
        }

        var o = options.Value;
        if (o.AdminEmail is not { Length: > 0 } email || o.AdminPassword is not { Length: > 0 } password)
        {
            LogNoAdmin(logger);
            return;
        }

        if (PasswordPolicy.Check(password, email) is { } rule)
        {
            throw new InvalidOperationException($"Bootstrap:AdminPassword is refused: {rule}");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var tenantId = tenancy.Value.DefaultTenantId;
        var admin = TenantAdminService.NewAdmin(tenantId, new FirstAdmin(email, password, o.AdminName), passwords.Hash(password), now, Roles.PlatformAdmin);
        if (await db.Tenants.AnyAsync(t => t.Id == tenantId, cancellationToken))
        {
            db.Users.Add(admin);
        }
        else
        {
            TenantAdminService.AddTenant(db, new Tenant { Id = tenantId, Name = o.TenantName, CreatedAt = now, UpdatedAt = now }, admin, now);
        }

        await db.SaveChangesAsync(cancellationToken);
        LogCreated(logger, admin.Email, tenantId);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No platform admin yet: set Bootstrap:AdminEmail and Bootstrap:AdminPassword to create the first one (or Demo:Enabled=true to try the demo bank)")]
    private static partial void LogNoAdmin(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "First platform admin {Email} created in tenant {TenantId}")]
    private static partial void LogCreated(ILogger logger, string email, string tenantId);
}
