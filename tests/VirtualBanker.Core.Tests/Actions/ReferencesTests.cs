using VirtualBanker.Core.Actions;

namespace VirtualBanker.Core.Tests.Actions;

public sealed class ReferencesTests
{
    [Fact]
    public void New_IsThePrefixSixReadableCharactersAndACheckCharacter_AndUnique()
    {
        var references = Enumerable.Range(0, 2000).Select(_ => References.New("DB")).ToList();

        Assert.All(references, r => Assert.Matches("^DB-[0-9A-HJKMNP-TV-Z]{7}$", r));
        Assert.Equal(references.Count, references.Distinct().Count());
    }

    [Fact]
    public void TheCheckCharacter_ChangesWhenOneCharacterIsMistyped()
    {
        // The same body with one character changed: the check character differs (a person's typo is caught).
        var caught = 0;
        for (var i = 0; i < 500; i++)
        {
            var reference = References.New("DB");
            var typo = reference[3] == 'A' ? 'B' : 'A';
            var retyped = References.WithCheck("DB", typo + reference[4..9]);
            caught += retyped[^1] != reference[^1] ? 1 : 0;
        }

        Assert.Equal(500, caught);
    }

    [Theory]
    [InlineData("demo-bank", "DB")]
    [InlineData("first_national_trust_co", "FNT")]
    [InlineData("acme", "AC")]
    public void PrefixFor_IsTheTenantsInitials(string tenant, string prefix) => Assert.Equal(prefix, References.PrefixFor(tenant));
}
