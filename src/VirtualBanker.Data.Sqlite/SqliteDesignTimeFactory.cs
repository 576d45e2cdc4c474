using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using VirtualBanker.Core.Data;

namespace VirtualBanker.Data.Sqlite;

/// <summary>Lets <c>dotnet ef migrations add X --project src/VirtualBanker.Data.Sqlite</c> build the model without the host.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<VirtualBankerDbContext>
{
    public VirtualBankerDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<VirtualBankerDbContext>()
            .UseSqlite("Data Source=design-time.db", SqliteProvider.Configure)
            .Options;
        return new VirtualBankerDbContext(options);
    }
}
