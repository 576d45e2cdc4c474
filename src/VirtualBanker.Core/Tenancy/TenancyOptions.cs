using System.ComponentModel.DataAnnotations;

namespace VirtualBanker.Core.Tenancy;

public sealed class TenancyOptions
{
    public const string Section = "Tenancy";

    /// <summary>The tenant of the single-bank surfaces (contract 001 has no tenant in its requests).</summary>
    [Required, RegularExpression("^[a-z0-9][a-z0-9-]{1,62}$")]
    public string DefaultTenantId { get; set; } = "demo-bank";
}
