using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using VirtualBanker.Core.Errors;

namespace VirtualBanker.Core.Data;

/// <summary>
/// Second line of tenant isolation, behind the query filter: a new row gets the current tenant, and a
/// write to another tenant's row — or a change of a row's tenant — is refused before it reaches the database.
/// </summary>
internal sealed class TenantSaveChangesInterceptor : SaveChangesInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Check(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Check(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private static void Check(DbContext? context)
    {
        if (context is not VirtualBankerDbContext db)
        {
            return;
        }

        var tenant = db.Tenant;
        foreach (var entry in db.ChangeTracker.Entries<ITenantOwned>())
        {
            switch (entry.State)
            {
                case EntityState.Added when string.IsNullOrEmpty(entry.Entity.TenantId):
                    entry.Entity.TenantId = tenant.TenantId
                        ?? throw new TenantIsolationException($"A {entry.Metadata.ClrType.Name} was added outside any tenant.");
                    break;
                case EntityState.Added or EntityState.Modified or EntityState.Deleted when !tenant.IsSystem:
                    if (entry.Entity.TenantId != tenant.TenantId
                        || (entry.State == EntityState.Modified && entry.Property(e => e.TenantId).IsModified))
                    {
                        throw new TenantIsolationException($"A {entry.Metadata.ClrType.Name} of another tenant was written.");
                    }

                    break;
                default:
                    break;
            }
        }
    }
}
