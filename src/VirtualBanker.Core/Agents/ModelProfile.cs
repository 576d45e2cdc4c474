using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VirtualBanker.Core.Data;

namespace VirtualBanker.Core.Agents;

/// <summary>Which model serves a role (e.g. "chat", "briefing") in a deployment mode (e.g. "cloud", "local").</summary>
public sealed class ModelProfile : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public string TenantId { get; set; } = "";
    public required string Role { get; set; }
    public required string DeploymentMode { get; set; }

    /// <summary><c>builtin</c> or <c>openai</c> (any OpenAI-compatible endpoint).</summary>
    public required string Provider { get; set; }

    public required string Model { get; set; }
    public string? BaseUrl { get; set; }

    /// <summary>The endpoint's API key, protected at rest; never returned.</summary>
    public string? ProtectedApiKey { get; set; }

    public ModelParameters Parameters { get; set; } = new();
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public sealed class ModelParameters
{
    public double? Temperature { get; set; }
    public int? MaxOutputTokens { get; set; }
    public double? TopP { get; set; }
    public int? TimeoutSeconds { get; set; }
}

internal sealed class ModelProfileConfiguration : IEntityTypeConfiguration<ModelProfile>
{
    public void Configure(EntityTypeBuilder<ModelProfile> builder)
    {
        builder.Property(p => p.Role).HasMaxLength(64);
        builder.Property(p => p.DeploymentMode).HasMaxLength(64);
        builder.Property(p => p.Provider).HasMaxLength(32);
        builder.Property(p => p.Model).HasMaxLength(200);
        builder.Property(p => p.BaseUrl).HasMaxLength(2048);
        builder.Property(p => p.Parameters).HasJsonConversion();
        builder.HasIndex(p => new { p.TenantId, p.Role, p.DeploymentMode }).IsUnique();
    }
}
