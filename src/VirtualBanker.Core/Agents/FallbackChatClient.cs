using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using VirtualBanker.Core.Observability;

namespace VirtualBanker.Core.Agents;

/// <summary>
/// Uses the primary provider and, when it fails or says nothing within the timeout, answers with the
/// builtin assistant instead. Once the primary has streamed something, a failure is passed on (the
/// run is retried) rather than mixing two providers' answers.
/// </summary>
internal sealed class FallbackChatClient(IChatClient primary, IChatClient fallback, TimeSpan firstUpdateTimeout, MetricsCollector metrics) : IChatClient
{
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var history = messages as IList<ChatMessage> ?? [.. messages];
        using var firstUpdate = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        firstUpdate.CancelAfter(firstUpdateTimeout);
        var updates = primary.GetStreamingResponseAsync(history, WithoutRun(options), firstUpdate.Token).GetAsyncEnumerator(firstUpdate.Token);
        ChatResponseUpdate? first = null;
        var failed = false;
        try
        {
            if (await updates.MoveNextAsync())
            {
                first = updates.Current;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            failed = true;
        }

        if (failed)
        {
            await updates.DisposeAsync();
            metrics.RecordAiFallback();
            await foreach (var update in fallback.GetStreamingResponseAsync(history, options, cancellationToken))
            {
                yield return update;
            }

            yield break;
        }

        // The primary answered in time: from here its own cancellation follows the caller only.
        firstUpdate.CancelAfter(Timeout.InfiniteTimeSpan);
        await using (updates)
        {
            if (first is null)
            {
                yield break;
            }

            yield return first;
            while (await updates.MoveNextAsync())
            {
                yield return updates.Current;
            }
        }
    }

    /// <summary>The run is for the builtin assistant only: a remote provider never gets it, whatever it does with extra options.</summary>
    private static ChatOptions? WithoutRun(ChatOptions? options)
    {
        if (options?.AdditionalProperties?.ContainsKey(Builtin.BuiltinChatClient.RunKey) != true)
        {
            return options;
        }

        var copy = options.Clone();
        copy.AdditionalProperties = new(options.AdditionalProperties.Where(p => p.Key != Builtin.BuiltinChatClient.RunKey).ToDictionary());
        return copy;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => primary.GetService(serviceType, serviceKey);

    public void Dispose()
    {
        primary.Dispose();
        fallback.Dispose();
    }
}
