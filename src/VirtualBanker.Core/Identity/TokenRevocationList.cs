using System.Collections.Concurrent;

namespace VirtualBanker.Core.Identity;

/// <summary>
/// Logins (token families) and sessions whose still-unexpired access tokens must be refused. Entries
/// live only as long as the longest access token they could match. The scale-out issue backs this with Redis.
/// </summary>
public interface ITokenRevocationList
{
    bool IsRevoked(string sessionId);

    Task RevokeAsync(string sessionId, DateTime until, CancellationToken cancellationToken);
}

internal sealed class InMemoryTokenRevocationList(TimeProvider clock) : ITokenRevocationList
{
    private readonly ConcurrentDictionary<string, DateTime> _revoked = new(StringComparer.Ordinal);

    public bool IsRevoked(string sessionId)
    {
        if (!_revoked.TryGetValue(sessionId, out var until))
        {
            return false;
        }

        if (until > clock.GetUtcNow().UtcDateTime)
        {
            return true;
        }

        _revoked.TryRemove(sessionId, out _);
        return false;
    }

    public Task RevokeAsync(string sessionId, DateTime until, CancellationToken cancellationToken)
    {
        _revoked[sessionId] = until;
        return Task.CompletedTask;
    }
}
