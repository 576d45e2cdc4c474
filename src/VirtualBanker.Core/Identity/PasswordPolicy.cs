namespace VirtualBanker.Core.Identity;

/// <summary>
/// Length first (NIST SP 800-63B), plus a character-variety rule and a short block-list of the
/// passwords attackers try first. Each failure names its rule so the customer knows what to change.
/// </summary>
public static class PasswordPolicy
{
    public const int MinLength = 10;
    public const int MaxLength = 128;

    private static readonly HashSet<string> Common = new(StringComparer.OrdinalIgnoreCase)
    {
        "password123!", "Password1234", "Welcome123!", "Qwerty123456", "Passw0rd123!", "Letmein1234!",
        "Admin123456!", "Iloveyou123!", "Summer2026!!", "Winter2026!!", "Changeme123!", "P@ssw0rd1234",
    };

    /// <summary>The broken rule, or null when the password is acceptable.</summary>
    public static string? Check(string password, string email)
    {
        if (password.Length < MinLength)
        {
            return $"Password must be at least {MinLength} characters long.";
        }

        if (password.Length > MaxLength)
        {
            return $"Password must be at most {MaxLength} characters long.";
        }

        var classes = (password.Any(char.IsLower) ? 1 : 0) + (password.Any(char.IsUpper) ? 1 : 0)
            + (password.Any(char.IsDigit) ? 1 : 0) + (password.Any(c => !char.IsLetterOrDigit(c)) ? 1 : 0);
        if (classes < 3)
        {
            return "Password must mix at least three of: lower-case letters, upper-case letters, digits, symbols.";
        }

        if (Common.Contains(password))
        {
            return "Password is too common.";
        }

        var local = email.Split('@')[0];
        if (local.Length >= 4 && password.Contains(local, StringComparison.OrdinalIgnoreCase))
        {
            return "Password must not contain the e-mail address.";
        }

        return null;
    }
}
