using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Tenancy;

namespace VirtualBanker.Core.Tests.Identity;

public sealed class TokenServiceTests : IAsyncLifetime, IDisposable
{
    private readonly TestDatabase _database = new();
    private readonly ServiceProvider _services;
    private User _user = null!;

    public TokenServiceTests() => _services = _database.Services();

    public async Task InitializeAsync()
    {
        _database.AddTenants("bank-a");
        await _services.GetRequiredService<SigningKeyStore>().LoadAsync(CancellationToken.None);
        using var scope = _services.CreateScope();
        var db = Db(scope, "bank-a");
        _user = new User { Email = "a@bank-a.test", Name = "A" };
        _user.Roles.Add(new UserRole { UserId = _user.Id, Role = Roles.Customer });
        db.Users.Add(_user);
        await db.SaveChangesAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Issue_AccessToken_ValidatesWithPinnedParametersAndCarriesTheCaller()
    {
        var pair = await IssueAsync();

        var result = await ValidateAsync(pair.AccessToken);

        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.Equal(_user.Id.ToString(), result.Claims["sub"]);
        Assert.Equal("bank-a", result.Claims[TokenService.TenantClaim]);
        Assert.Equal(pair.FamilyId.ToString(), result.Claims[TokenService.SessionClaim]);
        Assert.Equal(_database.Clock.GetUtcNow().UtcDateTime.AddMinutes(15), pair.AccessTokenExpiresAt);
    }

    [Fact]
    public async Task Validate_TokenPastExpiryPlusSkew_IsRejected()
    {
        var pair = await IssueAsync();

        _database.Clock.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(61));

        Assert.False((await ValidateAsync(pair.AccessToken)).IsValid);
    }

    [Fact]
    public async Task Validate_TokenWithinSkewAfterExpiry_IsAccepted()
    {
        var pair = await IssueAsync();

        _database.Clock.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(20));

        Assert.True((await ValidateAsync(pair.AccessToken)).IsValid);
    }

    [Fact]
    public async Task Validate_JwtOfAnotherType_IsRejectedEvenWithOurKey()
    {
        var keys = _services.GetRequiredService<SigningKeyStore>();
        var now = _database.Clock.GetUtcNow().UtcDateTime;
        var idToken = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "virtualbanker",
            Audience = "virtualbanker-api",
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(5),
            TokenType = "JWT",
            Claims = new Dictionary<string, object> { ["sub"] = _user.Id.ToString() },
            SigningCredentials = new SigningCredentials(keys.Current, SecurityAlgorithms.EcdsaSha256),
        });

        Assert.False((await ValidateAsync(idToken)).IsValid);
    }

    [Fact]
    public async Task Refresh_RotatesToANewTokenAndConsumesTheOld()
    {
        var first = await IssueAsync();

        var second = await RefreshAsync(first.RefreshToken);

        Assert.NotNull(second);
        Assert.NotEqual(first.RefreshToken, second.RefreshToken);
        Assert.Equal(first.FamilyId, second.FamilyId);
        Assert.True((await ValidateAsync(second.AccessToken)).IsValid);
        Assert.NotNull(await RefreshAsync(second.RefreshToken));
    }

    [Fact]
    public async Task Refresh_OldTokenReused_AfterTheRotatedOneWasUsed_RevokesTheWholeFamily()
    {
        var first = await IssueAsync();
        var second = await RefreshAsync(first.RefreshToken);
        var third = await RefreshAsync(second!.RefreshToken);
        Assert.NotNull(third);

        var replay = await RefreshAsync(first.RefreshToken);

        Assert.Null(replay);
        Assert.Null(await RefreshAsync(third.RefreshToken));
        Assert.True(await _services.GetRequiredService<ITokenRevocationList>().IsRevokedAsync(first.FamilyId.ToString(), CancellationToken.None));
    }

    [Fact]
    public async Task Refresh_AClientThatNeverTakesTheRotatedToken_StaysSignedIn_ButItsSupersededTokenUsedByAnyone_EndsTheLogin()
    {
        var first = await IssueAsync();
        var ignored = await RefreshAsync(first.RefreshToken);

        // Contract 001's literal client presents the login's token every time: each refresh works.
        Assert.NotNull(await RefreshAsync(first.RefreshToken));
        Assert.NotNull(await RefreshAsync(first.RefreshToken));

        // The rotated token it ignored was superseded; whoever presents it has a copy: the login ends for everyone.
        Assert.Null(await RefreshAsync(ignored!.RefreshToken));
        Assert.Null(await RefreshAsync(first.RefreshToken));
        Assert.True(await _services.GetRequiredService<ITokenRevocationList>().IsRevokedAsync(first.FamilyId.ToString(), CancellationToken.None));
    }

    [Fact]
    public async Task Refresh_ExpiredOrUnknownToken_Fails()
    {
        var pair = await IssueAsync();
        Assert.Null(await RefreshAsync("not-a-token"));

        _database.Clock.Advance(TimeSpan.FromDays(15));

        Assert.Null(await RefreshAsync(pair.RefreshToken));
    }

    [Fact]
    public async Task RevokeFamily_StopsRefreshAndFlagsTheAccessToken()
    {
        var pair = await IssueAsync();
        using (var scope = _services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<TokenService>().RevokeFamilyAsync(pair.FamilyId, CancellationToken.None);
        }

        Assert.Null(await RefreshAsync(pair.RefreshToken));
        Assert.True(await _services.GetRequiredService<ITokenRevocationList>().IsRevokedAsync(pair.FamilyId.ToString(), CancellationToken.None));
    }

    [Fact]
    public async Task Store_AfterRestart_LoadsThePersistedKeyInsteadOfMakingANewOne()
    {
        var before = _services.GetRequiredService<SigningKeyStore>().Current.KeyId;
        var restarted = new SigningKeyStore(
            _services.GetRequiredService<IServiceScopeFactory>(), _services.GetRequiredService<ISecretProtector>(), _database.Clock);

        await restarted.LoadAsync(CancellationToken.None);

        Assert.Equal(before, restarted.Current.KeyId);
        using var scope = _services.CreateScope();
        Assert.Equal(1, await Db(scope).SigningKeys.CountAsync());
    }

    public void Dispose()
    {
        _services.Dispose();
        _database.Dispose();
    }

    private static VirtualBankerDbContext Db(IServiceScope scope, string? tenant = null)
    {
        if (tenant is not null)
        {
            scope.ServiceProvider.GetRequiredService<TenantContext>().UseTenant(tenant);
        }

        return scope.ServiceProvider.GetRequiredService<VirtualBankerDbContext>();
    }

    private async Task<TokenPair> IssueAsync()
    {
        using var scope = _services.CreateScope();
        Db(scope, "bank-a");
        return await scope.ServiceProvider.GetRequiredService<TokenService>().IssueAsync(_user, CancellationToken.None);
    }

    private async Task<TokenPair?> RefreshAsync(string token)
    {
        using var scope = _services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<TokenService>().RefreshAsync(token, CancellationToken.None);
    }

    private async Task<TokenValidationResult> ValidateAsync(string token)
    {
        var parameters = TokenValidation.Create(_services.GetRequiredService<IOptions<AuthOptions>>().Value, _services.GetRequiredService<SigningKeyStore>());

        // Validate against the fake clock: IdentityModel reads the wall clock, so shift its lifetime check.
        var now = _database.Clock.GetUtcNow().UtcDateTime;
        parameters.LifetimeValidator = (notBefore, expires, _, p) =>
            (notBefore is null || notBefore <= now + p.ClockSkew) && expires is not null && expires > now - p.ClockSkew;
        return await new JsonWebTokenHandler().ValidateTokenAsync(token, parameters);
    }
}
