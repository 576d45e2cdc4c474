using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VirtualBanker.Core.Data;

namespace VirtualBanker.Core.Actions;

/// <summary>
/// An action the assistant proposed and the customer must approve before it runs: the tool call exactly as proposed
/// (name and arguments), its summary in plain words, and until when it may be approved. Approving it is what lets
/// the action's tool run, once (<see cref="ConfirmedAction"/>).
/// </summary>
public sealed class Confirmation : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public string TenantId { get; set; } = "";
    public required string SessionId { get; set; }
    public Guid UserId { get; set; }

    /// <summary>The tool, as <see cref="Tools.ToolNames"/> spells it.</summary>
    public required string Action { get; set; }

    /// <summary>The model's call id: only that call may run the action.</summary>
    public required string CallId { get; set; }

    /// <summary>The call's arguments as JSON: the action runs with exactly these.</summary>
    public string Arguments { get; set; } = "{}";

    public required string Summary { get; set; }
    public ConfirmationStatus Status { get; set; } = ConfirmationStatus.Pending;

    /// <summary>The inbound message whose answer proposed the action.</summary>
    public long ReplyTo { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? DecidedAt { get; set; }
}

public enum ConfirmationStatus
{
    Pending = 0,
    Approved = 1,
    Rejected = 2,
    Executed = 3,
}

internal sealed class ConfirmationConfiguration : IEntityTypeConfiguration<Confirmation>
{
    public void Configure(EntityTypeBuilder<Confirmation> builder)
    {
        builder.Property(c => c.SessionId).HasMaxLength(64);
        builder.Property(c => c.Action).HasMaxLength(64);
        builder.Property(c => c.CallId).HasMaxLength(128);
        builder.Property(c => c.Arguments).HasMaxLength(4000);
        builder.Property(c => c.Summary).HasMaxLength(500);
        builder.Property(c => c.Status).HasConversion<string>().HasMaxLength(16);
        builder.HasIndex(c => new { c.SessionId, c.Status });
        builder.HasOne<Sessions.Session>().WithMany().HasForeignKey(c => c.SessionId).OnDelete(DeleteBehavior.Cascade);
    }
}
