using System.Text.Json.Nodes;
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
    public PortalAuth? PortalAuth { get; set; }
    public HandoffSettings Handoff { get; set; } = new();

    /// <summary>
    /// Other settings sections a client stores with us (contract 003 shows <c>supabase</c> and <c>livekit</c>),
    /// kept as given except that secret values are stored protected (see <see cref="TenantSettingsDocument"/>).
    /// </summary>
    public Dictionary<string, JsonObject> Integrations { get; set; } = [];
}

public sealed class TenantPolicy
{
    public int MaxSessionDurationMinutes { get; set; } = 30;
    public int RateLimitPerMinute { get; set; } = 10;
    public bool RequireConsent { get; set; } = true;

    /// <summary>How much (in whole currency units) a customer may pay to payees per day.</summary>
    public int DailyTransferLimit { get; set; } = 10_000;

    /// <summary>The bank's privacy notice, linked from the widget's consent question: an https URL or a path on the portal.</summary>
    public string? PrivacyNoticeUrl { get; set; }
}

/// <summary>How conversations handed to the bank's staff are served.</summary>
public sealed class HandoffSettings
{
    /// <summary>How long a customer may wait in the staff queue before their item is escalated (and counted in the metrics).</summary>
    public int SlaSeconds { get; set; } = 120;
}

/// <summary>How the bank's portal signs the assertion it hands to <c>POST /v1/sessions</c>.</summary>
public sealed class PortalAuth
{
    public const string Hs256 = "hs256";
    public const string PublicKeyType = "public_key";
    public const string JwksType = "jwks";

    /// <summary><see cref="Hs256"/> (shared secret), <see cref="PublicKeyType"/> (RSA or EC PEM) or <see cref="JwksType"/> (a JWKS URL).</summary>
    public string Type { get; set; } = Hs256;

    /// <summary>The HS256 secret, protected at rest.</summary>
    public string? Secret { get; set; }

    public string? PublicKey { get; set; }
    public string? JwksUrl { get; set; }
    public required string Issuer { get; set; }
    public required string Audience { get; set; }
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
