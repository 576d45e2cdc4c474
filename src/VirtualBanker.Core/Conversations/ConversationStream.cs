using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Tenancy;

namespace VirtualBanker.Core.Conversations;

/// <summary>
/// The resumable stream of a session's events, for every channel that forwards them (sockets, SSE, the
/// one-response channels). A singleton that opens a scope only for each read: a stream lives as long as
/// its connection, and a DbContext held all that time (with its SQLite connection and EF's own scope,
/// about 25 KiB) would be most of what an idle socket costs.
/// </summary>
public sealed class ConversationStream(ConversationFeed feed, EventWriter writer, TimeProvider clock, IServiceScopeFactory scopes)
{
    /// <summary>
    /// A session's events after <paramref name="afterSequence"/>: the stored ones first, then live ones
    /// as they are appended, without gaps or repeats. This is what makes a reconnect lose nothing.
    /// </summary>
    public async IAsyncEnumerable<ConversationEvent> StreamAsync(string tenantId, string sessionId, long afterSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var subscription = feed.Subscribe(sessionId);
        var last = afterSequence;
        foreach (var e in await CatchUpAsync(tenantId, sessionId, afterSequence, cancellationToken))
        {
            last = e.Sequence;
            yield return e;
        }

        await foreach (var live in subscription.Reader.ReadAllAsync(cancellationToken))
        {
            foreach (var e in await InOrderAsync(tenantId, sessionId, last, live, cancellationToken))
            {
                last = e.Sequence;
                yield return e;
            }
        }
    }

    /// <summary>
    /// The same events as <see cref="StreamAsync"/>, pushed to <paramref name="send"/> one at a time, in order.
    /// Nothing waits while no event comes: an idle follower is one small object, not a pending read with its
    /// buffer and state machines (about 1.7 KiB for each of thousands of idle sockets). <paramref name="ended"/>
    /// gets why it stopped unless it was disposed: <see cref="SubscriberOverflowException"/>,
    /// <see cref="SessionClosedException"/>, or what <paramref name="send"/> or a read threw.
    /// </summary>
    public IDisposable Follow(string tenantId, string sessionId, long afterSequence, Func<ConversationEvent, Task> send, Action<Exception> ended,
        CancellationToken cancellationToken)
    {
        var follower = new Follower(this, feed, tenantId, sessionId, afterSequence, send, ended, cancellationToken);
        feed.Subscribe(sessionId, follower);
        _ = follower.RunAsync(catchUp: true);
        return follower;
    }

    /// <summary>
    /// What a new subscriber sends first, called once it has subscribed: the not-yet-stored events, then the
    /// stored ones (an event is always in at least one of the subscription and these two: it leaves the
    /// uncommitted set only once it is stored).
    /// </summary>
    private async Task<List<ConversationEvent>> CatchUpAsync(string tenantId, string sessionId, long afterSequence, CancellationToken cancellationToken)
    {
        var uncommitted = writer.Uncommitted(sessionId, afterSequence);
        var stored = await ReadEventsAsync(tenantId, sessionId, afterSequence, long.MaxValue, cancellationToken);
        var events = stored.Concat(uncommitted).DistinctBy(e => e.Sequence).OrderBy(e => e.Sequence).ToList();

        // Scaled out, another node may have appended events that are neither stored yet nor relayed to this
        // new subscription; they are stored within a group commit.
        var last = events.Count > 0 ? events[^1].Sequence : afterSequence;
        if (await writer.LastIdAnywhereAsync(sessionId) is { } newest && newest > last)
        {
            events.AddRange(await MissedAsync(tenantId, sessionId, last, newest + 1, cancellationToken));
        }

        return events;
    }

    /// <summary>What a live event means to a subscriber that has sent up to <paramref name="last"/>: nothing if it was sent, else the events missing before it, then it.</summary>
    private async ValueTask<IReadOnlyList<ConversationEvent>> InOrderAsync(string tenantId, string sessionId, long last, ConversationEvent e, CancellationToken cancellationToken)
    {
        if (e.Sequence <= last)
        {
            return [];
        }

        return e.Sequence == last + 1 ? [e] : [.. await MissedAsync(tenantId, sessionId, last, e.Sequence, cancellationToken), e];
    }

    /// <summary>
    /// A <see cref="Follow"/>er: live events wait in a queue (allocated only while there are some) and one drain
    /// at a time sends them, started by the first event after a quiet spell and ending when the queue is empty.
    /// </summary>
    private sealed class Follower(ConversationStream stream, ConversationFeed feed, string tenantId, string sessionId, long last, Func<ConversationEvent, Task> send,
        Action<Exception> ended, CancellationToken cancellationToken) : IFeedSubscriber, IDisposable
    {
        private readonly Lock _gate = new();
        private Queue<ConversationEvent>? _queue;
        private bool _draining = true; // the catch-up counts: live events wait for it in the queue
        private bool _over;

        public bool TryPost(ConversationEvent e)
        {
            lock (_gate)
            {
                if (_over)
                {
                    return true;
                }

                _queue ??= new Queue<ConversationEvent>();
                if (_queue.Count >= feed.SubscriberBuffer)
                {
                    return false;
                }

                _queue.Enqueue(e);
                if (_draining)
                {
                    return true;
                }

                _draining = true;
            }

            // Not on the caller's thread: it is the writer appending events, holding the session's gate.
            ThreadPool.UnsafeQueueUserWorkItem(static f => _ = f.RunAsync(catchUp: false), this, preferLocal: false);
            return true;
        }

        public void End(Exception reason) => Stop(reason);

        public void Dispose() => Stop(null);

        public async Task RunAsync(bool catchUp)
        {
            try
            {
                if (catchUp)
                {
                    foreach (var e in await stream.CatchUpAsync(tenantId, sessionId, last, cancellationToken))
                    {
                        last = e.Sequence;
                        await send(e);
                    }
                }

                while (Next() is { } live)
                {
                    foreach (var e in await stream.InOrderAsync(tenantId, sessionId, last, live, cancellationToken))
                    {
                        last = e.Sequence;
                        await send(e);
                    }
                }
            }
            catch (Exception ex)
            {
                Stop(ex);
            }
        }

        private ConversationEvent? Next()
        {
            lock (_gate)
            {
                if (!_over && _queue is { Count: > 0 })
                {
                    return _queue.Dequeue();
                }

                _draining = false;
                _queue = null; // an idle follower holds no queue
                return null;
            }
        }

        private void Stop(Exception? reason)
        {
            lock (_gate)
            {
                if (_over)
                {
                    return;
                }

                _over = true;
                _queue = null;
            }

            feed.Unsubscribe(sessionId, this);
            if (reason is not null)
            {
                ended(reason);
            }
        }
    }

    /// <summary>
    /// The events between two ids. Scaled out, an event another node appended just before this stream
    /// subscribed reached neither the subscription nor, yet, the store; it is stored within a group commit,
    /// so it is read from there, waiting a little for it.
    /// </summary>
    private async Task<List<ConversationEvent>> MissedAsync(string tenantId, string sessionId, long after, long before, CancellationToken cancellationToken)
    {
        var missed = new List<ConversationEvent>();
        for (var attempt = 0; attempt < 30; attempt++)
        {
            missed = await ReadEventsAsync(tenantId, sessionId, after, before, cancellationToken);
            if (missed.Count == before - after - 1)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), clock, cancellationToken);
        }

        return missed;
    }

    /// <summary>
    /// A session's stored events between two ids, read in a scope of its own.
    /// </summary>
    private async Task<List<ConversationEvent>> ReadEventsAsync(string tenantId, string sessionId, long after, long before, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().UseTenant(tenantId);
        return await scope.ServiceProvider.GetRequiredService<VirtualBankerDbContext>().ConversationEvents.AsNoTracking()
            .Where(e => e.SessionId == sessionId && e.Sequence > after && e.Sequence < before)
            .OrderBy(e => e.Sequence)
            .ToListAsync(cancellationToken);
    }
}
