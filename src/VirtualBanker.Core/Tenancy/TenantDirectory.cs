using System.ComponentModel;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using VirtualBanker.Core.Caching;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Sessions;

namespace VirtualBanker.Core.Tenancy;

/// <summary>What the hot paths need to know of a tenant. Immutable, so the cache hands out one shared instance.</summary>
[ImmutableObject(true)]
public sealed record TenantSnapshot(string Id, bool Active, TenantSettings Settings, Guid? DefaultAgentId);

/// <summary>
/// Tenants by id, cached: every authenticated request checks its tenant is active, and portal session
/// creation and rate limiting read its settings and default agent. Entries live a minute and are
/// dropped as soon as the tenant or its agents are changed through the admin services.
/// </summary>
public sealed class TenantDirectory(HybridCache cache, CacheInvalidation invalidation, IServiceScopeFactory scopes)
{
    private static readonly HybridCacheEntryOptions Entry = new() { Expiration = TimeSpan.FromMinutes(1), LocalCacheExpiration = TimeSpan.FromMinutes(1) };

    /// <summary>The tenant, or null when there is none with this id.</summary>
    public async ValueTask<TenantSnapshot?> FindAsync(string tenantId, CancellationToken cancellationToken)
    {
        if (tenantId.Length is 0 or > 64)
        {
            return null;
        }

        return await cache.GetOrCreateAsync(Key(tenantId), async ct =>
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<VirtualBankerDbContext>();
            var tenant = await db.Tenants.AsNoTracking().FirstOrDefaultAsync(t => t.Id == tenantId, ct);
            if (tenant is null)
            {
                return null;
            }

            var agentId = await db.Agents.IgnoreQueryFilters()
                .Where(a => a.TenantId == tenantId && a.Slug == ChatSessionService.DefaultAgentSlug && a.Enabled)
                .Select(a => (Guid?)a.Id).FirstOrDefaultAsync(ct);
            return new TenantSnapshot(tenant.Id, tenant.Active, tenant.Settings, agentId);
        }, Entry, cancellationToken: cancellationToken);
    }

    public ValueTask ForgetAsync(string tenantId, CancellationToken cancellationToken) => invalidation.RemoveAsync(Key(tenantId), cancellationToken);

    private static string Key(string tenantId) => $"vb:tenant:{tenantId}";
}
