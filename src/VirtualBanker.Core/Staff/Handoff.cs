using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VirtualBanker.Core.Data;

namespace VirtualBanker.Core.Staff;

/// <summary>
/// A customer waiting for a person: an item of the tenant's staff queue. It is opened by the customer's request, by the
/// assistant failing twice in a row to understand, or by a fraud alert confirmed as fraud; a staff member claims it (the
/// assistant then stays silent in that conversation), answers, and releases or closes it.
/// </summary>
public sealed class Handoff : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public string TenantId { get; set; } = "";

    /// <summary>The customer.</summary>
    public Guid UserId { get; set; }

    /// <summary>The conversation the customer waits in; null when the handoff did not start in one (a fraud alert confirmed on the dashboard).</summary>
    public string? SessionId { get; set; }

    /// <summary>One of <see cref="HandoffReasons"/>.</summary>
    public required string Reason { get; set; }

    /// <summary>Where the customer was talking (websocket, http, dashboard, ...).</summary>
    public required string Channel { get; set; }

    /// <summary><c>normal</c>, <c>high</c> or <c>urgent</c> (see <see cref="HandoffPriorities"/>).</summary>
    public string Priority { get; set; } = HandoffPriorities.Normal;

    /// <summary>One of <see cref="HandoffStatuses"/>.</summary>
    public string Status { get; set; } = HandoffStatuses.Waiting;

    /// <summary>The conversation's last turns when the customer was handed over (JSON: <c>[{role, text, at}]</c>), for the queue's list.</summary>
    public string LastTurns { get; set; } = "[]";

    public Guid? ClaimedById { get; set; }
    public string? ClaimedByName { get; set; }

    /// <summary>Set once the customer waited longer than the tenant's <c>handoff.sla_seconds</c>: the priority was raised then.</summary>
    public bool Escalated { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? ClaimedAt { get; set; }
    public DateTime? ClosedAt { get; set; }

    public bool IsOpen => Status is HandoffStatuses.Waiting or HandoffStatuses.Claimed;
}

public static class HandoffReasons
{
    public const string CustomerRequest = "customer_request";
    public const string NotUnderstood = "not_understood";
    public const string FraudConfirmed = "fraud_confirmed";
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { CustomerRequest, NotUnderstood, FraudConfirmed };
}

public static class HandoffStatuses
{
    public const string Waiting = "waiting";
    public const string Claimed = "claimed";

    /// <summary>Handed back to the assistant by the staff member.</summary>
    public const string Released = "released";
    public const string Closed = "closed";
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Waiting, Claimed, Released, Closed };
}

public static class HandoffPriorities
{
    public const string Normal = "normal";
    public const string High = "high";
    public const string Urgent = "urgent";
    public static readonly IReadOnlyList<string> Ordered = [Normal, High, Urgent];
    public static readonly IReadOnlySet<string> All = new HashSet<string>(Ordered, StringComparer.Ordinal);

    public static int Rank(string priority) => priority switch { Urgent => 2, High => 1, _ => 0 };

    /// <summary>One step up: what a customer waiting past the tenant's SLA gets.</summary>
    public static string Raise(string priority) => Ordered[Math.Min(Rank(priority) + 1, Ordered.Count - 1)];
}

internal sealed class HandoffConfiguration : IEntityTypeConfiguration<Handoff>
{
    public void Configure(EntityTypeBuilder<Handoff> builder)
    {
        builder.Property(h => h.SessionId).HasMaxLength(64);
        builder.Property(h => h.Reason).HasMaxLength(32);
        builder.Property(h => h.Channel).HasMaxLength(32);
        builder.Property(h => h.Priority).HasMaxLength(16);
        builder.Property(h => h.Status).HasMaxLength(16);
        builder.Property(h => h.LastTurns).HasMaxLength(8000);
        builder.Property(h => h.ClaimedByName).HasMaxLength(200);
        builder.HasIndex(h => new { h.TenantId, h.Status, h.CreatedAt });
        builder.HasIndex(h => h.SessionId);
        builder.HasOne<Identity.User>().WithMany().HasForeignKey(h => h.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Sessions.Session>().WithMany().HasForeignKey(h => h.SessionId).OnDelete(DeleteBehavior.Cascade);
    }
}
