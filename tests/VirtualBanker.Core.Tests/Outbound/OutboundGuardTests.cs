using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Options;
using VirtualBanker.Core.Errors;
using VirtualBanker.Core.Outbound;

namespace VirtualBanker.Core.Tests.Outbound;

/// <summary>
/// Which addresses the server's requests to tenant-configured URLs may dial. The resolver and the connect step are stubbed:
/// the guard's decision is observed without a single packet leaving loopback.
/// </summary>
public sealed class OutboundGuardTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.8.9.10")]
    [InlineData("::1")]
    [InlineData("0.0.0.0")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")] // cloud metadata
    [InlineData("100.64.0.1")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("fe80::1")]
    [InlineData("fd00::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    public void InternalAddresses_AreRefused(string address) => Assert.False(OutboundGuard.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:1.1.1.1")]
    public void PublicAddresses_AreAllowed(string address) => Assert.True(OutboundGuard.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("http://metadata.internal/latest", "169.254.169.254")]
    [InlineData("http://intranet.bank/models", "10.0.0.5")]
    [InlineData("http://rebinding.example/v1", "192.168.1.20")]
    [InlineData("http://127.0.0.1:5432/", null)]
    [InlineData("http://[::1]:6379/", null)]
    public async Task AnInternalAddress_IsRefusedBeforeAnyConnection(string url, string? resolvesTo)
    {
        var (guard, dialled) = Guard([], resolvesTo is null ? [] : [IPAddress.Parse(resolvesTo)]);
        using var http = guard.CreateClient(TimeSpan.FromSeconds(5));

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(url));

        Assert.Empty(dialled);
        Assert.Contains("Outbound:AllowedHosts", refused.Message + refused.InnerException?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OfSeveralAddresses_OnlyAPublicOneIsDialled()
    {
        var (guard, dialled) = Guard([], [IPAddress.Parse("10.0.0.5"), IPAddress.Parse("203.0.113.9"), IPAddress.Parse("127.0.0.1")]);
        using var http = guard.CreateClient(TimeSpan.FromSeconds(5));

        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("https://api.provider.example/v1/models"));

        Assert.Equal([new IPEndPoint(IPAddress.Parse("203.0.113.9"), 443)], dialled);
    }

    [Theory]
    [InlineData("ollama.internal", "http://ollama.internal:11434/v1/models", "10.0.0.7", true)]
    [InlineData("10.0.0.0/24", "http://models.bank/v1/models", "10.0.0.9", true)]
    [InlineData("10.0.0.0/24", "http://other.bank/v1/models", "10.0.1.9", false)]
    [InlineData("10.0.0.7", "http://models.bank/v1/models", "10.0.0.7", true)]
    [InlineData("ollama.internal", "http://not-ollama.internal/v1/models", "10.0.0.7", false)]
    public async Task TheOperatorsAllowedHosts_AreDialledAndNothingElse(string allowed, string url, string resolvesTo, bool dials)
    {
        var (guard, dialled) = Guard([allowed], [IPAddress.Parse(resolvesTo)]);
        using var http = guard.CreateClient(TimeSpan.FromSeconds(5));

        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(url));

        Assert.Equal(dials ? 1 : 0, dialled.Count);
    }

    [Fact]
    public async Task ARedirect_IsNotFollowed()
    {
        // A loopback server (allowed, as an operator would allow an on-premise endpoint) that redirects to the metadata address.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var served = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var buffer = new byte[4096];
            _ = await stream.ReadAsync(buffer);
            await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 302 Found\r\nLocation: http://169.254.169.254/latest/meta-data\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
        });
        using var guard = new OutboundGuard(Options.Create(new OutboundOptions { AllowedHosts = ["127.0.0.1"] }));
        using var http = guard.CreateClient(TimeSpan.FromSeconds(5));

        using var response = await http.GetAsync($"http://127.0.0.1:{port}/v1/models");
        await served;

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("file:///etc/passwd")]
    [InlineData("ftp://models.bank/v1")]
    [InlineData("gopher://127.0.0.1:6379/_INFO")]
    [InlineData("https://user:secret@models.bank/v1")]
    [InlineData("https://models.bank/v1#/../../admin")]
    [InlineData("/v1/models")]
    public void AUrlThatIsNotPlainHttp_IsAValidationError(string url)
    {
        var error = Assert.Throws<AppException>(() => OutboundGuard.RequireHttpUrl(url, "base_url")).Error;

        Assert.Equal(["base_url"], error.Details!.Keys);
    }

    private static (OutboundGuard Guard, List<IPEndPoint> Dialled) Guard(List<string> allowed, IPAddress[] resolved)
    {
        var dialled = new List<IPEndPoint>();
        var guard = new OutboundGuard(Options.Create(new OutboundOptions { AllowedHosts = allowed }))
        {
            Resolve = (_, _) => Task.FromResult(resolved),
            Connect = (endpoint, _) =>
            {
                dialled.Add(endpoint);
                throw new SocketException((int)SocketError.ConnectionRefused); // recorded, never dialled
            },
        };
        return (guard, dialled);
    }
}
