using System.ComponentModel.DataAnnotations;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Options;
using VirtualBanker.Core.Agents;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Identity;
using VirtualBanker.Data.Postgres;
using VirtualBanker.Data.Sqlite;

namespace VirtualBanker.Api.Hosting;

public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary><c>sqlite</c> (embedded default) or <c>postgres</c>.</summary>
    [Required, RegularExpression("^(sqlite|postgres)$")]
    public string Provider { get; set; } = "sqlite";

    /// <summary>Apply pending migrations at start. Unset: on for SQLite, off for PostgreSQL (run them from a deploy step).</summary>
    public bool? MigrateOnStart { get; set; }

    /// <summary>Directory for the SQLite file and Data Protection keys.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    public bool IsSqlite => Provider == "sqlite";

    /// <summary>The options as configured, for registration code that runs before the container is built.</summary>
    public static DatabaseOptions From(IConfiguration configuration) => configuration.GetSection(Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
}

internal static class DataExtensions
{
    public static WebApplicationBuilder AddVirtualBankerData(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var options = DatabaseOptions.From(builder.Configuration);

        // The demo bank's passwords are published: it runs where someone asked for it, in Development (dotnet run) or with Demo:Enabled.
        var demo = builder.Configuration.GetValue<bool?>($"{DemoOptions.Section}:{nameof(DemoOptions.Enabled)}") ?? builder.Environment.IsDevelopment();
        builder.Services.PostConfigure<DemoOptions>(o => o.Enabled = demo);

        // The options are built once (the pool's), not per request: building them reads configuration and
        // clones EF's option extensions, which profiling showed as a fifth of a cached request's CPU.
        builder.Services.AddVirtualBankerDbContext((services, db) =>
        {
            db.AddInterceptors(services.GetRequiredService<Core.Data.TenantSaveChangesInterceptor>());
            if (options.IsSqlite)
            {
                UseSqlite(db, builder.Configuration.GetConnectionString("Sqlite")
                    ?? $"Data Source={Path.Combine(options.DataDirectory, "virtualbanker.db")}");
            }
            else
            {
                UsePostgres(db, builder.Configuration.GetConnectionString("Postgres")
                    ?? throw new InvalidOperationException("Database:Provider is postgres but ConnectionStrings:Postgres is not set."));
            }
        });
        builder.Services.AddHostedService<DatabaseInitializer>();
        return builder;
    }

    // One method per provider, never inlined: a provider's assemblies are loaded when code that names them
    // is first run, so a server loads only the provider it uses.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void UseSqlite(DbContextOptionsBuilder db, string connection) => db.UseSqlite(connection, SqliteProvider.Configure);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void UsePostgres(DbContextOptionsBuilder db, string connection) => db.UseNpgsql(connection, PostgresProvider.Configure);
}

/// <summary>Before the server listens: migrate (where configured), load or create signing keys, sync the capsule catalog, seed the demo data.</summary>
internal sealed class DatabaseInitializer(IServiceScopeFactory scopes, IOptions<DatabaseOptions> options, SigningKeyStore keys) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var database = options.Value;
        if (database.IsSqlite)
        {
            Directory.CreateDirectory(database.DataDirectory);
        }

        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VirtualBankerDbContext>();
            if (database.MigrateOnStart ?? database.IsSqlite)
            {
                // Create the database when missing; on a new one EF would otherwise first query a history table
                // that is not there yet, and log that as an error.
                var creator = db.GetService<Microsoft.EntityFrameworkCore.Storage.IRelationalDatabaseCreator>();
                if (!await creator.ExistsAsync(cancellationToken))
                {
                    await creator.CreateAsync(cancellationToken);
                }

                await db.GetService<Microsoft.EntityFrameworkCore.Migrations.IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken);

                // Up to date (every restart): skip MigrateAsync, which takes its migration lock and diffs the
                // whole model first, about 0.1 s of start-up. MigrationsTests keep the model and migrations in step.
                if ((await db.Database.GetPendingMigrationsAsync(cancellationToken)).Any())
                {
                    await db.Database.MigrateAsync(cancellationToken);
                }
            }

            if (database.IsSqlite)
            {
                await EnsureDurableSqliteAsync(db, cancellationToken);
            }
        }

        await keys.LoadAsync(cancellationToken);

        await using (var scope = scopes.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<CapsuleService>().SyncCatalogAsync(cancellationToken);
            if (scope.ServiceProvider.GetRequiredService<IOptions<DemoOptions>>().Value.Enabled)
            {
                await scope.ServiceProvider.GetRequiredService<DemoDataSeeder>().SeedAsync(cancellationToken);
            }

            await scope.ServiceProvider.GetRequiredService<Core.Management.FirstAdminBootstrap>().RunAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// WAL lets readers work beside the single writer and persists in the file. synchronous=FULL makes
    /// each commit durable before we acknowledge it, so a 2xx write survives a crash or power loss; it
    /// is the default of the bundled SQLite for every connection, so rather than re-setting it on every
    /// open we refuse to start if a different SQLite build changes that default.
    /// </summary>
    internal static async Task EnsureDurableSqliteAsync(VirtualBankerDbContext db, CancellationToken cancellationToken)
    {
        var journal = await db.Database.SqlQueryRaw<string>("PRAGMA journal_mode=WAL").ToListAsync(cancellationToken);
        var synchronous = await db.Database.SqlQueryRaw<int>("PRAGMA synchronous").ToListAsync(cancellationToken);
        if (journal is not ["wal"] || synchronous is not [2])
        {
            throw new InvalidOperationException($"SQLite must run with journal_mode=WAL and synchronous=FULL (2); got {string.Join(',', journal)} and {string.Join(',', synchronous)}.");
        }
    }
}
