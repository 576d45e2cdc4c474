using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Npgsql;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Tenancy;
using VirtualBanker.Data.Postgres;

namespace VirtualBanker.Core.Tests.Data;

/// <summary>Runs only where the test script provided a throwaway PostgreSQL (VB_TEST_POSTGRES).</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("VB_TEST_POSTGRES")))
        {
            Skip = "VB_TEST_POSTGRES is not set; ./test.sh starts a PostgreSQL and sets it.";
        }
    }
}

public sealed class MigrationsTests
{
    [Fact]
    public void Sqlite_MigrationsMatchTheModel()
    {
        using var db = DesignTime(typeof(VirtualBanker.Data.Sqlite.SqliteProvider));

        Assert.False(db.Database.HasPendingModelChanges());
        Assert.NotEmpty(db.Database.GetMigrations());
    }

    [Fact]
    public void Postgres_MigrationsMatchTheModel()
    {
        using var db = DesignTime(typeof(PostgresProvider));

        Assert.False(db.Database.HasPendingModelChanges());
        Assert.NotEmpty(db.Database.GetMigrations());
    }

    [Fact]
    public void Sqlite_MigrationsApplyToAnEmptyDatabase()
    {
        using var database = new TestDatabase();
        using var db = database.Context();

        Assert.Empty(db.Database.GetPendingMigrations());
        Assert.Equal(db.Database.GetMigrations(), db.Database.GetAppliedMigrations());
    }

    [PostgresFact]
    public async Task Postgres_MigrationsApplyToARealServer()
    {
        var baseConnection = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable("VB_TEST_POSTGRES"));
        var databaseName = $"vb_migrations_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(baseConnection.ConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{databaseName}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        try
        {
            var connection = new NpgsqlConnectionStringBuilder(baseConnection.ConnectionString) { Database = databaseName }.ConnectionString;
            var options = new DbContextOptionsBuilder<VirtualBankerDbContext>().UseNpgsql(connection, PostgresProvider.Configure).Options;
            var tenant = new TenantContext(AnonymousPrincipal.Instance);
            await using var db = new VirtualBankerDbContext(options).For(tenant);

            await db.Database.MigrateAsync();

            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            using var system = tenant.BeginSystemScope();
            db.Tenants.Add(new Tenant { Id = "pg-bank", Name = "PG", CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
            Assert.Equal("PG", (await db.Tenants.SingleAsync()).Name);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(baseConnection.ConnectionString);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{databaseName}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }

    private static VirtualBankerDbContext DesignTime(Type providerType)
    {
        var factoryType = providerType.Assembly.GetTypes()
            .Single(t => typeof(IDesignTimeDbContextFactory<VirtualBankerDbContext>).IsAssignableFrom(t));
        var factory = (IDesignTimeDbContextFactory<VirtualBankerDbContext>)Activator.CreateInstance(factoryType, nonPublic: true)!;
        return factory.CreateDbContext([]);
    }
}
