using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Tenancy;

namespace VirtualBanker.Core.Tests.Identity;

public sealed class ApiKeyServiceTests : IDisposable
{
    private readonly TestDatabase _database = new();
    private readonly ServiceProvider _services;

    public ApiKeyServiceTests()
    {
        _services = _database.Services();
        _database.AddTenants("bank-a", "bank-b");
    }

    [Fact]
    public async Task Create_ReturnsTheSecretOnceAndStoresOnlyItsHash()
    {
        var created = await CreateAsync("bank-a", "ingest", "transactions:ingest");

        Assert.StartsWith(ApiKeyService.KeyPrefix, created.Secret, StringComparison.Ordinal);
        using var scope = _services.CreateScope();
        var db = Db(scope, "bank-a");
        var row = await db.ApiKeys.SingleAsync();
        Assert.Equal("bank-a", row.TenantId);
        Assert.Equal(32, row.SecretHash.Length);
        Assert.DoesNotContain(created.Secret[(ApiKeyService.KeyPrefix.Length + 12)..], row.Prefix, StringComparison.Ordinal);
        Assert.Equal(["transactions:ingest"], row.Scopes);
    }

    [Fact]
    public async Task Verify_TheIssuedSecret_ReturnsItsTenantAndScopes()
    {
        var created = await CreateAsync("bank-b", "ops", "admin");

        var key = await VerifyAsync(created.Secret);

        Assert.NotNull(key);
        Assert.Equal("bank-b", key.TenantId);
        Assert.Contains("admin", key.Scopes);
    }

    [Fact]
    public async Task Verify_TamperedOrMalformedSecret_Fails()
    {
        var created = await CreateAsync("bank-a", "ops");
        var last = created.Secret[^1];
        var tampered = created.Secret[..^1] + (last == 'A' ? 'B' : 'A');

        Assert.Null(await VerifyAsync(tampered));
        Assert.Null(await VerifyAsync(created.Secret[..^1]));
        Assert.Null(await VerifyAsync("vbk_' OR 1=1 --"));
        Assert.Null(await VerifyAsync(""));
    }

    [Fact]
    public async Task Revoke_MakesTheKeyFailVerification()
    {
        var created = await CreateAsync("bank-a", "ops");

        using (var scope = _services.CreateScope())
        {
            Db(scope, "bank-a");
            Assert.True(await scope.ServiceProvider.GetRequiredService<ApiKeyService>().RevokeAsync(created.Key.Id, CancellationToken.None));
        }

        Assert.Null(await VerifyAsync(created.Secret));
    }

    [Fact]
    public async Task Revoke_AnotherTenantsKey_IsNotFoundAndLeavesItWorking()
    {
        var created = await CreateAsync("bank-a", "ops");

        using (var scope = _services.CreateScope())
        {
            Db(scope, "bank-b");
            Assert.False(await scope.ServiceProvider.GetRequiredService<ApiKeyService>().RevokeAsync(created.Key.Id, CancellationToken.None));
        }

        Assert.NotNull(await VerifyAsync(created.Secret));
    }

    [Fact]
    public async Task Verify_ExpiredKey_Fails()
    {
        CreatedApiKey created;
        using (var scope = _services.CreateScope())
        {
            Db(scope, "bank-a");
            created = await scope.ServiceProvider.GetRequiredService<ApiKeyService>()
                .CreateAsync("short", [], _database.Clock.GetUtcNow().UtcDateTime.AddHours(1), null, CancellationToken.None);
        }

        Assert.NotNull(await VerifyAsync(created.Secret));
        _database.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Null(await VerifyAsync(created.Secret));
    }

    public void Dispose()
    {
        _services.Dispose();
        _database.Dispose();
    }

    private static VirtualBankerDbContext Db(IServiceScope scope, string tenant)
    {
        scope.ServiceProvider.GetRequiredService<TenantContext>().UseTenant(tenant);
        return scope.ServiceProvider.GetRequiredService<VirtualBankerDbContext>();
    }

    private async Task<CreatedApiKey> CreateAsync(string tenant, string label, params string[] scopes)
    {
        using var scope = _services.CreateScope();
        Db(scope, tenant);
        return await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync(label, scopes, null, null, CancellationToken.None);
    }

    private async Task<ApiKey?> VerifyAsync(string secret)
    {
        using var scope = _services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<ApiKeyService>().VerifyAsync(secret, CancellationToken.None);
    }
}
