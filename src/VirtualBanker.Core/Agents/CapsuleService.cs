using Microsoft.EntityFrameworkCore;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Errors;
using VirtualBanker.Core.Tenancy;
using VirtualBanker.Core.Tools;

namespace VirtualBanker.Core.Agents;

public sealed record CapsuleView(Capsule Capsule, bool Installed, DateTime? InstalledAt);

public sealed record CapsuleInstalled(CapsuleView Capsule, IReadOnlyList<string> AllowedTools);

/// <summary>The capsule catalog (<see cref="ToolCatalog"/>) and the current tenant's installations.</summary>
public sealed class CapsuleService(VirtualBankerDbContext db, TenantDirectory tenants, TimeProvider clock)
{
    /// <summary>Brings the catalog table in line with the catalog shipped in this build. Runs at start.</summary>
    public async Task SyncCatalogAsync(CancellationToken cancellationToken)
    {
        var stored = await db.Capsules.ToDictionaryAsync(c => c.Id, cancellationToken);
        foreach (var capsule in ToolCatalog.Capsules)
        {
            if (!stored.TryGetValue(capsule.Id, out var row))
            {
                db.Capsules.Add(new Capsule { Id = capsule.Id, Name = capsule.Name, Description = capsule.Description, Version = capsule.Version, Tools = [.. capsule.Tools] });
                continue;
            }

            row.Name = capsule.Name;
            row.Description = capsule.Description;
            row.Version = capsule.Version;
            row.Tools = [.. capsule.Tools];
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<List<CapsuleView>> ListAsync(CancellationToken cancellationToken)
    {
        var installed = await db.CapsuleInstallations.AsNoTracking().ToDictionaryAsync(i => i.CapsuleId, i => i.InstalledAt, cancellationToken);
        var capsules = await db.Capsules.AsNoTracking().OrderBy(c => c.Id).ToListAsync(cancellationToken);
        return [.. capsules.Select(c => new CapsuleView(c, installed.ContainsKey(c.Id), installed.TryGetValue(c.Id, out var at) ? at : null))];
    }

    public async Task<CapsuleView> GetAsync(string capsuleId, CancellationToken cancellationToken) =>
        (await ListAsync(cancellationToken)).FirstOrDefault(c => c.Capsule.Id == capsuleId) ?? throw new AppException(AppError.NotFound("No such capsule."));

    /// <summary>Installs a capsule for the current tenant: its tools join the tenant's allowed set. Installing twice changes nothing.</summary>
    public async Task<CapsuleInstalled> InstallAsync(string capsuleId, CancellationToken cancellationToken)
    {
        var capsule = await db.Capsules.AsNoTracking().FirstOrDefaultAsync(c => c.Id == capsuleId, cancellationToken)
            ?? throw new AppException(AppError.NotFound("No such capsule."));
        var tenantId = db.Tenant.TenantId!;
        var tenant = await db.Tenants.FirstAsync(t => t.Id == tenantId, cancellationToken);
        var existing = await db.CapsuleInstallations.FirstOrDefaultAsync(i => i.CapsuleId == capsuleId, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        if (existing is null)
        {
            db.CapsuleInstallations.Add(new CapsuleInstallation { CapsuleId = capsuleId, InstalledAt = now });
        }

        tenant.Settings.AllowedTools = [.. tenant.Settings.AllowedTools.Union(capsule.Tools, StringComparer.Ordinal)];
        tenant.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        await tenants.ForgetAsync(tenantId, cancellationToken);
        return new CapsuleInstalled(new CapsuleView(capsule, true, existing?.InstalledAt ?? now), tenant.Settings.AllowedTools);
    }
}
