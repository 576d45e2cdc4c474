using System.Collections.Concurrent;

namespace VirtualBanker.Core.Identity;

/// <summary>
/// Ids that may be used once (a portal assertion's <c>jti</c>): the first use until the id's expiry wins, every later one is refused.
/// In memory on one node; with Redis one <c>SET NX</c>, so a replay to another node is refused too.
/// </summary>
public interface IOneTimeIds
{
    /// <summary>True the first time <paramref name="id"/> is used before <paramref name="expires"/>; false for a replay.</summary>
    ValueTask<bool> TryUseAsync(string id, DateTime expires, CancellationToken cancellationToken);
}

internal sealed class InMemoryOneTimeIds(TimeProvider clock) : IOneTimeIds
{
    // Keyed by 128 bits of the id's SHA-256, not the id's text: a busy portal marks thousands of ids a minute, and a small
    // struct key keeps each entry at a third of the memory (and the GC's work) a string would take.
    private readonly ConcurrentDictionary<UInt128, DateTime> _used = new();
    private long _nextSweepTicks;

    public ValueTask<bool> TryUseAsync(string id, DateTime expires, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id), hash);
        var slot = System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(hash);

        // Expired ids are dropped once a minute (by whichever use comes first): the set holds the ids of the last few minutes,
        // and a busy portal pays for one walk over them a minute, not one every so many uses.
        var next = Interlocked.Read(ref _nextSweepTicks);
        if (now.Ticks >= next && Interlocked.CompareExchange(ref _nextSweepTicks, now.AddMinutes(1).Ticks, next) == next)
        {
            foreach (var (key, until) in _used)
            {
                if (until <= now)
                {
                    _used.TryRemove(new KeyValuePair<UInt128, DateTime>(key, until));
                }
            }
        }

        if (_used.TryAdd(slot, expires))
        {
            return ValueTask.FromResult(true);
        }

        // An expired entry not yet swept no longer counts: the id is usable again only once its token is no longer valid anyway.
        // (Swept between the two calls: a first use after all.)
        return ValueTask.FromResult(_used.TryGetValue(slot, out var seen) ? seen <= now && _used.TryUpdate(slot, expires, seen) : _used.TryAdd(slot, expires));
    }
}
