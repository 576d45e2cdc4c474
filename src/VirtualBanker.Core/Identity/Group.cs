using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VirtualBanker.Core.Agents;
using VirtualBanker.Core.Data;

namespace VirtualBanker.Core.Identity;

/// <summary>A set of users; membership decides which agents (bots) a user may use (contract 004).</summary>
public sealed class Group : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public string TenantId { get; set; } = "";
    public required string Name { get; set; }
    public string? Description { get; set; }

    /// <summary>Name of the directory group (ID-token claim value) this group mirrors, if any.</summary>
    public string? ExternalName { get; set; }

    public DateTime CreatedAt { get; set; }
    public List<GroupMember> Members { get; set; } = [];
    public List<GroupAgent> Agents { get; set; } = [];
}

public sealed class GroupMember : ITenantOwned
{
    public Guid GroupId { get; set; }
    public Guid UserId { get; set; }
    public string TenantId { get; set; } = "";
    public DateTime AddedAt { get; set; }
}

public sealed class GroupAgent : ITenantOwned
{
    public Guid GroupId { get; set; }
    public Guid AgentId { get; set; }
    public string TenantId { get; set; } = "";
}

internal sealed class GroupConfiguration : IEntityTypeConfiguration<Group>
{
    public void Configure(EntityTypeBuilder<Group> builder)
    {
        builder.Property(g => g.Name).HasMaxLength(100);
        builder.Property(g => g.Description).HasMaxLength(500);
        builder.Property(g => g.ExternalName).HasMaxLength(200);
        builder.HasIndex(g => new { g.TenantId, g.Name }).IsUnique();
        builder.HasMany(g => g.Members).WithOne().HasForeignKey(m => m.GroupId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(g => g.Agents).WithOne().HasForeignKey(a => a.GroupId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class GroupMemberConfiguration : IEntityTypeConfiguration<GroupMember>
{
    public void Configure(EntityTypeBuilder<GroupMember> builder)
    {
        builder.HasKey(m => new { m.GroupId, m.UserId });
        builder.HasOne<User>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class GroupAgentConfiguration : IEntityTypeConfiguration<GroupAgent>
{
    public void Configure(EntityTypeBuilder<GroupAgent> builder)
    {
        builder.HasKey(a => new { a.GroupId, a.AgentId });
        builder.HasOne<Agent>().WithMany().HasForeignKey(a => a.AgentId).OnDelete(DeleteBehavior.Cascade);
    }
}
