using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace VirtualBanker.Core.Conversations;

/// <summary>
/// Live fan-out of a session's new events to the streams (SSE, WebSocket, HTTP waits) watching it on
/// this node. Each subscriber has a bounded buffer: a client that stops reading is dropped (its stream
/// ends with <see cref="SubscriberOverflowException"/>) instead of growing server memory. A subscriber is
/// either read (<see cref="Subscribe(string)"/>, a channel) or pushed to (<see cref="Subscribe(string, IFeedSubscriber)"/>). Scaled out, every
/// event and close also goes through the <see cref="IConversationRelay"/>, and the other nodes hand what
/// they receive to <see cref="Deliver"/> and <see cref="CloseHere"/>.
/// </summary>
public sealed class ConversationFeed(IOptions<ConversationOptions> options, IConversationRelay relay)
{
    // Each session's subscribers as an array, replaced whole on every change: a session has one or two
    // streams at a time, and an array costs a small fraction of a dictionary for each of thousands of idle sockets.
    private readonly ConcurrentDictionary<string, IFeedSubscriber[]> _sessions = new(StringComparer.Ordinal);

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

        foreach (var subscriber in subscribers)
        {
            if (!subscriber.TryPost(e))
            {
                subscriber.End(new SubscriberOverflowException());
                Unsubscribe(e.SessionId, subscriber);
            }
        }
    }

    /// <summary>A subscription read from its channel; dispose it to leave.</summary>
    public Subscription Subscribe(string sessionId)
    {
        var subscription = new Subscription(this, sessionId, Channel.CreateBounded<ConversationEvent>(new BoundedChannelOptions(options.Value.SubscriberBuffer)
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full: the subscriber is then dropped
            SingleReader = true,
        }));
        Subscribe(sessionId, subscription);
        return subscription;
    }

    /// <summary>Adds a subscriber events are pushed to, until <see cref="Unsubscribe"/> or the feed ends it.</summary>
    public void Subscribe(string sessionId, IFeedSubscriber subscriber) =>
        _sessions.AddOrUpdate(sessionId, static (_, added) => [added], static (_, subscribers, added) => [.. subscribers, added], subscriber);

    /// <summary>How many events a subscriber may hold before it is dropped as too slow.</summary>
    public int SubscriberBuffer => options.Value.SubscriberBuffer;

    public void Unsubscribe(string sessionId, IFeedSubscriber subscriber)
    {
        // Compare-and-swap on the whole array: a concurrent change makes the swap fail, and it is tried again.
        while (_sessions.TryGetValue(sessionId, out var subscribers) && Array.IndexOf(subscribers, subscriber) >= 0)
        {
            var rest = Array.FindAll(subscribers, c => c != subscriber);
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
            foreach (var subscriber in subscribers)
            {
                subscriber.End(new SessionClosedException());
            }
        }
    }

    /// <summary>A subscriber whose events wait in a bounded channel for their reader.</summary>
    public sealed class Subscription : IFeedSubscriber, IDisposable
    {
        private readonly ConversationFeed _feed;
        private readonly string _sessionId;
        private readonly Channel<ConversationEvent> _channel;

        internal Subscription(ConversationFeed feed, string sessionId, Channel<ConversationEvent> channel) =>
            (_feed, _sessionId, _channel) = (feed, sessionId, channel);

        public ChannelReader<ConversationEvent> Reader => _channel.Reader;

        bool IFeedSubscriber.TryPost(ConversationEvent e) => _channel.Writer.TryWrite(e);

        void IFeedSubscriber.End(Exception reason) => _channel.Writer.TryComplete(reason);

        public void Dispose() => _feed.Unsubscribe(_sessionId, this);
    }
}

/// <summary>A live receiver of a session's new events on this node (see <see cref="ConversationFeed"/>).</summary>
public interface IFeedSubscriber
{
    /// <summary>Takes an event, without waiting; false when its buffer is full (it is then ended and dropped).</summary>
    bool TryPost(ConversationEvent e);

    /// <summary>The feed ends this subscriber: <see cref="SubscriberOverflowException"/> or <see cref="SessionClosedException"/>.</summary>
    void End(Exception reason);
}

public sealed class SubscriberOverflowException() : Exception("The client did not keep up with the stream.");

public sealed class SessionClosedException() : Exception("The session has ended.");
