using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VirtualBanker.Core.Data;

namespace VirtualBanker.Core.Sessions;

/// <summary>
/// One conversation context: a portal session (000), a gateway session (002) and a bot session (004)
/// are all this. Its ephemeral token is kept only as a hash.
/// </summary>
public sealed class Session : ITenantOwned
{
    public required string Id { get; set; }
    public string TenantId { get; set; } = "";
    public Guid? UserId { get; set; }
    public Guid? AgentId { get; set; }

    /// <summary>The portal's own identifier for the customer, as sent in <c>user_id</c>.</summary>
    public string? ExternalUserId { get; set; }

    public Dictionary<string, string> PortalContext { get; set; } = [];
    public SessionStatus Status { get; set; } = SessionStatus.Active;
    /// <summary>Set from the tenant's policy when the session opens: nothing runs until the customer consents.</summary>
    public bool ConsentRequired { get; set; }

    public DateTime? ConsentGivenAt { get; set; }
    public byte[]? EphemeralTokenHash { get; set; }
    public DateTime? EphemeralTokenExpiresAt { get; set; }

    /// <summary>The staff member who has taken the conversation over (see <see cref="Staff.StaffQueue"/>): the assistant stays silent meanwhile.</summary>
    public Guid? HandledById { get; set; }

    /// <summary>How that staff member is shown to the customer ("Sam").</summary>
    public string? HandledByName { get; set; }

    /// <summary>Last conversation event id handed out; the next event of this session gets one more.</summary>
    public long LastEventId { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? EndedAt { get; set; }

    /// <summary>Not ended and not past its end.</summary>
    public bool IsOpenAt(DateTime now) => Status == SessionStatus.Active && ExpiresAt > now;

    /// <summary>The tenant's policy asks for consent and the customer has not given it: nothing may run.</summary>
    public bool AwaitsConsent => ConsentRequired && ConsentGivenAt is null;
}

public enum SessionStatus
{
    Active = 0,
    Ended = 1,
}

internal sealed class SessionConfiguration : IEntityTypeConfiguration<Session>
{
    public void Configure(EntityTypeBuilder<Session> builder)
    {
        builder.Property(s => s.Id).HasMaxLength(64);
        builder.Property(s => s.ExternalUserId).HasMaxLength(200);
        builder.Property(s => s.HandledByName).HasMaxLength(200);
        builder.Property(s => s.PortalContext).HasJsonConversion();
        builder.Property(s => s.EphemeralTokenHash).HasMaxLength(32);
        builder.HasIndex(s => s.EphemeralTokenHash).IsUnique();
        builder.Property(s => s.LastEventId).IsConcurrencyToken();
        builder.HasOne<Tenancy.Tenant>().WithMany().HasForeignKey(s => s.TenantId);
        builder.HasOne<Identity.User>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Agents.Agent>().WithMany().HasForeignKey(s => s.AgentId).OnDelete(DeleteBehavior.SetNull);
    }
}
