using Microsoft.EntityFrameworkCore.Infrastructure;

namespace VirtualBanker.Data.Sqlite;

public static class SqliteProvider
{
    public static void Configure(SqliteDbContextOptionsBuilder sqlite) =>
        sqlite.MigrationsAssembly(typeof(SqliteProvider).Assembly.GetName().Name);
}
