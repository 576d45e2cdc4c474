using System.Text.Json.Nodes;
using VirtualBanker.Api.Tests.Surfaces.Management;

namespace VirtualBanker.Api.Tests.Surfaces.Portal;

/// <summary>
/// The signaling endpoint proven end to end: two headless Chromium pages (Debian's chromium, driven by
/// playwright-core from <c>tests/js/webrtc-pair.mjs</c>) join one portal session, connect an
/// RTCPeerConnection over loopback host candidates, and send a message each way on a data channel.
/// </summary>
public sealed class BrowserSignalingTests(KestrelFactory factory) : IClassFixture<KestrelFactory>
{
    [Fact]
    public async Task TwoBrowsers_ConnectThroughTheSignalingRelay_AndExchangeMessages()
    {
        using var platform = await Admin.ClientAsync(factory);
        using var _ = await Admin.CreateTenantAsync(factory, platform, "webrtc-bank");
        await Admin.ConfigureAsync(platform, "webrtc-bank", PortalIssuer.Hs256Settings());
        using var anonymous = factory.CreateClient();
        var session = await PortalIssuer.OpenSessionAsync(anonymous, "webrtc-bank", PortalIssuer.Hs256("browser-user"));

        var output = await NodeTools.RunAsync("js/webrtc-pair.mjs", new JsonObject
        {
            ["base"] = factory.Address.ToString().TrimEnd('/'),
            ["session_id"] = session["session_id"]!.GetValue<string>(),
            ["token"] = session["ephemeral_token"]!.GetValue<string>(),
        }.ToJsonString(), TimeSpan.FromSeconds(90));

        var result = JsonNode.Parse(output)!;
        var (a, b) = (result["a"]!, result["b"]!);
        Assert.Equal("hello from B", a["received"]!.GetValue<string>());
        Assert.Equal("hello from A", b["received"]!.GetValue<string>());
        Assert.Equal(a["me"]!.GetValue<string>(), b["remote"]!.GetValue<string>());
        Assert.Equal(b["me"]!.GetValue<string>(), a["remote"]!.GetValue<string>());
        Assert.Equal("host", a["candidate_type"]!.GetValue<string>());
    }
}
