using Microsoft.Extensions.DependencyInjection;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Staff;
using VirtualBanker.Core.Tenancy;

namespace VirtualBanker.Core.Tests.Staff;

public sealed class TicketDeskTests
{
    [Fact]
    public async Task OpenAsync_DrawsTheReferenceAgain_WhenAnotherTicketHoldsIt()
    {
        using var database = new TestDatabase();
        database.AddTenants("demo-bank");
        await using var services = database.Services();
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().UseTenant("demo-bank");
        var db = scope.ServiceProvider.GetRequiredService<VirtualBankerDbContext>();
        var user = new User { Email = "pat@bankbot.dev", Name = "Pat", CreatedAt = database.Clock.GetUtcNow().UtcDateTime };
        db.Users.Add(user);
        await db.SaveChangesAsync();

        var draws = new Queue<string>(["DB-AAAAAAA", "DB-AAAAAAA", "DB-AAAAAAA", "DB-BBBBBBB"]);
        var desk = new TicketDesk(db, scope.ServiceProvider.GetRequiredService<StaffQueue>(), database.Clock) { NewReference = _ => draws.Dequeue() };

        var first = await desk.OpenAsync(user.Id, null, "Lost card", "", "high", CancellationToken.None);
        var second = await desk.OpenAsync(user.Id, null, "Address change", "", "normal", CancellationToken.None);

        Assert.Equal("DB-AAAAAAA", first.Reference);
        Assert.Equal("DB-BBBBBBB", second.Reference);
        Assert.Empty(draws);
        Assert.Equal(["DB-AAAAAAA", "DB-BBBBBBB"], db.Tickets.Select(t => t.Reference).Order().ToList());
    }
}
