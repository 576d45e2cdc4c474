using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VirtualBanker.Core.Tenancy;

namespace VirtualBanker.Core.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>
    /// The context, scoped as usual but rented from a pool and bound to the scope's tenant. Setting up a new
    /// context (EF's internal service scope and a dozen services) was a tenth of a dashboard cache miss;
    /// a pooled one only has its change tracker reset.
    /// </summary>
    public static IServiceCollection AddVirtualBankerDbContext(this IServiceCollection services, Action<IServiceProvider, DbContextOptionsBuilder> configure)
    {
        services.AddPooledDbContextFactory<VirtualBankerDbContext>(configure);
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<VirtualBankerDbContext>>().CreateDbContext().For(sp.GetRequiredService<TenantContext>()));
        return services;
    }
}
