using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VirtualBanker.Core.Agents.Builtin;
using VirtualBanker.Core.Observability;

namespace VirtualBanker.Core.Agents;

/// <summary>
/// Builds the <see cref="IChatClient"/> an agent talks through: the provider, wrapped with function
/// invocation (tools), OpenTelemetry and per-provider metrics. The one place a provider is chosen.
/// </summary>
public class ChatClientFactory(
    MetricsCollector metrics, ILoggerFactory loggers, TimeProvider clock, IOptions<NluOptions>? nlu = null, Identity.ISecretProtector? protector = null,
    Outbound.OutboundGuard? outbound = null)
{
    // Every call to a tenant's endpoint goes out through the guard (no internal addresses, no redirects); one pooled client for all.
    private HttpClient? _http;

    private readonly Lazy<Task<IntentClassifier>> _classifier = new(() => IntentModelCache.BuiltinAsync(nlu?.Value ?? new NluOptions()));

    // Built once and shared by every run: the pipelines are stateless per call. An openai profile's client is
    // rebuilt when the profile changes (a new UpdatedAt), so an admin's edit applies to the next message.
    private readonly ConcurrentDictionary<Guid, (DateTime Version, IChatClient Client)> _profileClients = new();
    private IChatClient? _builtin, _builtinWrapped;

    /// <summary>Starts training the builtin classifier so the first message does not wait for it.</summary>
    public Task WarmUpAsync() => _classifier.Value;

    /// <summary>
    /// The client for an agent: its model profile's provider when it has one (an OpenAI-compatible
    /// endpoint), falling back to the builtin assistant when that provider fails or times out before
    /// answering; the builtin assistant alone otherwise.
    /// </summary>
    public virtual async Task<IChatClient> CreateAsync(ModelProfile? profile, CancellationToken cancellationToken)
    {
        var classifier = await _classifier.Value.WaitAsync(cancellationToken);
        var builtin = _builtin ??= new MeteredChatClient(new BuiltinChatClient(classifier, clock), BuiltinChatClient.ProviderName, metrics);
        if (profile is not { Provider: OpenAiProvider.Name, BaseUrl: not null })
        {
            return _builtinWrapped ??= Wrap(builtin);
        }

        if (_profileClients.TryGetValue(profile.Id, out var cached) && cached.Version == profile.UpdatedAt)
        {
            return cached.Client;
        }

        var apiKey = profile.ProtectedApiKey is null ? null : protector?.Unprotect(profile.ProtectedApiKey);
        var primary = new MeteredChatClient(new ToolResultsAsData(OpenAiProvider.Create(profile.BaseUrl, apiKey, profile.Model, Http())), OpenAiProvider.Name, metrics);
        var timeout = TimeSpan.FromSeconds(profile.Parameters.TimeoutSeconds ?? 30);
        var client = Wrap(new FallbackChatClient(primary, builtin, timeout, metrics), profile.Parameters);
        _profileClients[profile.Id] = (profile.UpdatedAt, client);
        return client;
    }

    private HttpClient Http() => LazyInitializer.EnsureInitialized(ref _http,
        () => (outbound ?? new Outbound.OutboundGuard(Options.Create(new Outbound.OutboundOptions()))).CreateClient(TimeSpan.FromMinutes(5)));

    protected IChatClient Wrap(IChatClient provider, ModelParameters? parameters = null) =>
        new ChatClientBuilder(provider)
            .ConfigureOptions(o =>
            {
                o.Temperature ??= (float?)parameters?.Temperature;
                o.MaxOutputTokens ??= parameters?.MaxOutputTokens;
                o.TopP ??= (float?)parameters?.TopP;
            })
            .UseFunctionInvocation(loggers, f => f.MaximumIterationsPerRequest = 3)
            .UseOpenTelemetry(loggers, MetricsCollector.MeterName)
            .Build();

    /// <summary>Counts each provider call, its failures and its latency to the first streamed update.</summary>
    private sealed class MeteredChatClient(IChatClient inner, string provider, MetricsCollector metrics) : DelegatingChatClient(inner)
    {
        public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                var response = await base.GetResponseAsync(messages, options, cancellationToken);
                metrics.RecordAiCall(provider, Stopwatch.GetElapsedTime(started).TotalMilliseconds, failed: false);
                return response;
            }
            catch
            {
                metrics.RecordAiCall(provider, Stopwatch.GetElapsedTime(started).TotalMilliseconds, failed: true);
                throw;
            }
        }

        public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            var started = Stopwatch.GetTimestamp();
            var recorded = false;
            await using var updates = base.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
            while (true)
            {
                bool more;
                try
                {
                    more = await updates.MoveNextAsync();
                }
                catch
                {
                    metrics.RecordAiCall(provider, Stopwatch.GetElapsedTime(started).TotalMilliseconds, failed: true);
                    throw;
                }

                if (!recorded)
                {
                    metrics.RecordAiCall(provider, Stopwatch.GetElapsedTime(started).TotalMilliseconds, failed: false);
                    recorded = true;
                }

                if (!more)
                {
                    yield break;
                }

                yield return updates.Current;
            }
        }
    }
}

public sealed class NluOptions
{
    public const string Section = "Nlu";

    /// <summary>Extra <c>text,category</c> CSV files the builtin classifier also learns from.</summary>
    public string[] TrainingFiles { get; set; } = [];

    /// <summary>Where trained classifiers are kept between starts (one file per training set, about 10 MiB).</summary>
    public string ModelCacheDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "virtualbanker-nlu");
}
