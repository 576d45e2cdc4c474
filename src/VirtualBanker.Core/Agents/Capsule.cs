using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VirtualBanker.Core.Data;

namespace VirtualBanker.Core.Agents;

/// <summary>An installable tool pack from the platform catalog (shared by all tenants).</summary>
public sealed class Capsule
{
    public required string Id { get; set; }
    public required string Name { get; set; }
    public string Description { get; set; } = "";
    public string Version { get; set; } = "1.0.0";
    public List<string> Tools { get; set; } = [];
}

/// <summary>A tenant's installation of a capsule; its tools join the tenant's allowed set.</summary>
public sealed class CapsuleInstallation : ITenantOwned
{
    public string TenantId { get; set; } = "";
    public required string CapsuleId { get; set; }
    public DateTime InstalledAt { get; set; }
}

internal sealed class CapsuleConfiguration : IEntityTypeConfiguration<Capsule>
{
    public void Configure(EntityTypeBuilder<Capsule> builder)
    {
        builder.Property(c => c.Id).HasMaxLength(64);
        builder.Property(c => c.Name).HasMaxLength(200);
        builder.Property(c => c.Version).HasMaxLength(32);
    }
}

internal sealed class CapsuleInstallationConfiguration : IEntityTypeConfiguration<CapsuleInstallation>
{
    public void Configure(EntityTypeBuilder<CapsuleInstallation> builder)
    {
        builder.HasKey(i => new { i.TenantId, i.CapsuleId });
        builder.HasOne<Capsule>().WithMany().HasForeignKey(i => i.CapsuleId);
    }
}
