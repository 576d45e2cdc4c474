using VirtualBanker.Core.Conversations;

namespace VirtualBanker.Core.Tests.Conversations;

public sealed class InProcessEventBusTests
{
    [Fact]
    public async Task Inbound_PublishedBeforeAnyConsumer_IsKept()
    {
        var bus = new InProcessEventBus();
        await bus.PublishAsync(Topics.Inbound, new BusMessage("t", "s", "1"), CancellationToken.None);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await using var consumer = bus.ConsumeAsync(Topics.Inbound, timeout.Token).GetAsyncEnumerator(timeout.Token);

        Assert.True(await consumer.MoveNextAsync());
        Assert.Equal("1", consumer.Current.Payload);
    }

    [Fact]
    public async Task OtherTopics_WithoutAConsumer_KeepNothing_ThenDeliverOnceConsumed()
    {
        var bus = new InProcessEventBus();
        for (var i = 0; i < 1000; i++)
        {
            await bus.PublishAsync(Topics.Outbound, new BusMessage("t", "s", $"old-{i}"), CancellationToken.None);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await using var consumer = bus.ConsumeAsync(Topics.Outbound, timeout.Token).GetAsyncEnumerator(timeout.Token);
        var next = consumer.MoveNextAsync();
        await bus.PublishAsync(Topics.Outbound, new BusMessage("t", "s", "new"), CancellationToken.None);

        Assert.True(await next);
        Assert.Equal("new", consumer.Current.Payload);
    }

    [Fact]
    public async Task EachInboundMessage_GoesToOneConsumer()
    {
        var bus = new InProcessEventBus();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var seen = new System.Collections.Concurrent.ConcurrentBag<string>();
        async Task Consume()
        {
            await foreach (var m in bus.ConsumeAsync(Topics.Inbound, timeout.Token))
            {
                seen.Add(m.Payload);
                if (seen.Count == 100)
                {
                    await timeout.CancelAsync();
                }
            }
        }

        var consumers = new[] { Consume(), Consume() };
        for (var i = 0; i < 100; i++)
        {
            await bus.PublishAsync(Topics.Inbound, new BusMessage("t", "s", i.ToString(System.Globalization.CultureInfo.InvariantCulture)), CancellationToken.None);
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Task.WhenAll(consumers));
        Assert.Equal(100, seen.Count);
        Assert.Equal(100, seen.Distinct().Count());
    }
}
