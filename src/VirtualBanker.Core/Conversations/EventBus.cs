using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace VirtualBanker.Core.Conversations;

/// <summary>A message on a bus topic: JSON payload plus the tenant it belongs to.</summary>
public sealed record BusMessage(string TenantId, string SessionId, string Payload);

/// <summary>
/// Topics between the parts of the pipeline. Each message of a topic is handled by one consumer.
/// In process by default; the scale-out issue implements it on Redis Streams with consumer groups.
/// </summary>
public interface IEventBus
{
    ValueTask PublishAsync(string topic, BusMessage message, CancellationToken cancellationToken);

    IAsyncEnumerable<BusMessage> ConsumeAsync(string topic, CancellationToken cancellationToken);
}

internal sealed class InProcessEventBus : IEventBus
{
    private readonly ConcurrentDictionary<string, Channel<BusMessage>> _topics = new(StringComparer.Ordinal);

    public ValueTask PublishAsync(string topic, BusMessage message, CancellationToken cancellationToken) =>
        Topic(topic).Writer.WriteAsync(message, cancellationToken);

    public async IAsyncEnumerable<BusMessage> ConsumeAsync(string topic, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var message in Topic(topic).Reader.ReadAllAsync(cancellationToken))
        {
            yield return message;
        }
    }

    // Unbounded: the in-process topics only carry ids and short texts, and every publish is a user action
    // already bounded by the rate limiter.
    private Channel<BusMessage> Topic(string name) =>
        _topics.GetOrAdd(name, _ => Channel.CreateUnbounded<BusMessage>(new UnboundedChannelOptions { SingleReader = false }));
}
