using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using VirtualBanker.Core.Data;

namespace VirtualBanker.Data.Postgres;

/// <summary>Lets <c>dotnet ef migrations add X --project src/VirtualBanker.Data.Postgres</c> build the model; it never connects.</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<VirtualBankerDbContext>
{
    public VirtualBankerDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<VirtualBankerDbContext>()
            .UseNpgsql("Host=127.0.0.1;Database=virtualbanker_design", PostgresProvider.Configure)
            .Options;
        return new VirtualBankerDbContext(options);
    }
}
