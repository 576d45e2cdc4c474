using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VirtualBanker.Core.Data;

namespace VirtualBanker.Core.Actions;

/// <summary>The customer contests a payment: the bank investigates it under <see cref="Reference"/>.</summary>
public sealed class Dispute : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public string TenantId { get; set; } = "";
    public Guid UserId { get; set; }
    public Guid TransactionId { get; set; }

    /// <summary>Short, unique and easy to read out on the phone: <c>DS-7K3Q9MX</c> (see <see cref="References"/>).</summary>
    public required string Reference { get; set; }

    public required string Reason { get; set; }

    /// <summary><c>open</c>, <c>under_review</c>, <c>resolved</c> or <c>rejected</c>.</summary>
    public string Status { get; set; } = "open";

    public DateTime CreatedAt { get; set; }
}

internal sealed class DisputeConfiguration : IEntityTypeConfiguration<Dispute>
{
    public void Configure(EntityTypeBuilder<Dispute> builder)
    {
        builder.Property(d => d.Reference).HasMaxLength(16);
        builder.Property(d => d.Reason).HasMaxLength(500);
        builder.Property(d => d.Status).HasMaxLength(16);
        builder.HasIndex(d => new { d.TenantId, d.Reference }).IsUnique();
        builder.HasIndex(d => d.TransactionId).IsUnique();
        builder.HasIndex(d => d.UserId);
        builder.HasOne<Banking.Transaction>().WithMany().HasForeignKey(d => d.TransactionId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>
/// Human-readable references: a prefix, six random Crockford base-32 characters (no I, L, O or U to misread) and a check
/// character from the same alphabet (the characters' values weighted by position, mod 31, a prime), which catches most
/// mistyped or swapped characters and stays easy to read out.
/// </summary>
public static class References
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string New(string prefix)
    {
        Span<char> body = stackalloc char[6];
        for (var i = 0; i < body.Length; i++)
        {
            body[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }

        return WithCheck(prefix, body);
    }

    /// <summary>A reference from its prefix and six-character body, with the body's check character.</summary>
    public static string WithCheck(string prefix, ReadOnlySpan<char> body) => $"{prefix}-{body}{Check(body)}";

    /// <summary>A tenant's reference prefix: the initials of its id's words ("demo-bank" → "DB"), or its first two letters.</summary>
    public static string PrefixFor(string tenantId)
    {
        var words = tenantId.Split(['-', '_', '.', ' '], StringSplitOptions.RemoveEmptyEntries);
        var prefix = words.Length > 1 ? string.Concat(words.Take(3).Select(w => w[0])) : tenantId.Length >= 2 ? tenantId[..2] : "VB";
        return prefix.ToUpperInvariant();
    }

    private static char Check(ReadOnlySpan<char> body)
    {
        var sum = 0;
        for (var i = 0; i < body.Length; i++)
        {
            sum += (i + 1) * Alphabet.IndexOf(body[i], StringComparison.Ordinal);
        }

        return Alphabet[sum % 31];
    }
}
