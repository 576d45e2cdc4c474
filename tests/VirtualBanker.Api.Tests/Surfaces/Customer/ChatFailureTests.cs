using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VirtualBanker.Core.Agents;
using VirtualBanker.Core.Conversations;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Observability;
using VirtualBanker.Core.Tenancy;

namespace VirtualBanker.Api.Tests.Surfaces.Customer;

/// <summary>
/// A scripted provider (the one fake the tests allow: no LLM is reachable here). It records what
/// the model was given, and throws mid-stream for messages that contain "explode".
/// </summary>
public sealed class ScriptedProviderFactory : VirtualBankerFactory
{
    public ConcurrentQueue<IReadOnlyList<ChatMessage>> Seen { get; } = new();

    /// <summary>While true, messages containing "explode" make the provider throw mid-stream.</summary>
    public bool Exploding { get; set; } = true;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<ChatClientFactory>(sp =>
            new ScriptedChatClientFactory(this, sp.GetRequiredService<MetricsCollector>(), sp.GetRequiredService<ILoggerFactory>())));
    }

    private sealed class ScriptedChatClientFactory(ScriptedProviderFactory owner, MetricsCollector metrics, ILoggerFactory loggers)
        : ChatClientFactory(metrics, loggers, TimeProvider.System)
    {
        public override Task<IChatClient> CreateAsync(ModelProfile? profile, CancellationToken cancellationToken) =>
            Task.FromResult(Wrap(new ScriptedChatClient(owner)));
    }

    private sealed class ScriptedChatClient(ScriptedProviderFactory owner) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            var list = messages.ToList();
            owner.Seen.Enqueue(list);
            yield return new ChatResponseUpdate(ChatRole.Assistant, "Partial ");
            await Task.Yield();
            if (owner.Exploding && list[^1].Text.Contains("explode", StringComparison.Ordinal))
            {
                throw new HttpRequestException("upstream reset");
            }

            yield return new ChatResponseUpdate(ChatRole.Assistant, $"echo: {list[^1].Text}");
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}

public sealed class ChatFailureTests(ScriptedProviderFactory factory) : IClassFixture<ScriptedProviderFactory>
{
    [Fact]
    public async Task ProviderThrowingMidStream_ClientGetsErrors_RunIsRetriedThenRequeued()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var socket = await ChatTests.Connect(factory, fixture.AccessToken);

        await ChatTests.SendAsync(socket, new { type = "chat", message = "please explode" });
        var frames = new List<System.Text.Json.Nodes.JsonObject>();
        while (frames.Count(f => f["type"]!.GetValue<string>() == "error") < 3)
        {
            frames.Add(await ChatTests.ReceiveAsync(socket));
        }

        var errors = frames.Where(f => f["type"]!.GetValue<string>() == "error").ToList();
        Assert.Equal([true, true, false], errors.Select(e => e["retrying"]!.GetValue<bool>()));
        Assert.Equal(3, frames.Count(f => f["type"]!.GetValue<string>() == "chat_start"));
        Assert.DoesNotContain(frames, f => f["type"]!.GetValue<string>() == "chat_end");

        using var scope = factory.Services.CreateScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().UseTenant("demo-bank");
        var db = scope.ServiceProvider.GetRequiredService<VirtualBankerDbContext>();
        var requeued = await WaitForAsync(() => db.RequeueItems.AsNoTracking().Where(r => r.Topic == Topics.Inbound).ToListAsync());
        var item = Assert.Single(requeued);
        Assert.Equal(3, item.Attempts);
        Assert.Equal(RequeueStatus.Pending, item.Status);
        Assert.Equal("HttpRequestException", item.LastError);
        Assert.Contains("\"SessionId\":\"sess_", item.Payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Memory_EarlierTurnsOfTheSessionGoBackIntoTheContext()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var client = factory.CreateClient(fixture.AccessToken);

        var first = await client.PostAsJsonAsync("/api/ai/chat", new { message = "my name is Sam" });
        var second = await client.PostAsJsonAsync("/api/ai/chat", new { message = "what did I just tell you?" });

        Assert.Contains("echo: my name is Sam", await first.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("echo: what did I just tell you?", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var context = factory.Seen.Last(m => m[^1].Text == "what did I just tell you?");
        Assert.Contains(context, m => m.Role == ChatRole.User && m.Text == "my name is Sam");
        Assert.Contains(context, m => m.Role == ChatRole.Assistant && m.Text == "Partial echo: my name is Sam");
        Assert.Equal(ChatRole.System, context[0].Role);
    }

    private static async Task<List<T>> WaitForAsync<T>(Func<Task<List<T>>> query)
    {
        for (var i = 0; i < 100; i++)
        {
            var rows = await query();
            if (rows.Count > 0)
            {
                return rows;
            }

            await Task.Delay(50);
        }

        return [];
    }
}
