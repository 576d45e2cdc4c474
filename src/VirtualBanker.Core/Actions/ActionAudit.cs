using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VirtualBanker.Core.Data;

namespace VirtualBanker.Core.Actions;

/// <summary>
/// One action on a customer's cards or money: who, what, on what, how much, over which channel, when and with what
/// result. It doubles as the idempotency record: the same key again returns <see cref="Response"/>.
/// </summary>
public sealed class ActionAudit : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public string TenantId { get; set; } = "";

    /// <summary>The customer acted for.</summary>
    public Guid UserId { get; set; }

    /// <summary>Who acted: the customer themself, or the staff member for them.</summary>
    public Guid ActorId { get; set; }

    public required string Action { get; set; }
    public Guid? TargetId { get; set; }
    public long? AmountMinor { get; set; }
    public required string Channel { get; set; }

    /// <summary><c>ok</c> or the error code the action ended with.</summary>
    public required string Result { get; set; }

    public string? IdempotencyKey { get; set; }

    /// <summary>The request the key was first used with (canonical JSON), to refuse the same key for another request.</summary>
    public string? Request { get; set; }

    /// <summary>The first answer (JSON), returned again for the same key.</summary>
    public string? Response { get; set; }

    public DateTime CreatedAt { get; set; }
}

internal sealed class ActionAuditConfiguration : IEntityTypeConfiguration<ActionAudit>
{
    public void Configure(EntityTypeBuilder<ActionAudit> builder)
    {
        builder.Property(a => a.Action).HasMaxLength(64);
        builder.Property(a => a.Channel).HasMaxLength(32);
        builder.Property(a => a.Result).HasMaxLength(64);
        builder.Property(a => a.IdempotencyKey).HasMaxLength(128);
        builder.HasIndex(a => new { a.UserId, a.IdempotencyKey }).IsUnique();
        builder.HasOne<Identity.User>().WithMany().HasForeignKey(a => a.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
