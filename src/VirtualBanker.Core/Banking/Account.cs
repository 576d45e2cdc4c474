using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VirtualBanker.Core.Data;

namespace VirtualBanker.Core.Banking;

/// <summary>A customer's bank account. Money is kept in minor units (cents) with its ISO currency.</summary>
public sealed class Account : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public string TenantId { get; set; } = "";
    public Guid UserId { get; set; }
    public AccountType Type { get; set; }
    public required string Name { get; set; }
    public string Currency { get; set; } = "USD";

    /// <summary>Current balance in minor units; negative on a credit account that is owed.</summary>
    public long BalanceMinor { get; set; }

    /// <summary>How far below zero a credit account may go (its credit limit); 0 for checking and savings.</summary>
    public long CreditLimitMinor { get; set; }

    /// <summary>The lowest balance a payment may leave.</summary>
    public long FloorMinor => Type == AccountType.Credit ? -CreditLimitMinor : 0;

    public DateTime CreatedAt { get; set; }
}

public enum AccountType
{
    Checking = 0,
    Savings = 1,
    Credit = 2,
}

internal sealed class AccountConfiguration : IEntityTypeConfiguration<Account>
{
    public void Configure(EntityTypeBuilder<Account> builder)
    {
        builder.Property(a => a.Name).HasMaxLength(100);
        builder.Property(a => a.Currency).HasMaxLength(3).IsFixedLength();
        builder.Property(a => a.Type).HasConversion<string>().HasMaxLength(16);
        builder.Ignore(a => a.FloorMinor);
        builder.HasOne<Identity.User>().WithMany().HasForeignKey(a => a.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
