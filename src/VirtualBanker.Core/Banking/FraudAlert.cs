using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VirtualBanker.Core.Data;

namespace VirtualBanker.Core.Banking;

/// <summary>A transaction whose fraud score passed the threshold, waiting for the customer or the bank to review it.</summary>
public sealed class FraudAlert : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public string TenantId { get; set; } = "";
    public Guid UserId { get; set; }
    public Guid TransactionId { get; set; }

    /// <summary>0–100.</summary>
    public double RiskScore { get; set; }

    public required string Details { get; set; }

    /// <summary><c>pending</c>, <c>confirmed</c> or <c>dismissed</c>.</summary>
    public string Status { get; set; } = "pending";

    public DateTime CreatedAt { get; set; }
}

internal sealed class FraudAlertConfiguration : IEntityTypeConfiguration<FraudAlert>
{
    public void Configure(EntityTypeBuilder<FraudAlert> builder)
    {
        builder.Property(f => f.Details).HasMaxLength(1000);
        builder.Property(f => f.Status).HasMaxLength(16);
        builder.HasIndex(f => f.UserId);
        builder.HasIndex(f => f.TransactionId).IsUnique();
        builder.HasOne<Transaction>().WithMany().HasForeignKey(f => f.TransactionId).OnDelete(DeleteBehavior.Cascade);
    }
}
