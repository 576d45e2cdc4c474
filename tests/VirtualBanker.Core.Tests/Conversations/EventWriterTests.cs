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
        await using var services = await StartWriterAsync(database, "s-idle", "s-busy");
        var writer = services.GetRequiredService<EventWriter>();

        Assert.Equal(1, (await AppendAsync(services, "s-idle")).Sequence);
        Assert.Equal(1, writer.LastId("s-idle"));

        database.Clock.Advance(TimeSpan.FromMinutes(11));
        await AppendAsync(services, "s-busy");
        await AppendAsync(services, "s-busy");

        await SweptAsync(() => writer.LastId("s-idle") is null);
        Assert.Null(writer.LastId("s-idle"));
        Assert.Equal(2, writer.LastId("s-busy"));
        Assert.Equal(2, (await AppendAsync(services, "s-idle")).Sequence);
        await writer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task RunInput_IsTheSame_FromTheWritersMemory_AndFromTheLog()
    {
        using var database = new TestDatabase();
        await using var services = await StartWriterAsync(database, "s-long", "s-other");
        var writer = services.GetRequiredService<EventWriter>();

        // Twenty turns, each a message, a chunk and an answer (the default memory is 6 turns), then a last message.
        for (var turn = 1; turn <= 20; turn++)
        {
            await AppendAsync(services, "s-long", EventTypes.Message, $"question {turn}");
            await AppendAsync(services, "s-long", EventTypes.ChatChunk, "...");
            await AppendAsync(services, "s-long", EventTypes.ChatEnd, turn == 20 ? "" : $"answer {turn}");
        }

        var last = await AppendAsync(services, "s-long", EventTypes.Message, "and now?");
        Assert.NotNull(writer.RecentTurns("s-long", last.Sequence, 13));
        var fromMemory = await RunInputAsync(services, last.Sequence);

        // The writer forgets the idle session: the same input must now come from the database.
        database.Clock.Advance(TimeSpan.FromMinutes(11));
        await AppendAsync(services, "s-other", EventTypes.Message, "hello");
        await SweptAsync(() => writer.RecentTurns("s-long", last.Sequence, 13) is null);
        Assert.Null(writer.RecentTurns("s-long", last.Sequence, 13));
        var fromLog = await RunInputAsync(services, last.Sequence);

        string[] expected = [
            "user:question 15", "assistant:answer 15", "user:question 16", "assistant:answer 16", "user:question 17", "assistant:answer 17",
            "user:question 18", "assistant:answer 18", "user:question 19", "assistant:answer 19", "user:question 20"];
        Assert.Equal(expected, fromMemory.Memory);
        Assert.Equal(expected, fromLog.Memory);
        Assert.Equal("{\"content\":\"and now?\"}", fromMemory.Inbound);
        Assert.Equal(fromMemory.Inbound, fromLog.Inbound);
        await writer.StopAsync(CancellationToken.None);
    }

    /// <summary>
    /// The writer forgets idle sessions on its own loop just after a commit, while the commit's waiters resume
    /// on other threads: wait for the sweep (up to 5 s) instead of racing it.
    /// </summary>
    private static async Task SweptAsync(Func<bool> swept)
    {
        for (var i = 0; i < 100 && !swept(); i++)
        {
            await Task.Delay(50);
        }
    }

    /// <summary>Tenant t1 with the given sessions, and a running writer.</summary>
    private static async Task<ServiceProvider> StartWriterAsync(TestDatabase database, params string[] sessionIds)
    {
        database.AddTenants("t1");
        using (var db = database.Context("t1"))
        {
            db.Sessions.AddRange(sessionIds.Select(id => NewSession(id, database)));
            await db.SaveChangesAsync();
        }

        var services = database.Services();
        await services.GetRequiredService<EventWriter>().StartAsync(CancellationToken.None);
        return services;
    }

    private static async Task<(string? Inbound, string[] Memory)> RunInputAsync(ServiceProvider services, long sequence)
    {
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().UseTenant("t1");
        var (inbound, memory) = await scope.ServiceProvider.GetRequiredService<ConversationService>().RunInputAsync("s-long", sequence, CancellationToken.None);
        return (inbound?.Payload, [.. memory.Select(m => $"{m.Role}:{m.Text}")]);
    }

    private static async Task<ConversationEvent> AppendAsync(ServiceProvider services, string sessionId, string type, string content)
    {
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().UseTenant("t1");
        return await scope.ServiceProvider.GetRequiredService<ConversationService>()
            .AppendAsync(sessionId, type, new System.Text.Json.Nodes.JsonObject { ["content"] = content }, null, CancellationToken.None);
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
