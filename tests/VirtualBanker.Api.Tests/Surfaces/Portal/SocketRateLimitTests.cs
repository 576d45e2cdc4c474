using System.Text.Json.Nodes;
using VirtualBanker.Api.Tests.Surfaces.Customer;
using VirtualBanker.Api.Tests.Surfaces.Management;

namespace VirtualBanker.Api.Tests.Surfaces.Portal;

/// <summary>
/// A socket is no way around the rate limit: every chat message it receives counts against the caller's budget, the same one
/// as its HTTP requests (here a portal session's, the tenant's <c>rate_limit_per_minute</c>). Over it, an error frame says when
/// to retry, and the socket stays open.
/// </summary>
public sealed class SocketRateLimitTests(VirtualBankerFactory factory) : IClassFixture<VirtualBankerFactory>
{
    [Fact]
    public async Task MessagesOverThePortalSessionsLimit_AreRefusedWithRetryAfter_AndTheSocketStaysOpen()
    {
        using var admin = await Admin.ClientAsync(factory);
        await Admin.ConfigureAsync(admin, "demo-bank", PortalIssuer.Hs256Settings(rateLimitPerMinute: 3));
        using var anonymous = factory.CreateClient();
        var session = await PortalIssuer.OpenSessionAsync(anonymous, "demo-bank", PortalIssuer.Hs256("socket-user"));
        using var socket = await ChatTests.Connect(factory, session["ephemeral_token"]!.GetValue<string>()); // the upgrade is 1 of the 3

        for (var i = 0; i < 5; i++)
        {
            await ChatTests.SendAsync(socket, new { type = "chat", message = "What is my balance?" });
        }

        var refused = new List<JsonObject>();
        var answered = 0;
        while (refused.Count + answered < 5)
        {
            var frame = await ChatTests.ReceiveAsync(socket);
            switch (frame["type"]!.GetValue<string>())
            {
                case "error" when frame["code"]?.GetValue<string>() == "rate_limited":
                    refused.Add(frame);
                    break;
                case "chat_end":
                    answered++;
                    break;
            }
        }

        // 2 answered and 3 refused, unless the minute's window turned during the test (windows are aligned to the clock).
        Assert.InRange(answered, 2, 4);
        Assert.NotEmpty(refused);
        Assert.All(refused, f => Assert.InRange(f["retry_after"]!.GetValue<int>(), 1, 60));
        await ChatTests.SendAsync(socket, new { type = "ping" });
        Assert.Contains(await ChatTests.ReceiveUntilAsync(socket, "pong"), f => f["type"]!.GetValue<string>() == "pong");
    }
}
