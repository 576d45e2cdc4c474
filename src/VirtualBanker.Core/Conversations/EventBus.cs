using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace VirtualBanker.Core.Conversations;

/// <summary>A message on a bus topic: JSON payload plus the tenant it belongs to.</summary>
public sealed record BusMessage(string TenantId, string SessionId, string Payload)
{
    /// <summary>The bus's own id of this delivery (a stream entry id), for <see cref="IEventBus.AcknowledgeAsync"/>.</summary>
    public string? DeliveryId { get; init; }

    /// <summary>Delivered before to a consumer that never acknowledged it (a node that died): it may have been partly handled.</summary>
    public bool Redelivered { get; init; }

    /// <summary>
    /// In process only: the commit of the inbound message this run answers, when the run was handed over
    /// before it was stored (see <see cref="IEventBus.IsInProcess"/>). Null when it was stored first.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Task? Stored { get; init; }

    /// <summary>
    /// True once the message is stored (at once if it was before it was handed over); false when storing
    /// it failed: its sender was told so, and there is nothing to answer.
    /// </summary>
    public async Task<bool> WhenStoredAsync()
    {
        try
        {
            if (Stored is not null)
            {
                await Stored;
            }

            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }
}

/// <summary>
/// Topics between the parts of the pipeline. Each message of a topic is handled by one consumer, which
/// acknowledges it once handled; an unacknowledged message goes to another consumer after a while.
/// In process by default; on Redis Streams with consumer groups when scaled out.
/// </summary>
public interface IEventBus
{
    /// <summary>
    /// Messages reach their consumer in this process, as the object published. An inbound message can then
    /// be handed over before it is stored (with <see cref="BusMessage.Stored"/>); on a shared bus any node may
    /// run it, reading it from the database, so it is published only once stored.
    /// </summary>
    bool IsInProcess { get; }

    ValueTask PublishAsync(string topic, BusMessage message, CancellationToken cancellationToken);

    IAsyncEnumerable<BusMessage> ConsumeAsync(string topic, CancellationToken cancellationToken);

    ValueTask AcknowledgeAsync(string topic, BusMessage message, CancellationToken cancellationToken);
}

/// <summary>
/// In-process topics. The inbound work queue always exists, so no message is lost before its consumer
/// starts; any other topic (outbound, tool requests/results) keeps messages only once something consumes
/// it in this process. On one node nothing does: live streams are fed by <see cref="ConversationFeed"/>,
/// and holding those messages would only grow memory.
/// </summary>
internal sealed class InProcessEventBus : IEventBus
{
    private readonly ConcurrentDictionary<string, Channel<BusMessage>> _topics = new(StringComparer.Ordinal);

    public InProcessEventBus() => Topic(Topics.Inbound);

    public bool IsInProcess => true;

    public ValueTask PublishAsync(string topic, BusMessage message, CancellationToken cancellationToken) =>
        _topics.TryGetValue(topic, out var channel) ? channel.Writer.WriteAsync(message, cancellationToken) : ValueTask.CompletedTask;

    public async IAsyncEnumerable<BusMessage> ConsumeAsync(string topic, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var message in Topic(topic).Reader.ReadAllAsync(cancellationToken))
        {
            yield return message;
        }
    }

    // In process, a message lives only as long as the process: there is nobody to hand it to later.
    public ValueTask AcknowledgeAsync(string topic, BusMessage message, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    // Unbounded: the in-process topics only carry ids and short texts, and every publish is a user action
    // already bounded by the rate limiter.
    private Channel<BusMessage> Topic(string name) =>
        _topics.GetOrAdd(name, _ => Channel.CreateUnbounded<BusMessage>(new UnboundedChannelOptions { SingleReader = false }));
}
