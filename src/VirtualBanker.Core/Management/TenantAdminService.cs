using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using VirtualBanker.Core.Agents;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Errors;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Tenancy;
using VirtualBanker.Core.Tools;

namespace VirtualBanker.Core.Management;

public sealed record ClientInput(string? Name, string? Domain, bool? Active, JsonObject? Settings);

public sealed record FirstAdmin(string Email, string Password, string Name);

/// <summary>
/// Tenants as contract 003's clients. A platform admin sees and changes every client; a tenant admin
/// sees and configures only their own (and cannot switch it off). Ids outside the caller's reach are "not found".
/// </summary>
public sealed class TenantAdminService(
    VirtualBankerDbContext db,
    ICurrentPrincipal caller,
    TenantDirectory directory,
    ISecretProtector protector,
    PasswordHashing passwords,
    TimeProvider clock)
{
    public async Task<List<Tenant>> ListAsync(CancellationToken cancellationToken) =>
        await db.Tenants.AsNoTracking().Where(t => caller.IsInRole(Roles.PlatformAdmin) || t.Id == caller.TenantId).OrderBy(t => t.Id).ToListAsync(cancellationToken);

    public async Task<Tenant> GetAsync(string id, CancellationToken cancellationToken) =>
        await db.Tenants.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id && (caller.IsInRole(Roles.PlatformAdmin) || t.Id == caller.TenantId), cancellationToken)
        ?? throw new AppException(AppError.NotFound("No such client."));

    /// <summary>Onboards a bank (platform admins only), with its default agent and, optionally, its first admin.</summary>
    public async Task<Tenant> CreateAsync(string id, ClientInput input, FirstAdmin? admin, CancellationToken cancellationToken)
    {
        if (!caller.IsInRole(Roles.PlatformAdmin))
        {
            throw new AppException(AppError.Forbidden("Only a platform admin can create clients."));
        }

        if (admin is not null && PasswordPolicy.Check(admin.Password, admin.Email) is { } rule)
        {
            throw new AppException(AppError.Validation("admin.password", rule));
        }

        if (await db.Tenants.AnyAsync(t => t.Id == id, cancellationToken))
        {
            throw new AppException(AppError.Conflict("A client with this id already exists."));
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var tenant = new Tenant
        {
            Id = id,
            Name = input.Name!,
            Domain = input.Domain,
            Active = input.Active ?? true,
            Settings = input.Settings is null ? new TenantSettings() : TenantSettingsDocument.Apply(new TenantSettings(), input.Settings, KnownTools, protector),
            CreatedAt = now,
            UpdatedAt = now,
        };

        using (db.Tenant.BeginSystemScope())
        {
            AddTenant(db, tenant, admin is null ? null : NewAdmin(tenant.Id, admin, passwords.Hash(admin.Password), now), now);
            await db.SaveChangesAsync(cancellationToken);
        }

        return tenant;
    }

    /// <summary>A new bank with its default agent and, when given, its first admin (see also <see cref="FirstAdminBootstrap"/>).</summary>
    internal static void AddTenant(VirtualBankerDbContext db, Tenant tenant, User? admin, DateTime now)
    {
        db.Tenants.Add(tenant);
        db.Agents.Add(new Agent
        {
            TenantId = tenant.Id,
            Slug = Sessions.ChatSessionService.DefaultAgentSlug,
            Name = "Assistant",
            Description = $"{tenant.Name}'s virtual banker",
            SystemPrompt = $"You are {tenant.Name}'s virtual banker. Answer only from the customer's own data and the tools you are given.",
            CreatedAt = now,
            UpdatedAt = now,
        });
        if (admin is not null)
        {
            db.Users.Add(admin);
        }
    }

    internal static User NewAdmin(string tenantId, FirstAdmin admin, string passwordHash, DateTime now, params string[] moreRoles)
    {
        var user = new User
        {
            TenantId = tenantId,
            Email = UserAuthService.NormalizeEmail(admin.Email),
            Name = admin.Name,
            PasswordHash = passwordHash,
            EmailVerifiedAt = now, // the operator who creates an admin vouches for the address
            CreatedAt = now,
            UpdatedAt = now,
        };
        foreach (var role in moreRoles.Prepend(Roles.TenantAdmin))
        {
            user.Roles.Add(new UserRole { TenantId = tenantId, UserId = user.Id, Role = role });
        }

        return user;
    }

    public async Task<Tenant> UpdateAsync(string id, ClientInput input, CancellationToken cancellationToken)
    {
        var platform = caller.IsInRole(Roles.PlatformAdmin);
        if (input.Active is not null && !platform)
        {
            throw new AppException(AppError.Forbidden("Only a platform admin can switch a client on or off."));
        }

        var tenant = await db.Tenants.FirstOrDefaultAsync(t => t.Id == id && (platform || t.Id == caller.TenantId), cancellationToken)
            ?? throw new AppException(AppError.NotFound("No such client."));
        if (platform && id == caller.TenantId && input.Active == false)
        {
            throw new AppException(AppError.Conflict("You cannot switch off your own client."));
        }

        tenant.Name = input.Name ?? tenant.Name;
        tenant.Domain = input.Domain ?? tenant.Domain;
        tenant.Active = input.Active ?? tenant.Active;
        if (input.Settings is not null)
        {
            tenant.Settings = TenantSettingsDocument.Apply(tenant.Settings, input.Settings, KnownTools, protector);
        }

        tenant.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        await directory.ForgetAsync(id, cancellationToken);
        return tenant;
    }

    private static IReadOnlySet<string> KnownTools => ToolCatalog.ToolNames;
}
