using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VirtualBanker.Core.Data;

namespace VirtualBanker.Core.Agents;

/// <summary>An assistant configuration. Contract 002 calls it a persona, 003 an agent, 004 a bot.</summary>
public sealed class Agent : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public string TenantId { get; set; } = "";
    public required string Slug { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public string SystemPrompt { get; set; } = "";
    public bool Enabled { get; set; } = true;
    public VoiceSettings VoiceSettings { get; set; } = new();
    public List<string> AllowedTools { get; set; } = [];
    public Guid? ModelProfileId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public sealed class VoiceSettings
{
    public string Provider { get; set; } = "openai";
    public string VoiceId { get; set; } = "alloy";
    public double Temperature { get; set; } = 0.7;
}

internal sealed class AgentConfiguration : IEntityTypeConfiguration<Agent>
{
    public void Configure(EntityTypeBuilder<Agent> builder)
    {
        builder.Property(a => a.Slug).HasMaxLength(64);
        builder.Property(a => a.Name).HasMaxLength(200);
        builder.Property(a => a.Description).HasMaxLength(1000);
        builder.Property(a => a.SystemPrompt).HasMaxLength(20_000);
        builder.Property(a => a.VoiceSettings).HasJsonConversion();
        builder.HasIndex(a => new { a.Slug, a.TenantId }).IsUnique();
        builder.HasOne<Tenancy.Tenant>().WithMany().HasForeignKey(a => a.TenantId);
        builder.HasOne<ModelProfile>().WithMany().HasForeignKey(a => a.ModelProfileId).OnDelete(DeleteBehavior.SetNull);
    }
}
