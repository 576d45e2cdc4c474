using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using VirtualBanker.Core.Data;

namespace VirtualBanker.Core.Tenancy;

/// <summary>
/// Tenants by id, cached: every authenticated request checks its tenant is active, and portal
/// session creation and rate limiting read its settings. Entries live a minute and are dropped as
/// soon as the tenant is changed through <see cref="TenantAdminService"/>.
/// </summary>
public sealed class TenantDirectory(HybridCache cache, IServiceScopeFactory scopes)
{
    private static readonly HybridCacheEntryOptions Entry = new() { Expiration = TimeSpan.FromMinutes(1), LocalCacheExpiration = TimeSpan.FromMinutes(1) };

    /// <summary>The tenant, or null when there is none with this id. Callers must not modify the returned object.</summary>
    public async ValueTask<Tenant?> FindAsync(string tenantId, CancellationToken cancellationToken)
    {
        if (tenantId.Length is 0 or > 64)
        {
            return null;
        }

        return await cache.GetOrCreateAsync(Key(tenantId), async ct =>
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<VirtualBankerDbContext>();
            return await db.Tenants.AsNoTracking().FirstOrDefaultAsync(t => t.Id == tenantId, ct);
        }, Entry, cancellationToken: cancellationToken);
    }

    public ValueTask ForgetAsync(string tenantId, CancellationToken cancellationToken) => cache.RemoveAsync(Key(tenantId), cancellationToken);

    private static string Key(string tenantId) => $"vb:tenant:{tenantId}";
}
