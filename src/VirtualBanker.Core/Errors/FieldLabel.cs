namespace VirtualBanker.Core.Errors;

/// <summary>A field's name as a person reads it in an error message.</summary>
public static class FieldLabel
{
    /// <summary><c>settings.policy.rate_limit_per_minute</c> is "Rate limit per minute".</summary>
    public static string Of(string path)
    {
        var name = path[(path.LastIndexOf('.') + 1)..].Replace('_', ' ');
        return name.Length == 0 ? "The value" : char.ToUpperInvariant(name[0]) + name[1..];
    }
}
