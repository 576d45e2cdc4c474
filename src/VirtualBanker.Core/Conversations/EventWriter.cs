using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Tenancy;

namespace VirtualBanker.Core.Conversations;

/// <summary>
/// Gives every conversation event its per-session id and stores it. Ids are assigned under a per-session
/// lock, counted in memory (scaled out: by the <see cref="ISharedEventSequence"/> all nodes share), and
/// the event is published to live streams at once; a single writer loop then group-commits whatever is pending, across all sessions, in one transaction. One fsync then covers
/// many events instead of one each, which is what keeps time-to-first-chunk low under load. Callers
/// that must not acknowledge before the event is on disk (an inbound message) wait for its commit; a
/// run waits for all its events at its end. Until committed, events stay readable from memory, so a
/// reconnecting client never misses one. New sessions opened at a high rate (portal sessions) join the
/// same commits, so there is one writer for the hot inserts and SQLite's single write lock is never contended.
/// </summary>
public sealed partial class EventWriter(
    IServiceScopeFactory scopes,
    ConversationFeed feed,
    IEnumerable<ISharedEventSequence> sharedSequence,
    IOptions<ConversationOptions> options,
    TimeProvider clock,
    ILogger<EventWriter> logger) : BackgroundService
{
    private readonly ISharedEventSequence? _sharedSequence = sharedSequence.FirstOrDefault();
    private readonly ConcurrentDictionary<string, SessionLog> _sessions = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _signal = new(0);
    private readonly ConcurrentQueue<Pending> _queue = new();
    private static readonly TimeSpan IdleAfter = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan SweepEvery = TimeSpan.FromMinutes(1);
    private DateTimeOffset _lastSweep = DateTimeOffset.MinValue;

    // Enough recent turns for a run's memory, its inbound message, and a message or two sent during the run.
    private readonly int _turnsKept = (options.Value.MemoryTurns * 2) + 4;

    /// <summary><see cref="QueueAsync"/>, and with <paramref name="waitForCommit"/> returns only once the event is stored.</summary>
    public async Task<ConversationEvent> AppendAsync(VirtualBankerDbContext db, ConversationEvent e, bool waitForCommit, CancellationToken cancellationToken)
    {
        var stored = await QueueAsync(db, e, cancellationToken);
        if (waitForCommit)
        {
            await stored.WaitAsync(cancellationToken);
        }

        return e;
    }

    /// <summary>
    /// Assigns the next id of the session, publishes the event live and queues it for storage. Returns once
    /// queued, with the task of its commit.
    /// </summary>
    public async Task<Task> QueueAsync(VirtualBankerDbContext db, ConversationEvent e, CancellationToken cancellationToken)
    {
        Pending pending;
        while (true)
        {
            var log = _sessions.GetOrAdd(e.SessionId, _ => new SessionLog { LastUsed = clock.GetUtcNow() });
            await log.Gate.WaitAsync(cancellationToken);
            try
            {
                if (log.Evicted)
                {
                    continue; // swept while we waited: take the fresh entry
                }

                if (_sharedSequence is not null)
                {
                    // Several nodes write this log: the id comes from the shared counter.
                    log.LastId = await _sharedSequence.NextAsync(e.SessionId, ct => StoredLastIdAsync(db, e.SessionId, ct), cancellationToken);
                }
                else if (log.LastId < 0)
                {
                    // First event of this session in this process: continue from what is stored.
                    log.LastId = await StoredLastIdAsync(db, e.SessionId, cancellationToken) + 1;
                    log.SeenAllTurns = log.LastId == 1;
                }
                else
                {
                    log.LastId++;
                }

                e.Sequence = log.LastId;
                log.LastUsed = clock.GetUtcNow();
                if (e.Type is EventTypes.Message or EventTypes.ChatEnd)
                {
                    log.SeenAllTurns &= log.Turns.Length < _turnsKept; // about to drop the oldest
                    log.Turns = [.. log.Turns.Skip(log.Turns.Length + 1 - _turnsKept), e];
                }

                pending = new Pending(e, null);
                log.Uncommitted[e.Sequence] = pending;
                _queue.Enqueue(pending);
                feed.Publish(e);
                break;
            }
            finally
            {
                log.Gate.Release();
            }
        }

        _signal.Release();
        return pending.Committed.Task;
    }

    /// <summary>Stores a new session in the next group commit and returns once it is on disk.</summary>
    public async Task CreateSessionAsync(Sessions.Session session, CancellationToken cancellationToken)
    {
        var pending = new Pending(null, session);
        _queue.Enqueue(pending);
        _signal.Release();
        await pending.Committed.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Waits until everything queued so far for the session is stored.</summary>
    public Task FlushAsync(string sessionId, CancellationToken cancellationToken) =>
        _sessions.TryGetValue(sessionId, out var log)
            ? Task.WhenAll(log.Uncommitted.Values.Select(p => p.Committed.Task)).WaitAsync(cancellationToken)
            : Task.CompletedTask;

    /// <summary>Events of the session not stored yet, after <paramref name="afterSequence"/>.</summary>
    public IReadOnlyList<ConversationEvent> Uncommitted(string sessionId, long afterSequence) =>
        _sessions.TryGetValue(sessionId, out var log)
            ? [.. log.Uncommitted.Values.Select(p => p.Event!).Where(e => e.Sequence > afterSequence).OrderBy(e => e.Sequence)]
            : [];

    /// <summary>
    /// The session's last <paramref name="count"/> messages and answers up to id <paramref name="upTo"/>,
    /// from memory; null when this process may not have seen them all: it started or forgot the session since
    /// they were written, or other nodes write this session too (scaled out). Saves an agent run two queries.
    /// </summary>
    public IReadOnlyList<ConversationEvent>? RecentTurns(string sessionId, long upTo, int count)
    {
        if (_sharedSequence is not null || !_sessions.TryGetValue(sessionId, out var log))
        {
            return null;
        }

        var turns = log.Turns.Where(e => e.Sequence <= upTo).ToList();
        return log.SeenAllTurns || turns.Count >= count ? turns[Math.Max(0, turns.Count - count)..] : null;
    }

    /// <summary>Scaled out: the last id any node gave out for the session (its event may not be stored yet). Null on one node.</summary>
    public async ValueTask<long?> LastIdAnywhereAsync(string sessionId) => _sharedSequence is null ? null : await _sharedSequence.LastAsync(sessionId);

    /// <summary>The session's last assigned id in this process, or null when it has not appended here.</summary>
    public long? LastId(string sessionId) => _sessions.TryGetValue(sessionId, out var log) && log.LastId >= 0 ? log.LastId : null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _signal.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            await CommitPendingAsync(CancellationToken.None);
            SweepIdleSessions();
        }

        // Shutting down: store what is left.
        await CommitPendingAsync(CancellationToken.None);
    }

    /// <summary>
    /// Forgets sessions idle for <see cref="IdleAfter"/> with everything stored, so memory follows the active
    /// sessions, not all sessions ever. A forgotten session that speaks again reloads its last id from the database.
    /// </summary>
    private void SweepIdleSessions()
    {
        var now = clock.GetUtcNow();
        if (now - _lastSweep < SweepEvery)
        {
            return;
        }

        _lastSweep = now;
        foreach (var (sessionId, log) in _sessions)
        {
            if (now - log.LastUsed < IdleAfter || !log.Uncommitted.IsEmpty || !log.Gate.Wait(0))
            {
                continue;
            }

            try
            {
                if (log.Uncommitted.IsEmpty)
                {
                    log.Evicted = true;
                    _sessions.TryRemove(KeyValuePair.Create(sessionId, log));
                }
            }
            finally
            {
                log.Gate.Release();
            }
        }
    }

    private async Task CommitPendingAsync(CancellationToken cancellationToken)
    {
        var batch = new List<Pending>();
        while (batch.Count < 5000 && _queue.TryPeek(out var next))
        {
            batch.Add(next);
            _queue.TryDequeue(out _);
        }

        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            await StoreAsync(batch, cancellationToken);
            Complete(batch, null);
        }
        catch (Exception ex) when (batch.Count > 1)
        {
            // One bad event must not sink the others: store them one by one.
            LogBatchFailed(logger, batch.Count, ex);
            foreach (var pending in batch)
            {
                try
                {
                    await StoreAsync([pending], cancellationToken);
                    Complete([pending], null);
                }
                catch (Exception single)
                {
                    Complete([pending], single);
                }
            }
        }
        catch (Exception ex)
        {
            Complete(batch, ex);
        }
    }

    private async Task StoreAsync(List<Pending> batch, CancellationToken cancellationToken)
    {
        var events = batch.Where(p => p.Event is not null).Select(p => p.Event!).ToList();
        var sessions = batch.Where(p => p.NewSession is not null).Select(p => p.NewSession!).ToList();
        await using var scope = scopes.CreateAsyncScope();
        var tenant = scope.ServiceProvider.GetRequiredService<TenantContext>();
        using var system = tenant.BeginSystemScope();
        var db = scope.ServiceProvider.GetRequiredService<VirtualBankerDbContext>();
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (sessions.Count > 0)
            {
                db.Sessions.AddRange(sessions.Select(Copy));
                await db.SaveChangesAsync(cancellationToken);
            }

            await InsertEventsAsync(db, events, cancellationToken);
            await AdvanceLastEventIdsAsync(db, events, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        });
    }

    /// <summary>
    /// Events go in as plain INSERTs (the same SQL on SQLite and PostgreSQL), not through SaveChanges: EF
    /// would read every generated <see cref="ConversationEvent.Id"/> back, one RETURNING row each, and build
    /// its change-tracking entries, and nothing here needs either. That was a fifth of the server's CPU under
    /// chat load. PostgreSQL is a round trip away, so it gets up to 100 rows a statement. SQLite runs in
    /// process and gets one row a statement, prepared once and run for each row: it finds a named parameter
    /// by a linear scan, so binding a statement's n parameters costs n², and every batch size was new SQL to
    /// parse (together a twentieth of the server's CPU under chat load).
    /// </summary>
    private static async Task InsertEventsAsync(VirtualBankerDbContext db, List<ConversationEvent> events, CancellationToken cancellationToken)
    {
        var rowsPerStatement = db.Database.ProviderName == "Microsoft.EntityFrameworkCore.Sqlite" ? 1 : 100;
        DbCommand? command = null;
        try
        {
            foreach (var chunk in events.Chunk(rowsPerStatement))
            {
                if (command?.Parameters.Count != chunk.Length * EventParameters.Length)
                {
                    if (command is not null)
                    {
                        await command.DisposeAsync();
                    }

                    command = InsertCommand(db, chunk.Length);
                }

                var parameters = command.Parameters;
                for (var i = 0; i < chunk.Length; i++)
                {
                    var e = chunk[i];
                    var at = i * EventParameters.Length;
                    parameters[at].Value = e.TenantId;
                    parameters[at + 1].Value = e.SessionId;
                    parameters[at + 2].Value = e.Sequence;
                    parameters[at + 3].Value = e.Type;
                    parameters[at + 4].Value = e.Payload;
                    parameters[at + 5].Value = (object?)e.IdempotencyKey ?? DBNull.Value;
                    parameters[at + 6].Value = e.CreatedAt;
                }

                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        finally
        {
            if (command is not null)
            {
                await command.DisposeAsync();
            }
        }
    }

    // One parameter letter per column, in the INSERT's column order (tenant, session, sequence, type, payload,
    // idempotency key, created): the SQL's placeholders and the command's parameters are both made from it.
    private const string EventParameters = "tsqypkc";

    /// <summary>An INSERT of <paramref name="rows"/> events, its parameters in column order, row by row.</summary>
    private static DbCommand InsertCommand(VirtualBankerDbContext db, int rows)
    {
        var command = Command(db);
        var sql = new System.Text.StringBuilder(
            """INSERT INTO "ConversationEvents" ("TenantId", "SessionId", "Sequence", "Type", "Payload", "IdempotencyKey", "CreatedAt") VALUES """);
        for (var i = 0; i < rows; i++)
        {
            sql.Append(i == 0 ? "(" : ", (");
            foreach (var (column, letter) in EventParameters.Index())
            {
                var name = string.Create(CultureInfo.InvariantCulture, $"{letter}{i}");
                sql.Append(column == 0 ? "@" : ", @").Append(name);
                Add(command, name, null);
            }

            sql.Append(')');
        }

        command.CommandText = sql.ToString();
        return command;
    }

    /// <summary>Each session's <see cref="Sessions.Session.LastEventId"/> moves to its highest stored id, never back.</summary>
    private static async Task AdvanceLastEventIdsAsync(VirtualBankerDbContext db, List<ConversationEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return;
        }

        await using var command = Command(db);
        command.CommandText = """UPDATE "Sessions" SET "LastEventId" = @last WHERE "Id" = @id AND "LastEventId" < @last""";
        var last = Add(command, "last", 0L);
        var id = Add(command, "id", "");
        foreach (var session in events.GroupBy(e => e.SessionId))
        {
            id.Value = session.Key;
            last.Value = session.Max(e => e.Sequence);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static DbCommand Command(VirtualBankerDbContext db)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        return command;
    }

    private static DbParameter Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }

    private void Complete(IEnumerable<Pending> done, Exception? error)
    {
        foreach (var pending in done)
        {
            if (pending.Event is { } e && _sessions.TryGetValue(e.SessionId, out var log))
            {
                log.Uncommitted.TryRemove(e.Sequence, out _);
            }

            if (error is null)
            {
                pending.Committed.TrySetResult();
            }
            else
            {
                pending.Committed.TrySetException(error);
            }
        }
    }

    private static Task<long> StoredLastIdAsync(VirtualBankerDbContext db, string sessionId, CancellationToken cancellationToken) =>
        db.Sessions.Where(s => s.Id == sessionId).Select(s => s.LastEventId).FirstAsync(cancellationToken);

    // A fresh entity per attempt: a failed SaveChanges leaves the tracked instances in a state EF would reuse.
    private static Sessions.Session Copy(Sessions.Session s) => new()
    {
        Id = s.Id,
        TenantId = s.TenantId,
        UserId = s.UserId,
        AgentId = s.AgentId,
        ExternalUserId = s.ExternalUserId,
        PortalContext = new Dictionary<string, string>(s.PortalContext, StringComparer.Ordinal),
        Status = s.Status,
        ConsentRequired = s.ConsentRequired,
        ConsentGivenAt = s.ConsentGivenAt,
        CreatedAt = s.CreatedAt,
        ExpiresAt = s.ExpiresAt,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storing a batch of {Count} conversation events and sessions failed; storing them one by one")]
    private static partial void LogBatchFailed(ILogger logger, int count, Exception exception);

    internal sealed class SessionLog
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public long LastId { get; set; } = -1;

        public DateTimeOffset LastUsed { get; set; }

        /// <summary>The latest messages and answers, oldest first; replaced (never changed) under <see cref="Gate"/>.</summary>
        public ConversationEvent[] Turns { get; set; } = [];

        /// <summary>The session had no events when this process started writing it, and <see cref="Turns"/> has dropped none since.</summary>
        public bool SeenAllTurns { get; set; }

        /// <summary>Set, under <see cref="Gate"/>, when the sweep removed this entry; appenders then take a fresh one.</summary>
        public bool Evicted { get; set; }

        public ConcurrentDictionary<long, Pending> Uncommitted { get; } = new();
    }

    /// <summary>One queued write: an event, or a new session.</summary>
    internal sealed record Pending(ConversationEvent? Event, Sessions.Session? NewSession)
    {
        public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
