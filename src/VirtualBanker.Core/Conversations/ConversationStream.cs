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
        // Subscribe first, then take the not-yet-stored events, then read the store: an event is always in
        // at least one of the three (it leaves the uncommitted set only once it is stored).
        using var subscription = feed.Subscribe(sessionId);
        var uncommitted = writer.Uncommitted(sessionId, afterSequence);
        var stored = await ReadEventsAsync(tenantId, sessionId, afterSequence, long.MaxValue, cancellationToken);
        var last = afterSequence;
        foreach (var e in stored.Concat(uncommitted).DistinctBy(e => e.Sequence).OrderBy(e => e.Sequence))
        {
            last = e.Sequence;
            yield return e;
        }

        // Scaled out, another node may have appended events that are neither stored yet nor relayed to this
        // new subscription; they are stored within a group commit.
        if (await writer.LastIdAnywhereAsync(sessionId) is { } newest && newest > last)
        {
            foreach (var e in await MissedAsync(tenantId, sessionId, last, newest + 1, cancellationToken))
            {
                last = e.Sequence;
                yield return e;
            }
        }

        await foreach (var e in subscription.Reader.ReadAllAsync(cancellationToken))
        {
            if (e.Sequence <= last)
            {
                continue;
            }

            if (e.Sequence > last + 1)
            {
                foreach (var missing in await MissedAsync(tenantId, sessionId, last, e.Sequence, cancellationToken))
                {
                    yield return missing;
                }
            }

            last = e.Sequence;
            yield return e;
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
