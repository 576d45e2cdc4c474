using Microsoft.Extensions.DependencyInjection;
using VirtualBanker.Core.Conversations;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Sessions;
using VirtualBanker.Core.Tenancy;

namespace VirtualBanker.Core.Tests.Conversations;

public sealed class EventWriterTests
{
    [Fact]
    public async Task IdleSessions_AreForgotten_AndContinueTheirIdsFromTheDatabase()
    {
        using var database = new TestDatabase();
        database.AddTenants("t1");
        using (var db = database.Context("t1"))
        {
            db.Sessions.AddRange(NewSession("s-idle", database), NewSession("s-busy", database));
            await db.SaveChangesAsync();
        }

        await using var services = database.Services();
        var writer = services.GetRequiredService<EventWriter>();
        await writer.StartAsync(CancellationToken.None);

        Assert.Equal(1, (await AppendAsync(services, "s-idle")).Sequence);
        Assert.Equal(1, writer.LastId("s-idle"));

        database.Clock.Advance(TimeSpan.FromMinutes(11));
        await AppendAsync(services, "s-busy");
        await AppendAsync(services, "s-busy");

        Assert.Null(writer.LastId("s-idle"));
        Assert.Equal(2, writer.LastId("s-busy"));
        Assert.Equal(2, (await AppendAsync(services, "s-idle")).Sequence);
        await writer.StopAsync(CancellationToken.None);
    }

    private static async Task<ConversationEvent> AppendAsync(ServiceProvider services, string sessionId)
    {
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().UseTenant("t1");
        var db = scope.ServiceProvider.GetRequiredService<VirtualBankerDbContext>();
        var e = new ConversationEvent { TenantId = "t1", SessionId = sessionId, Type = EventTypes.Message, Payload = "{}" };
        return await scope.ServiceProvider.GetRequiredService<EventWriter>().AppendAsync(db, e, waitForCommit: true, CancellationToken.None);
    }

    private static Session NewSession(string id, TestDatabase database) =>
        new() { Id = id, CreatedAt = database.Clock.GetUtcNow().UtcDateTime, ExpiresAt = database.Clock.GetUtcNow().UtcDateTime.AddHours(1) };
}
