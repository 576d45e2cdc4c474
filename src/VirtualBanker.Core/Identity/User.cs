using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VirtualBanker.Core.Data;

namespace VirtualBanker.Core.Identity;

/// <summary>A person: a bank customer, a tenant admin or a platform admin. Signs in with a password or an external OIDC subject.</summary>
public sealed class User : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public string TenantId { get; set; } = "";

    /// <summary>Lower-cased; unique within a tenant.</summary>
    public required string Email { get; set; }

    public required string Name { get; set; }
    public string? FirstName { get; set; }
    public string? LastName { get; set; }
    public string? PasswordHash { get; set; }
    public string? ExternalIssuer { get; set; }
    public string? ExternalSubject { get; set; }
    public bool Active { get; set; } = true;
    /// <summary>When the person proved they read mail at <see cref="Email"/> (a link we sent), or an operator created them; null until then.</summary>
    public DateTime? EmailVerifiedAt { get; set; }

    /// <summary>SHA-256 (hex) of the last verification link's token, until it is used or expires; the token itself is only in the mail.</summary>
    public string? EmailVerificationHash { get; set; }

    public DateTime? EmailVerificationExpiresAt { get; set; }
    public int FailedLoginCount { get; set; }
    public DateTime? LockedUntil { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public List<UserRole> Roles { get; set; } = [];
}

public sealed class UserRole : ITenantOwned
{
    public Guid UserId { get; set; }
    public string TenantId { get; set; } = "";
    public required string Role { get; set; }
}

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> builder)
    {
        builder.Property(u => u.Email).HasMaxLength(320);
        builder.Property(u => u.Name).HasMaxLength(200);
        builder.Property(u => u.FirstName).HasMaxLength(100);
        builder.Property(u => u.LastName).HasMaxLength(100);
        builder.Property(u => u.PasswordHash).HasMaxLength(256);
        builder.Property(u => u.ExternalIssuer).HasMaxLength(512);
        builder.Property(u => u.ExternalSubject).HasMaxLength(255);
        builder.HasIndex(u => new { u.Email, u.TenantId }).IsUnique();
        builder.HasIndex(u => new { u.ExternalSubject, u.ExternalIssuer, u.TenantId }).IsUnique();
        builder.Property(u => u.EmailVerificationHash).HasMaxLength(64);
        builder.HasIndex(u => new { u.EmailVerificationHash, u.TenantId });
        builder.HasOne<Tenancy.Tenant>().WithMany().HasForeignKey(u => u.TenantId);
        builder.HasMany(u => u.Roles).WithOne().HasForeignKey(r => r.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class UserRoleConfiguration : IEntityTypeConfiguration<UserRole>
{
    public void Configure(EntityTypeBuilder<UserRole> builder)
    {
        builder.HasKey(r => new { r.UserId, r.Role });
        builder.Property(r => r.Role).HasMaxLength(32);
    }
}
