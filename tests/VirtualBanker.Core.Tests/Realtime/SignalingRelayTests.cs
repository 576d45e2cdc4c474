using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using VirtualBanker.Core.Realtime;

namespace VirtualBanker.Core.Tests.Realtime;

public sealed class SignalingRelayTests
{
    [Fact]
    public async Task OfTwoJoiningAtOnce_ExactlyOneSeesTheOther()
    {
        // Clients decide who offers from the join answer: the one that finds the room empty waits, the other answers.
        var relay = new SignalingRelay(Options.Create(new RealtimeOptions()), []);
        for (var round = 0; round < 200; round++)
        {
            var session = $"s{round}";
            var joins = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => relay.JoinAsync(session, "customer", null, new Peer(), CancellationToken.None))));
            Assert.Equal([0, 1], joins.Select(j => j!.Value.Others.Count).Order());
        }
    }

    [Fact]
    public async Task AFullRoom_RefusesTheNextParticipant_AndALeaveMakesRoom()
    {
        var relay = new SignalingRelay(Options.Create(new RealtimeOptions { MaxParticipants = 2 }), []);
        var first = await relay.JoinAsync("s", "customer", null, new Peer(), CancellationToken.None);
        await relay.ReadyAsync(first!.Value.Participant, first.Value.Others, CancellationToken.None);
        var second = new Peer();
        var joined = await relay.JoinAsync("s", "agent", null, second, CancellationToken.None);
        await relay.ReadyAsync(joined!.Value.Participant, joined.Value.Others, CancellationToken.None);

        Assert.Null(await relay.JoinAsync("s", "agent", null, new Peer(), CancellationToken.None));
        await relay.LeaveAsync(first!.Value.Participant, CancellationToken.None);
        Assert.Equal("participant-left", second.Received.Last()["type"]!.GetValue<string>());
        Assert.NotNull(await relay.JoinAsync("s", "agent", null, new Peer(), CancellationToken.None));
    }

    private sealed class Peer : ISignalingPeer
    {
        public List<JsonObject> Received { get; } = [];

        public Task SendAsync(JsonObject frame, CancellationToken cancellationToken)
        {
            lock (Received)
            {
                Received.Add(frame);
            }

            return Task.CompletedTask;
        }
    }
}
