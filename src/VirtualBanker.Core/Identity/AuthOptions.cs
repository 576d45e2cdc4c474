using System.ComponentModel.DataAnnotations;

namespace VirtualBanker.Core.Identity;

public sealed class AuthOptions
{
    public const string Section = "Auth";

    [Required, MinLength(1)]
    public string Issuer { get; set; } = "virtualbanker";

    [Required, MinLength(1)]
    public string Audience { get; set; } = "virtualbanker-api";

    [Range(1, 60)]
    public int AccessTokenMinutes { get; set; } = 15;

    [Range(1, 90)]
    public int RefreshTokenDays { get; set; } = 14;

    /// <summary>Tolerance for clock drift when checking exp/nbf; capped at 60 s.</summary>
    [Range(0, 60)]
    public int ClockSkewSeconds { get; set; } = 30;

    /// <summary>PBKDF2-HMAC-SHA512 iterations. OWASP's minimum is 210,000; lowering it below that is refused.</summary>
    [Range(210_000, 5_000_000)]
    public int PasswordIterations { get; set; } = 210_000;
}
