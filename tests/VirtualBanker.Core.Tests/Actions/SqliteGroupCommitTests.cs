using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using VirtualBanker.Core.Actions;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Tenancy;
using VirtualBanker.Data.Sqlite;

namespace VirtualBanker.Core.Tests.Actions;

/// <summary>
/// Group commit on a SQLite file, each caller with its own context and connection, as the server's requests have: what
/// queues while a group runs is committed together in the next one, a failing piece leaves nothing, and every context
/// works on its own afterwards.
/// </summary>
public sealed class SqliteGroupCommitTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"vb-group-commit-{Guid.NewGuid():N}.db");
    private readonly List<VirtualBankerDbContext> _contexts = [];

    public SqliteGroupCommitTests()
    {
        using var db = NewContext();
        db.Database.Migrate();
    }

    [Fact]
    public async Task PiecesQueuedWhileAGroupRuns_CommitTogether_AndAFailingPieceLeavesNothing()
    {
        var groupCommit = new SqliteGroupCommit();
        var firstRunning = new TaskCompletionSource();
        var releaseFirst = new TaskCompletionSource();
        var firstDb = Context();
        var first = groupCommit.RunAsync(firstDb, async () =>
        {
            firstRunning.SetResult();
            await releaseFirst.Task;
            return await AddTenantAsync(firstDb, "first");
        });
        await firstRunning.Task;

        // Queued while the first group holds the turn: they are the next group, in one transaction.
        var transactions = new DbTransaction?[3];
        var queued = new[] { "a", "fails", "c" }.Select((id, i) =>
        {
            var db = Context();
            return groupCommit.RunAsync(db, async () =>
            {
                transactions[i] = db.Database.CurrentTransaction?.GetDbTransaction();
                var saved = await AddTenantAsync(db, id);
                return id == "fails" ? throw new InvalidOperationException("refused after writing") : saved;
            });
        }).ToArray();
        Assert.All(queued, t => Assert.False(t.IsCompleted));
        releaseFirst.SetResult();

        Assert.Equal("first", await first);
        Assert.Equal("a", await queued[0]);
        await Assert.ThrowsAsync<InvalidOperationException>(() => queued[1]);
        Assert.Equal("c", await queued[2]);
        Assert.NotNull(transactions[0]);
        Assert.All(transactions, t => Assert.Same(transactions[0], t));

        // Stored: everything but the failed piece's row. Every context reads and writes on its own again.
        await using var reader = NewContext();
        Assert.Equal(["a", "c", "first"], await reader.Tenants.Select(t => t.Id).OrderBy(id => id).ToListAsync());
        foreach (var db in _contexts)
        {
            Assert.Null(db.Database.CurrentTransaction);
            Assert.Equal(3, await db.Tenants.CountAsync());
        }

        Assert.Equal("again", await groupCommit.RunAsync(_contexts[1], () => AddTenantAsync(_contexts[1], "again")));
        Assert.Equal(4, await reader.Tenants.CountAsync());
    }

    private static async Task<string> AddTenantAsync(VirtualBankerDbContext db, string id)
    {
        db.Tenants.Add(new Tenant { Id = id, Name = id });
        await db.SaveChangesAsync();
        return id;
    }

    /// <summary>A context with its own connection string (and so its own connection), in the system scope (tenants are system rows).</summary>
    private VirtualBankerDbContext Context()
    {
        var db = NewContext();
        _contexts.Add(db);
        return db;
    }

    private VirtualBankerDbContext NewContext()
    {
        var tenant = new TenantContext(AnonymousPrincipal.Instance);
        tenant.BeginSystemScope();
        var options = new DbContextOptionsBuilder<VirtualBankerDbContext>()
            .UseSqlite($"Data Source={_path};Pooling=False", SqliteProvider.Configure)
            .AddInterceptors(new TenantSaveChangesInterceptor())
            .Options;
        return new VirtualBankerDbContext(options).For(tenant);
    }

    public void Dispose()
    {
        _contexts.ForEach(db => db.Dispose());
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }
    }
}
