using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace VirtualBanker.Core.Conversations;

/// <summary>
/// Live fan-out of a session's new events to the streams (SSE, WebSocket, HTTP waits) watching it on
/// this node. Each subscriber has a bounded buffer: a client that stops reading is dropped (its stream
/// ends with <see cref="SubscriberOverflowException"/>) instead of growing server memory. Scaled out, every
/// event and close also goes through the <see cref="IConversationRelay"/>, and the other nodes hand what
/// they receive to <see cref="Deliver"/> and <see cref="CloseHere"/>.
/// </summary>
public sealed class ConversationFeed(IOptions<ConversationOptions> options, IConversationRelay relay)
{
    // Each session's subscribers as an array, replaced whole on every change: a session has one or two
    // streams at a time, and an array costs a small fraction of a dictionary for each of thousands of idle sockets.
    private readonly ConcurrentDictionary<string, Channel<ConversationEvent>[]> _sessions = new(StringComparer.Ordinal);

    public void Publish(ConversationEvent e)
    {
        Deliver(e);
        relay.Publish(e);
    }

    /// <summary>Ends every live stream of a session (it was ended or expired), on every node.</summary>
    public void Close(string sessionId)
    {
        CloseHere(sessionId);
        relay.Close(sessionId);
    }

    /// <summary>Hands an event to this node's streams only (one appended here, or relayed from another node).</summary>
    public void Deliver(ConversationEvent e)
    {
        if (!_sessions.TryGetValue(e.SessionId, out var subscribers))
        {
            return;
        }

        foreach (var channel in subscribers)
        {
            if (!channel.Writer.TryWrite(e))
            {
                channel.Writer.TryComplete(new SubscriberOverflowException());
                Unsubscribe(e.SessionId, channel);
            }
        }
    }

    public Subscription Subscribe(string sessionId)
    {
        var channel = Channel.CreateBounded<ConversationEvent>(new BoundedChannelOptions(options.Value.SubscriberBuffer)
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full: the subscriber is then dropped
            SingleReader = true,
        });
        _sessions.AddOrUpdate(sessionId, static (_, added) => [added], static (_, subscribers, added) => [.. subscribers, added], channel);
        return new Subscription(this, sessionId, channel);
    }

    private void Unsubscribe(string sessionId, Channel<ConversationEvent> channel)
    {
        // Compare-and-swap on the whole array: a concurrent change makes the swap fail, and it is tried again.
        while (_sessions.TryGetValue(sessionId, out var subscribers) && Array.IndexOf(subscribers, channel) >= 0)
        {
            var rest = Array.FindAll(subscribers, c => c != channel);
            if (rest.Length == 0 ? _sessions.TryRemove(KeyValuePair.Create(sessionId, subscribers)) : _sessions.TryUpdate(sessionId, rest, subscribers))
            {
                return;
            }
        }
    }

    /// <summary>Ends this node's live streams of a session.</summary>
    public void CloseHere(string sessionId)
    {
        if (_sessions.TryRemove(sessionId, out var subscribers))
        {
            foreach (var channel in subscribers)
            {
                channel.Writer.TryComplete(new SessionClosedException());
            }
        }
    }

    public sealed class Subscription(ConversationFeed feed, string sessionId, Channel<ConversationEvent> channel) : IDisposable
    {
        public ChannelReader<ConversationEvent> Reader => channel.Reader;

        public void Dispose() => feed.Unsubscribe(sessionId, channel);
    }
}

public sealed class SubscriberOverflowException() : Exception("The client did not keep up with the stream.");

public sealed class SessionClosedException() : Exception("The session has ended.");
