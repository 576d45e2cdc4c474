using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace VirtualBanker.Core.Identity;

/// <summary>
/// One ASP.NET Core Data Protection key (its XML), kept in the database when several nodes share it
/// (PostgreSQL), so a secret protected on one node unprotects on another. SQLite keeps keys as files.
/// </summary>
public sealed class DataProtectionKey
{
    public int Id { get; set; }
    public required string FriendlyName { get; set; }
    public required string Xml { get; set; }
}

internal sealed class DataProtectionKeyConfiguration : IEntityTypeConfiguration<DataProtectionKey>
{
    public void Configure(EntityTypeBuilder<DataProtectionKey> builder) => builder.Property(k => k.FriendlyName).HasMaxLength(200);
}
