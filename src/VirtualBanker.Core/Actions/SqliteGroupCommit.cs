using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using VirtualBanker.Core.Data;

namespace VirtualBanker.Core.Actions;

/// <summary>
/// SQLite has one writer at a time, and with synchronous=FULL every commit waits for the disk. Left to SQLite's busy
/// handler, waiting transactions poll with sleeps and the unlucky wait for seconds. Queued here they take turns in order,
/// and whoever gets the turn runs everything queued by then in one transaction on its own connection, each piece of work
/// under its own savepoint: one begin and one durable commit for many actions (group commit, as the
/// <see cref="Conversations.EventWriter"/> does for chat events). Each piece runs on its caller's own
/// <see cref="VirtualBankerDbContext"/> (its tenant, its change tracker), lent the turn's connection and transaction
/// for the time of its work. A piece that throws is rolled back to its savepoint alone and its caller gets the
/// exception; the others commit. No caller's task completes before the commit, so nothing is acknowledged before it
/// is on disk. One instance per application: this process is its database's only writer.
/// </summary>
public sealed class SqliteGroupCommit
{
    // A bound on one transaction, so a burst does not hold the write lock (and every caller in it) for long.
    private const int MaxGroup = 64;
    private const string Savepoint = "action";

    private readonly ConcurrentQueue<Turn> _queue = new();
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>
    /// Runs <paramref name="work"/> (writes through <paramref name="db"/>, saved by the work itself) in the next group's
    /// transaction, and returns its result once that transaction is committed. Not cancellable once queued: another
    /// caller may be running it on this context already.
    /// </summary>
    public async Task<T> RunAsync<T>(VirtualBankerDbContext db, Func<Task<T>> work)
    {
        var turn = new Turn(db, async () => await work());
        _queue.Enqueue(turn);
        await _gate.WaitAsync();
        try
        {
            // Another caller's group may have taken this turn while we waited: then it is done already.
            while (!turn.Done.Task.IsCompleted)
            {
                await RunGroupAsync(db);
            }
        }
        finally
        {
            _gate.Release();
        }

        return (T)(await turn.Done.Task)!;
    }

    private async Task RunGroupAsync(VirtualBankerDbContext leader)
    {
        var group = new List<Turn>(MaxGroup);
        while (group.Count < MaxGroup && _queue.TryDequeue(out var next))
        {
            group.Add(next);
        }

        var results = new object?[group.Count];
        var errors = new Exception?[group.Count];
        try
        {
            await using var transaction = await leader.Database.BeginTransactionAsync();
            for (var i = 0; i < group.Count; i++)
            {
                (results[i], errors[i]) = await RunTurnAsync(group[i], leader, transaction);
            }

            await transaction.CommitAsync();
        }
        catch (Exception ex)
        {
            // The transaction failed as a whole (the disk, the lock): nothing of the group is stored.
            foreach (var turn in group)
            {
                turn.Done.TrySetException(ex);
            }

            return;
        }

        for (var i = 0; i < group.Count; i++)
        {
            if (errors[i] is { } error)
            {
                group[i].Done.TrySetException(error);
            }
            else
            {
                group[i].Done.TrySetResult(results[i]);
            }
        }
    }

    private static async Task<(object? Result, Exception? Error)> RunTurnAsync(Turn turn, VirtualBankerDbContext leader, IDbContextTransaction transaction)
    {
        var database = turn.Db.Database;
        var ownConnectionString = database.GetConnectionString();
        var groupConnection = leader.Database.GetDbConnection();
        bool lent = false, joined = false;
        await transaction.CreateSavepointAsync(Savepoint);
        try
        {
            turn.Db.ChangeTracker.Clear();

            // Contexts made from a connection string (the server's) each have their own connection: lend them the group's.
            if (!ReferenceEquals(database.GetDbConnection(), groupConnection))
            {
                database.SetDbConnection(groupConnection);
                lent = true;
            }

            if (!ReferenceEquals(turn.Db, leader))
            {
                await database.UseTransactionAsync(transaction.GetDbTransaction());
                joined = true;
            }

            // The savepoint already undoes a failed piece; EF Core's own one per SaveChanges would be a second.
            database.AutoSavepointsEnabled = false;
            var result = await turn.Work();
            await transaction.ReleaseSavepointAsync(Savepoint);
            return (result, null);
        }
        catch (Exception ex)
        {
            await transaction.RollbackToSavepointAsync(Savepoint);
            turn.Db.ChangeTracker.Clear();
            return (null, ex);
        }
        finally
        {
            database.AutoSavepointsEnabled = true;
            if (joined)
            {
                await database.UseTransactionAsync(null);
            }

            if (lent)
            {
                // Give the context back its own connection, created afresh from its connection string when next used.
                database.SetDbConnection(null, contextOwnsConnection: true);
                database.SetConnectionString(ownConnectionString);
            }
        }
    }

    private sealed record Turn(VirtualBankerDbContext Db, Func<Task<object?>> Work)
    {
        public TaskCompletionSource<object?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
