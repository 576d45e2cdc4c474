using System.Buffers;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text;

namespace VirtualBanker.Api.Hosting;

/// <summary>
/// A range for amounts of money, compared as decimals. <c>[Range(int, int)]</c> converts the value to Int32 first (10,000,000.49
/// passed a 10,000,000 limit, and a value beyond Int32 failed with the framework's overflow text); <c>[Range(double, double)]</c>
/// compares binary fractions. The limits are invariant-culture decimal strings.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class MoneyRangeAttribute : RangeAttribute
{
    public MoneyRangeAttribute(string minimum, string maximum)
        : base(typeof(decimal), minimum, maximum)
    {
        ParseLimitsInInvariantCulture = true;
        ConvertValueInInvariantCulture = true;
    }
}

/// <summary>
/// Text a person would type: no control characters (NUL, escapes), no format characters (bidirectional overrides that make a name
/// read backwards, zero-width characters), no private-use, unassigned or lone surrogate code points; emoji and every script pass.
/// It replaces <c>[RegularExpression(@"^[^\p{C}]+$")]</c>, which refused emoji (it saw their two halves) and whose pattern, published
/// in the OpenAPI document, JavaScript validators cannot compile.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class PlainTextAttribute() : ValidationAttribute("Use text without control or formatting characters.")
{
    public override bool IsValid(object? value) => value is not string text || IsPlain(text);

    private static bool IsPlain(string text)
    {
        for (var i = 0; i < text.Length;)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var used) != OperationStatus.Done
                || Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned)
            {
                return false;
            }

            i += used;
        }

        return true;
    }
}
