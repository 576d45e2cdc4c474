namespace VirtualBanker.Api.Hosting;

/// <summary>Counts each caller's open sockets on this node, so one caller cannot hold thousands.</summary>
internal sealed class ConnectionCounter
{
    // Keyed by the caller's tenant and user (or session) as their claims' own strings: no key string per socket.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string? Tenant, string? Caller), int> _open = new();

    /// <summary>Counts one more connection of the caller, unless that would take it over <paramref name="limit"/>; then <see cref="Release"/> it.</summary>
    public bool TryAcquire((string?, string?) caller, int limit)
    {
        if (_open.AddOrUpdate(caller, 1, (_, n) => n + 1) > limit)
        {
            Release(caller);
            return false;
        }

        return true;
    }

    public void Release((string?, string?) caller)
    {
        if (_open.AddOrUpdate(caller, 0, (_, n) => n - 1) <= 0)
        {
            _open.TryRemove(KeyValuePair.Create(caller, 0));
        }
    }
}
