using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VirtualBanker.Core.Data;

namespace VirtualBanker.Core.Conversations;

/// <summary>
/// One entry of a session's event log (inbound message, chat_start, chunk, tool call/result, chat_end,
/// error). <see cref="Sequence"/> increases per session, so a client resumes with Last-Event-ID.
/// </summary>
public sealed class ConversationEvent : ITenantOwned
{
    public long Id { get; set; }
    public string TenantId { get; set; } = "";
    public required string SessionId { get; set; }
    public long Sequence { get; set; }
    public required string Type { get; set; }

    /// <summary>The event body as JSON.</summary>
    public string Payload { get; set; } = "{}";

    public string? IdempotencyKey { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>A run that kept failing, kept with its payload until an operator resolves or deletes it.</summary>
public sealed class RequeueItem : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public string TenantId { get; set; } = "";
    public required string SessionId { get; set; }
    public required string Topic { get; set; }
    public string Payload { get; set; } = "{}";
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    public RequeueStatus Status { get; set; } = RequeueStatus.Pending;
    public DateTime CreatedAt { get; set; }
    public DateTime? ResolvedAt { get; set; }
}

public enum RequeueStatus
{
    Pending = 0,
    Resolved = 1,
    Republished = 2,
}

internal sealed class ConversationEventConfiguration : IEntityTypeConfiguration<ConversationEvent>
{
    public void Configure(EntityTypeBuilder<ConversationEvent> builder)
    {
        builder.Property(e => e.SessionId).HasMaxLength(64);
        builder.Property(e => e.Type).HasMaxLength(32);
        builder.Property(e => e.IdempotencyKey).HasMaxLength(128);
        builder.HasIndex(e => new { e.SessionId, e.Sequence }).IsUnique();
        builder.HasIndex(e => new { e.SessionId, e.IdempotencyKey }).IsUnique();
        builder.HasOne<Sessions.Session>().WithMany().HasForeignKey(e => e.SessionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RequeueItemConfiguration : IEntityTypeConfiguration<RequeueItem>
{
    public void Configure(EntityTypeBuilder<RequeueItem> builder)
    {
        builder.Property(r => r.SessionId).HasMaxLength(64);
        builder.Property(r => r.Topic).HasMaxLength(64);
        builder.Property(r => r.LastError).HasMaxLength(2000);
        builder.HasIndex(r => new { r.TenantId, r.Status });
    }
}
