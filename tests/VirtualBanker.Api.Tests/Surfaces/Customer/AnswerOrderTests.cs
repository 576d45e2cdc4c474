using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VirtualBanker.Core.Conversations;
using VirtualBanker.Core.Data;

namespace VirtualBanker.Api.Tests.Surfaces.Customer;

/// <summary>
/// On one node a run is handed over while its message is still being stored (the commit overlaps the run's
/// preparation); it must still answer nothing until the message is on disk.
/// </summary>
public sealed class AnswerOrderTests(SqliteFactory factory) : IClassFixture<SqliteFactory>
{
    [Fact]
    public async Task WebSocket_NothingAnswersAMessage_BeforeItIsStored()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var socket = await ChatTests.Connect(factory, fixture.AccessToken);
        await ChatTests.SendAsync(socket, new { type = "chat", message = "hello" }); // the chat session now exists
        await ChatTests.ReceiveUntilAsync(socket, "chat_end");
        string connectionString;
        using (var scope = factory.Services.CreateScope())
        {
            connectionString = scope.ServiceProvider.GetRequiredService<VirtualBankerDbContext>().Database.GetConnectionString()!;
        }

        // Another connection holds SQLite's write lock: the event writer's commits wait for it.
        await using var blocker = new SqliteConnection(connectionString);
        await blocker.OpenAsync();
        using var transaction = blocker.BeginTransaction(deferred: false);

        await ChatTests.SendAsync(socket, new { type = "chat", message = "What is my balance?" });
        var first = ChatTests.ReceiveAsync(socket);
        var early = await Task.WhenAny(first, Task.Delay(TimeSpan.FromSeconds(1)));
        Assert.NotSame(first, early);

        transaction.Commit();
        var start = await first;
        Assert.Equal("chat_start", start["type"]!.GetValue<string>());
        var rest = await ChatTests.ReceiveUntilAsync(socket, "chat_end");
        Assert.StartsWith("Your total balance is $5,800.00.", rest[^1]["content"]!.GetValue<string>(), StringComparison.Ordinal);
        using (var scope = factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VirtualBankerDbContext>();
            var question = await db.ConversationEvents.IgnoreQueryFilters().AsNoTracking()
                .SingleAsync(e => e.Type == EventTypes.Message && e.Payload.Contains("What is my balance?"));
            Assert.Equal(start["reply_to"]!.GetValue<long>(), question.Sequence);
        }
    }
}
