using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VirtualBanker.Core.Data;

namespace VirtualBanker.Core.Actions;

/// <summary>Someone the customer pays outside their own accounts.</summary>
public sealed class Payee : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public string TenantId { get; set; } = "";
    public Guid UserId { get; set; }
    public required string Name { get; set; }
    public required string AccountNumber { get; set; }
    public required string BankCode { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>
/// Money moved from one of the customer's accounts to another of theirs or to a payee. Its ledger entries balance
/// (their amounts sum to zero) and were written in the same database transaction as the balances they change.
/// </summary>
public sealed class Transfer : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public string TenantId { get; set; } = "";
    public Guid UserId { get; set; }
    public Guid FromAccountId { get; set; }
    public Guid? ToAccountId { get; set; }
    public Guid? PayeeId { get; set; }
    public long AmountMinor { get; set; }
    public string Currency { get; set; } = "USD";
    public string Memo { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}

/// <summary>
/// One side of a transfer: an account of the customer's, or (for a payment to a payee, <see cref="AccountId"/> null)
/// the bank's outgoing-payments clearing, which the customer's total leaves by.
/// </summary>
public sealed class LedgerEntry : ITenantOwned
{
    public long Id { get; set; }
    public string TenantId { get; set; } = "";
    public Guid TransferId { get; set; }
    public Guid? AccountId { get; set; }
    public Guid? PayeeId { get; set; }
    public long AmountMinor { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>How much a customer has paid to payees on one day: the per-day limit is checked and counted in one conditional update.</summary>
public sealed class TransferDay : ITenantOwned
{
    public string TenantId { get; set; } = "";
    public Guid UserId { get; set; }
    public DateOnly Day { get; set; }
    public long TotalMinor { get; set; }
}

internal sealed class PayeeConfiguration : IEntityTypeConfiguration<Payee>
{
    public void Configure(EntityTypeBuilder<Payee> builder)
    {
        builder.Property(p => p.Name).HasMaxLength(100);
        builder.Property(p => p.AccountNumber).HasMaxLength(34);
        builder.Property(p => p.BankCode).HasMaxLength(11);
        builder.HasIndex(p => p.UserId);
        builder.HasOne<Identity.User>().WithMany().HasForeignKey(p => p.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class TransferConfiguration : IEntityTypeConfiguration<Transfer>
{
    public void Configure(EntityTypeBuilder<Transfer> builder)
    {
        builder.Property(t => t.Currency).HasMaxLength(3).IsFixedLength();
        builder.Property(t => t.Memo).HasMaxLength(140);
        builder.HasIndex(t => new { t.UserId, t.CreatedAt });
        builder.HasOne<Identity.User>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class LedgerEntryConfiguration : IEntityTypeConfiguration<LedgerEntry>
{
    public void Configure(EntityTypeBuilder<LedgerEntry> builder)
    {
        builder.HasIndex(e => e.TransferId);
        builder.HasIndex(e => e.AccountId);
        builder.HasOne<Transfer>().WithMany().HasForeignKey(e => e.TransferId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class TransferDayConfiguration : IEntityTypeConfiguration<TransferDay>
{
    public void Configure(EntityTypeBuilder<TransferDay> builder) => builder.HasKey(d => new { d.UserId, d.Day });
}
