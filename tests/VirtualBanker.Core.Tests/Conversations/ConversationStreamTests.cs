using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VirtualBanker.Core.Conversations;
using VirtualBanker.Core.Tenancy;

namespace VirtualBanker.Core.Tests.Conversations;

/// <summary>The pushed stream a socket follows: stored events, then live ones, in order and once each; a follower that stops taking is dropped.</summary>
public sealed class ConversationStreamTests
{
    [Fact]
    public async Task Follow_SendsStoredEvents_ThenLiveOnes_InOrder_OnceEach()
    {
        using var database = new TestDatabase();
        await using var services = await StartAsync(database);
        await AppendAsync(services, "first");
        await AppendAsync(services, "second");

        var sent = new List<long>();
        using var follower = services.GetRequiredService<ConversationStream>().Follow("t1", "s1", 0, e =>
        {
            lock (sent)
            {
                sent.Add(e.Sequence);
            }

            return Task.CompletedTask;
        }, reason => Assert.Fail($"ended: {reason}"), CancellationToken.None);
        await UntilAsync(() => Count(sent) == 2);

        var third = await AppendAsync(services, "third");
        await UntilAsync(() => Count(sent) == 3);

        // A live event the follower has already sent (relayed twice, say) is not sent again.
        services.GetRequiredService<ConversationFeed>().Deliver(third);
        await AppendAsync(services, "fourth");
        await UntilAsync(() => Count(sent) == 4);
        lock (sent)
        {
            Assert.Equal([1L, 2, 3, 4], sent);
        }
    }

    [Fact]
    public async Task Follow_DropsAFollowerThatStopsTaking_InsteadOfQueueingWithoutEnd()
    {
        using var database = new TestDatabase();
        await using var services = await StartAsync(database);
        var feed = services.GetRequiredService<ConversationFeed>();
        var buffer = services.GetRequiredService<IOptions<ConversationOptions>>().Value.SubscriberBuffer;

        var stuck = new TaskCompletionSource();
        var started = 0;
        var ended = new List<Exception>();
        using var follower = services.GetRequiredService<ConversationStream>().Follow("t1", "s1", 0, _ =>
        {
            Interlocked.Increment(ref started);
            return stuck.Task; // a client that never reads: the first send never completes
        }, reason =>
        {
            lock (ended)
            {
                ended.Add(reason);
            }
        }, CancellationToken.None);

        feed.Deliver(Live(1));
        await UntilAsync(() => Volatile.Read(ref started) == 1);
        for (var sequence = 2; sequence <= buffer + 2; sequence++)
        {
            feed.Deliver(Live(sequence));
        }

        lock (ended)
        {
            Assert.IsType<SubscriberOverflowException>(Assert.Single(ended));
        }

        // Dropped: later events are not even queued, and ending it again (dispose) reports nothing more.
        feed.Deliver(Live(buffer + 3));
        follower.Dispose();
        lock (ended)
        {
            Assert.Single(ended);
        }

        Assert.Equal(1, Volatile.Read(ref started));
        stuck.SetResult();
    }

    private static ConversationEvent Live(long sequence) =>
        new() { TenantId = "t1", SessionId = "s1", Type = EventTypes.ChatChunk, Payload = "{}", Sequence = sequence };

    private static int Count(List<long> sent)
    {
        lock (sent)
        {
            return sent.Count;
        }
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(25);
        }

        Assert.True(condition());
    }

    private static async Task<ServiceProvider> StartAsync(TestDatabase database)
    {
        database.AddTenants("t1");
        using (var db = database.Context("t1"))
        {
            var now = database.Clock.GetUtcNow().UtcDateTime;
            db.Sessions.Add(new() { Id = "s1", CreatedAt = now, ExpiresAt = now.AddHours(1) });
            await db.SaveChangesAsync();
        }

        var services = database.Services();
        await services.GetRequiredService<EventWriter>().StartAsync(CancellationToken.None);
        return services;
    }

    private static async Task<ConversationEvent> AppendAsync(ServiceProvider services, string content)
    {
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().UseTenant("t1");
        return await scope.ServiceProvider.GetRequiredService<ConversationService>()
            .AppendAsync("s1", EventTypes.ChatChunk, new System.Text.Json.Nodes.JsonObject { ["content"] = content }, null, CancellationToken.None);
    }
}
