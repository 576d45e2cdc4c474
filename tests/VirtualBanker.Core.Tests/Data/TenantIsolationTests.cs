using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VirtualBanker.Core.Banking;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Errors;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Tenancy;

namespace VirtualBanker.Core.Tests.Data;

public sealed class TenantIsolationTests : IDisposable
{
    private readonly TestDatabase _database = new();
    private readonly Guid _userA;
    private readonly Guid _userB;

    public TenantIsolationTests()
    {
        _database.AddTenants("bank-a", "bank-b");
        _userA = AddUserWithNotification("bank-a", "a@a.test");
        _userB = AddUserWithNotification("bank-b", "b@b.test");
    }

    [Fact]
    public async Task Query_AsTenantA_NeverReturnsTenantBRows()
    {
        using var db = _database.Context("bank-a");

        Assert.Equal([_userA], await db.Users.Select(u => u.Id).ToListAsync());
        Assert.All(await db.Notifications.ToListAsync(), n => Assert.Equal("bank-a", n.TenantId));
        Assert.Null(await db.Users.FirstOrDefaultAsync(u => u.Id == _userB));
        Assert.Null(await db.Notifications.FirstOrDefaultAsync(n => n.UserId == _userB));
    }

    [Fact]
    public async Task Query_WithoutAnyTenant_ReturnsNothing()
    {
        using var db = _database.Context();

        Assert.Empty(await db.Users.ToListAsync());
        Assert.Empty(await db.Notifications.ToListAsync());
    }

    [Fact]
    public async Task Insert_ForTenantBWhileActingAsA_IsRefused()
    {
        using var db = _database.Context("bank-a");
        db.Notifications.Add(new Notification { TenantId = "bank-b", UserId = _userB, Title = "x", Message = "y" });

        await Assert.ThrowsAsync<TenantIsolationException>(() => db.SaveChangesAsync());

        using var system = _database.Context(out var tenant);
        using var scope = tenant.BeginSystemScope();
        Assert.Equal(1, await system.Notifications.CountAsync(n => n.TenantId == "bank-b"));
    }

    [Fact]
    public async Task Insert_WithoutTenantId_IsStampedWithTheCurrentTenant()
    {
        using (var db = _database.Context("bank-a"))
        {
            db.Notifications.Add(new Notification { UserId = _userA, Title = "stamped", Message = "m" });
            await db.SaveChangesAsync();
        }

        using var check = _database.Context("bank-a");
        Assert.Equal("bank-a", (await check.Notifications.SingleAsync(n => n.Title == "stamped")).TenantId);
    }

    [Fact]
    public async Task Insert_WithoutTenantAndOutsideAnyTenant_IsRefused()
    {
        using var db = _database.Context();
        db.Notifications.Add(new Notification { UserId = _userA, Title = "orphan", Message = "m" });

        await Assert.ThrowsAsync<TenantIsolationException>(() => db.SaveChangesAsync());
    }

    [Fact]
    public async Task Update_MovingARowToAnotherTenant_IsRefused()
    {
        using var db = _database.Context("bank-a");
        var notification = await db.Notifications.FirstAsync();
        notification.TenantId = "bank-b";

        await Assert.ThrowsAsync<TenantIsolationException>(() => db.SaveChangesAsync());
    }

    [Fact]
    public async Task Delete_AttachedRowOfAnotherTenant_IsRefused()
    {
        Guid foreignId;
        using (var system = _database.Context(out var tenant))
        using (tenant.BeginSystemScope())
        {
            foreignId = (await system.Notifications.FirstAsync(n => n.TenantId == "bank-b")).Id;
        }

        using var db = _database.Context("bank-a");
        db.Notifications.Remove(new Notification { Id = foreignId, TenantId = "bank-b", UserId = _userB, Title = "", Message = "" });

        await Assert.ThrowsAsync<TenantIsolationException>(() => db.SaveChangesAsync());
    }

    [Fact]
    public async Task PooledContext_TakesTheTenantOfEachScope_NotTheOneBefore()
    {
        await using var services = _database.Services();
        VirtualBankerDbContext first;
        await using (var scope = services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<TenantContext>().UseTenant("bank-a");
            first = scope.ServiceProvider.GetRequiredService<VirtualBankerDbContext>();
            Assert.Equal([_userA], await first.Users.Select(u => u.Id).ToListAsync());
        }

        await using (var scope = services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<TenantContext>().UseTenant("bank-b");
            var second = scope.ServiceProvider.GetRequiredService<VirtualBankerDbContext>();
            Assert.Same(first, second); // the pool handed back the same instance: this is the case under test
            Assert.Equal([_userB], await second.Users.Select(u => u.Id).ToListAsync());
        }
    }

    [Fact]
    public async Task ContextNotBoundToATenantScope_RefusesToQuery()
    {
        await using var services = _database.Services();
        await using var db = await services.GetRequiredService<IDbContextFactory<VirtualBankerDbContext>>().CreateDbContextAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => db.Users.ToListAsync());
    }

    public void Dispose() => _database.Dispose();

    private Guid AddUserWithNotification(string tenant, string email)
    {
        using var db = _database.Context(tenant);
        var user = new User { Email = email, Name = email };
        db.Users.Add(user);
        db.Notifications.Add(new Notification { UserId = user.Id, Title = "Hello", Message = tenant });
        db.SaveChanges();
        return user.Id;
    }
}
