using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VirtualBanker.Core.Data;

namespace VirtualBanker.Core.Banking;

public sealed class Notification : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public string TenantId { get; set; } = "";
    public Guid UserId { get; set; }
    public required string Title { get; set; }
    public required string Message { get; set; }

    /// <summary><c>alert</c>, <c>info</c>, <c>insight</c> or <c>reminder</c>.</summary>
    public string Type { get; set; } = "info";

    public bool Read { get; set; }
    public DateTime CreatedAt { get; set; }
}

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> builder)
    {
        builder.Property(n => n.Title).HasMaxLength(200);
        builder.Property(n => n.Message).HasMaxLength(2000);
        builder.Property(n => n.Type).HasMaxLength(16);
        builder.HasIndex(n => new { n.UserId, n.CreatedAt });
        builder.HasOne<Identity.User>().WithMany().HasForeignKey(n => n.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
