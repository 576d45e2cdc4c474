using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VirtualBanker.Core.Data;

namespace VirtualBanker.Core.Banking;

/// <summary>A posted transaction. <see cref="AmountMinor"/> is signed: debits negative, credits positive.</summary>
public sealed class Transaction : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public string TenantId { get; set; } = "";
    public Guid UserId { get; set; }
    public Guid AccountId { get; set; }

    /// <summary>The caller's id at ingest; the same id twice stores one transaction.</summary>
    public string? ExternalId { get; set; }

    public required string Merchant { get; set; }
    public required string Category { get; set; }
    public long AmountMinor { get; set; }
    public string Currency { get; set; } = "USD";
    public TransactionType Type { get; set; }
    public DateTime Timestamp { get; set; }
    public List<string> Tags { get; set; } = [];
    public DateTime CreatedAt { get; set; }
}

public enum TransactionType
{
    Debit = 0,
    Credit = 1,
}

internal sealed class TransactionConfiguration : IEntityTypeConfiguration<Transaction>
{
    public void Configure(EntityTypeBuilder<Transaction> builder)
    {
        builder.Property(t => t.ExternalId).HasMaxLength(128);
        builder.Property(t => t.Merchant).HasMaxLength(200);
        builder.Property(t => t.Category).HasMaxLength(64);
        builder.Property(t => t.Currency).HasMaxLength(3).IsFixedLength();
        builder.Property(t => t.Type).HasConversion<string>().HasMaxLength(8);
        builder.HasIndex(t => new { t.UserId, t.Timestamp });
        builder.HasIndex(t => new { t.ExternalId, t.TenantId }).IsUnique();
        builder.HasOne<Account>().WithMany().HasForeignKey(t => t.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
