using System.Collections.Concurrent;

namespace VirtualBanker.Core.Identity;

/// <summary>
/// Logins (token families) and sessions whose still-unexpired access tokens must be refused. Entries
/// live only as long as the longest access token they could match. In memory on one node; with Redis,
/// every node sees a revocation at once (the check is one round trip per authenticated request).
/// </summary>
public interface ITokenRevocationList
{
    ValueTask<bool> IsRevokedAsync(string sessionId, CancellationToken cancellationToken);

    Task RevokeAsync(string sessionId, DateTime until, CancellationToken cancellationToken);
}

internal sealed class InMemoryTokenRevocationList(TimeProvider clock) : ITokenRevocationList
{
    private readonly ConcurrentDictionary<string, DateTime> _revoked = new(StringComparer.Ordinal);

    public ValueTask<bool> IsRevokedAsync(string sessionId, CancellationToken cancellationToken)
    {
        if (!_revoked.TryGetValue(sessionId, out var until))
        {
            return ValueTask.FromResult(false);
        }

        if (until > clock.GetUtcNow().UtcDateTime)
        {
            return ValueTask.FromResult(true);
        }

        _revoked.TryRemove(sessionId, out _);
        return ValueTask.FromResult(false);
    }

    public Task RevokeAsync(string sessionId, DateTime until, CancellationToken cancellationToken)
    {
        _revoked[sessionId] = until;
        return Task.CompletedTask;
    }
}
