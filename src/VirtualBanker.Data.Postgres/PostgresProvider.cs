using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure;

namespace VirtualBanker.Data.Postgres;

public static class PostgresProvider
{
    public static void Configure(NpgsqlDbContextOptionsBuilder npgsql) =>
        npgsql.MigrationsAssembly(typeof(PostgresProvider).Assembly.GetName().Name)
            .EnableRetryOnFailure(3);
}
