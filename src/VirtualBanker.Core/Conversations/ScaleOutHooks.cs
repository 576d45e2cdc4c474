namespace VirtualBanker.Core.Conversations;

/// <summary>
/// Carries live events and session closes to the other nodes, so a stream on node B sees what node A
/// appends (Redis pub/sub when scaled out). On one node there is nobody to tell.
/// </summary>
public interface IConversationRelay
{
    void Publish(ConversationEvent e);

    void Close(string sessionId);
}

/// <summary>
/// Gives out per-session event ids that are unique across nodes (a Redis counter when scaled out). Without
/// one, <see cref="EventWriter"/> counts in memory, which is right as long as one process writes the log.
/// </summary>
public interface ISharedEventSequence
{
    /// <summary>The session's next id; <paramref name="storedLast"/> reads the last stored one when the counter is not there yet.</summary>
    ValueTask<long> NextAsync(string sessionId, Func<CancellationToken, Task<long>> storedLast, CancellationToken cancellationToken);

    /// <summary>The last id given out for the session by any node, or null when the counter is not there.</summary>
    ValueTask<long?> LastAsync(string sessionId);
}

internal sealed class SingleNodeRelay : IConversationRelay
{
    public void Publish(ConversationEvent e)
    {
    }

    public void Close(string sessionId)
    {
    }
}
