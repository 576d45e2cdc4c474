using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using VirtualBanker.Core.Identity;

namespace VirtualBanker.Core.Tests.Identity;

public sealed class PasswordHashingTests
{
    private readonly PasswordHashing _hashing = new(Options.Create(new AuthOptions()));

    [Fact]
    public void Hash_ThenVerify_AcceptsOnlyTheSamePassword()
    {
        var hash = _hashing.Hash("BankBot2026!");

        Assert.Equal(PasswordCheck.Valid, _hashing.Verify(hash, "BankBot2026!"));
        Assert.Equal(PasswordCheck.Invalid, _hashing.Verify(hash, "BankBot2026?"));
        Assert.Equal(PasswordCheck.Invalid, _hashing.Verify(hash, ""));
    }

    [Fact]
    public void Hash_UsesOwaspIterationsAndARandomSalt()
    {
        var first = _hashing.Hash("same password");
        var second = _hashing.Hash("same password");

        Assert.NotEqual(first, second);
        Assert.True(PasswordHashing.IterationsOf(first) >= 210_000);
        Assert.Equal(0x01, Convert.FromBase64String(first)[0]); // format v3: PBKDF2 with a stored PRF, salt and count
        Assert.DoesNotContain("same password", first, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_HashWithIdentityDefaultIterations_AsksForRehash()
    {
        var legacy = new PasswordHasher<User>().HashPassword(null!, "old password");
        Assert.True(PasswordHashing.IterationsOf(legacy) < 210_000);

        Assert.Equal(PasswordCheck.ValidNeedsRehash, _hashing.Verify(legacy, "old password"));
    }

    [Theory]
    [InlineData(100_000, false)]
    [InlineData(209_999, false)]
    [InlineData(210_000, true)]
    public void Options_IterationsBelowOwaspMinimum_AreRejected(int iterations, bool valid)
    {
        var options = new AuthOptions { PasswordIterations = iterations };

        Assert.Equal(valid, Validator.TryValidateObject(options, new ValidationContext(options), null, validateAllProperties: true));
    }

    [Theory]
    [InlineData("short1!A", "at least 10")]
    [InlineData("alllowercaseletters", "three of")]
    [InlineData("Password1234", "too common")]
    [InlineData("Alexander-2026x", "e-mail")]
    public void Policy_WeakPassword_NamesTheRule(string password, string rule)
    {
        var broken = PasswordPolicy.Check(password, "alexander@example.com");

        Assert.NotNull(broken);
        Assert.Contains(rule, broken, StringComparison.Ordinal);
    }

    [Fact]
    public void Policy_DocumentedDemoPassword_IsAccepted() =>
        Assert.Null(PasswordPolicy.Check("BankBot2026!", "alex@bankbot.dev"));
}
