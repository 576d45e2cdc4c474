using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VirtualBanker.Core.Data;

namespace VirtualBanker.Core.Banking;

/// <summary>A support request opened by a customer or by the assistant on their behalf.</summary>
public sealed class Ticket : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public string TenantId { get; set; } = "";
    public Guid UserId { get; set; }
    public string? SessionId { get; set; }
    /// <summary>What the customer and staff quote: the tenant's prefix and a checked code, <c>DB-7K3Q9MX</c> (see <see cref="Actions.References"/>).</summary>
    public string? Reference { get; set; }

    public required string Subject { get; set; }

    /// <summary><c>normal</c> or <c>high</c> (lost or stolen cards, fraud).</summary>
    public string Priority { get; set; } = "normal";
    public string Description { get; set; } = "";

    /// <summary><c>open</c>, <c>in_progress</c> or <c>closed</c>.</summary>
    public string Status { get; set; } = "open";

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

internal sealed class TicketConfiguration : IEntityTypeConfiguration<Ticket>
{
    public void Configure(EntityTypeBuilder<Ticket> builder)
    {
        builder.Property(t => t.SessionId).HasMaxLength(64);
        builder.Property(t => t.Subject).HasMaxLength(200);
        builder.Property(t => t.Description).HasMaxLength(4000);
        builder.Property(t => t.Status).HasMaxLength(16);
        builder.Property(t => t.Reference).HasMaxLength(16);
        builder.Property(t => t.Priority).HasMaxLength(16);
        builder.HasIndex(t => new { t.TenantId, t.Reference }).IsUnique();
        builder.HasOne<Identity.User>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
