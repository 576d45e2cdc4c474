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
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Channel<ConversationEvent>, byte>> _sessions = new(StringComparer.Ordinal);

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

        foreach (var channel in subscribers.Keys)
        {
            if (!channel.Writer.TryWrite(e))
            {
                channel.Writer.TryComplete(new SubscriberOverflowException());
                subscribers.TryRemove(channel, out _);
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
        var subscribers = _sessions.GetOrAdd(sessionId, _ => new());
        subscribers[channel] = 0;
        return new Subscription(channel.Reader, () =>
        {
            subscribers.TryRemove(channel, out _);
            if (subscribers.IsEmpty)
            {
                _sessions.TryRemove(KeyValuePair.Create(sessionId, subscribers));
            }
        });
    }

    /// <summary>Ends this node's live streams of a session.</summary>
    public void CloseHere(string sessionId)
    {
        if (_sessions.TryRemove(sessionId, out var subscribers))
        {
            foreach (var channel in subscribers.Keys)
            {
                channel.Writer.TryComplete(new SessionClosedException());
            }
        }
    }

    public sealed class Subscription(ChannelReader<ConversationEvent> reader, Action onDispose) : IDisposable
    {
        public ChannelReader<ConversationEvent> Reader => reader;

        public void Dispose() => onDispose();
    }
}

public sealed class SubscriberOverflowException() : Exception("The client did not keep up with the stream.");

public sealed class SessionClosedException() : Exception("The session has ended.");
