using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VirtualBanker.Core.Data;

namespace VirtualBanker.Core.Tenancy;

/// <summary>A bank using the platform. Contract 003 calls it a client; its id is a slug such as "demo-bank".</summary>
public sealed class Tenant
{
    public required string Id { get; set; }
    public required string Name { get; set; }
    public string? Domain { get; set; }
    public bool Active { get; set; } = true;
    public TenantSettings Settings { get; set; } = new();
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public sealed class TenantSettings
{
    public Dictionary<string, string> Theme { get; set; } = new() { ["primaryColor"] = "#0066cc" };
    public string Greeting { get; set; } = "Hello! How can I help you today?";
    public bool AvatarEnabled { get; set; }
    public List<string> AllowedTools { get; set; } = [];
    public TenantPolicy Policy { get; set; } = new();
    public PortalAssertionKey? AssertionKey { get; set; }

    /// <summary>Provider settings (LLM, voice, storage) keyed by section; secret values are stored protected.</summary>
    public Dictionary<string, Dictionary<string, string>> Integrations { get; set; } = [];
}

public sealed class TenantPolicy
{
    public int MaxSessionDurationMinutes { get; set; } = 30;
    public int RateLimitPerMinute { get; set; } = 10;
    public bool RequireConsent { get; set; } = true;
}

/// <summary>How the bank's portal signs the assertion it hands to <c>POST /v1/sessions</c>.</summary>
public sealed class PortalAssertionKey
{
    /// <summary><c>hs256</c>, <c>public-key</c> (RSA/EC PEM) or <c>jwks</c> (URL).</summary>
    public string Kind { get; set; } = "hs256";

    /// <summary>The secret (protected at rest), the PEM, or the JWKS URL.</summary>
    public string Value { get; set; } = "";

    public string? Issuer { get; set; }
    public string? Audience { get; set; }
}

internal sealed class TenantConfiguration : IEntityTypeConfiguration<Tenant>
{
    public void Configure(EntityTypeBuilder<Tenant> builder)
    {
        builder.Property(t => t.Id).HasMaxLength(64);
        builder.Property(t => t.Name).HasMaxLength(200);
        builder.Property(t => t.Domain).HasMaxLength(253);
        builder.Property(t => t.Settings).HasJsonConversion();
    }
}
