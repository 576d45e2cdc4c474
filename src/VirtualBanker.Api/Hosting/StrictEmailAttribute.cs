using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace VirtualBanker.Api.Hosting;

/// <summary>
/// An e-mail address as people and mail systems actually use them: one <c>@</c>, a dotted domain, and no
/// whitespace, quotes, brackets or control characters. <see cref="EmailAddressAttribute"/> only checks
/// for an <c>@</c>, and would accept <c>x@y.z' OR 1=1 --</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed partial class StrictEmailAttribute() : ValidationAttribute("Enter a valid e-mail address.")
{
    public override bool IsValid(object? value) => value is null || (value is string s && s.Length <= 320 && Pattern().IsMatch(s));

    [GeneratedRegex(@"^[A-Za-z0-9.!#$%&*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")]
    private static partial Regex Pattern();
}
