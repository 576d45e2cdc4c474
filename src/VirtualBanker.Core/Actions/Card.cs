using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VirtualBanker.Core.Data;

namespace VirtualBanker.Core.Actions;

/// <summary>A payment card on one of the customer's accounts. Only an active card's new authorisations are accepted.</summary>
public sealed class Card : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public string TenantId { get; set; } = "";
    public Guid UserId { get; set; }
    public Guid AccountId { get; set; }
    public required string Last4 { get; set; }
    public CardType Type { get; set; }
    public CardStatus Status { get; set; } = CardStatus.Active;

    /// <summary>The lost or stolen card this one replaces.</summary>
    public Guid? ReplacesCardId { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>How the customer knows the card: "debit card ending 4821".</summary>
    public string Label => $"{(Type == CardType.Credit ? "credit" : "debit")} card ending {Last4}";
}

public enum CardType
{
    Debit = 0,
    Credit = 1,
}

public enum CardStatus
{
    Active = 0,
    Frozen = 1,
    Lost = 2,
    Stolen = 3,
    Replaced = 4,
    Closed = 5,
}

internal sealed class CardConfiguration : IEntityTypeConfiguration<Card>
{
    public void Configure(EntityTypeBuilder<Card> builder)
    {
        builder.Property(c => c.Last4).HasMaxLength(4).IsFixedLength();
        builder.Property(c => c.Type).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.Status).HasConversion<string>().HasMaxLength(16);
        builder.Ignore(c => c.Label);
        builder.HasIndex(c => c.UserId);
        builder.HasOne<Identity.User>().WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Banking.Account>().WithMany().HasForeignKey(c => c.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
