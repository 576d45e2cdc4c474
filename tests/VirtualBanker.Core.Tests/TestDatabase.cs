using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Tenancy;
using VirtualBanker.Data.Sqlite;

namespace VirtualBanker.Core.Tests;

/// <summary>A private in-memory SQLite database with the real migrations applied; lives as long as the test.</summary>
public sealed class TestDatabase : IDisposable
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:");

    public TestDatabase()
    {
        _connection.Open();
        using var db = Context(out _);
        db.Database.Migrate();
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero));

    /// <summary>A new context with its own tenant scope, as one request would have.</summary>
    public VirtualBankerDbContext Context(out TenantContext tenant, string? tenantId = null)
    {
        tenant = new TenantContext(AnonymousPrincipal.Instance);
        if (tenantId is not null)
        {
            tenant.UseTenant(tenantId);
        }

        var options = new DbContextOptionsBuilder<VirtualBankerDbContext>()
            .UseSqlite(_connection, SqliteProvider.Configure)
            .AddInterceptors(new TenantSaveChangesInterceptor())
            .Options;
        return new VirtualBankerDbContext(options).For(tenant);
    }

    public VirtualBankerDbContext Context(string? tenantId = null) => Context(out _, tenantId);

    /// <summary>Adds tenants (and nothing else) so tenant-owned rows have a parent.</summary>
    public void AddTenants(params string[] ids)
    {
        using var db = Context(out var tenant);
        using var system = tenant.BeginSystemScope();
        foreach (var id in ids)
        {
            db.Tenants.Add(new Tenant { Id = id, Name = id, CreatedAt = Clock.GetUtcNow().UtcDateTime });
        }

        db.SaveChanges();
    }

    /// <summary>Core's services over this database, as the host wires them, with the fake clock.</summary>
    public ServiceProvider Services()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddLogging();
        services.AddSingleton<TimeProvider>(Clock);
        services.AddSingleton<ISecretProtector, ReversibleTestProtector>();
        services.AddVirtualBankerCore();
        services.AddVirtualBankerDbContext((sp, o) => o
            .UseSqlite(_connection, SqliteProvider.Configure)
            .AddInterceptors(sp.GetRequiredService<TenantSaveChangesInterceptor>()));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }

    public void Dispose() => _connection.Dispose();

    /// <summary>Stands in for Data Protection, which is the host's concern; the Api tests use the real one.</summary>
    private sealed class ReversibleTestProtector : ISecretProtector
    {
        public string Protect(string plaintext) => "p:" + Convert.ToBase64String(Encoding.UTF8.GetBytes(plaintext));

        public string Unprotect(string protectedText) => Encoding.UTF8.GetString(Convert.FromBase64String(protectedText[2..]));
    }
}
