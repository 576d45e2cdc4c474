using System.Net;
using System.Net.Sockets;

namespace VirtualBanker.Core.Sessions;

/// <summary>
/// Keeps the server's own fetches of URLs a tenant admin configured (a portal's JWKS) off the internal
/// network: a JWKS URL naming a loopback, private, link-local (cloud metadata) or otherwise non-public
/// address would let whoever edits a tenant's settings make the server probe its neighbours (SSRF, OWASP
/// API7:2023). The check runs when connecting, on the address actually dialled, so a name that resolves to
/// a public address when checked and to a private one when used (DNS rebinding) is refused as well, and so
/// is every redirect.
/// </summary>
public static class PublicAddressGuard
{
    /// <summary>Connects only to public addresses; for <see cref="SocketsHttpHandler.ConnectCallback"/>.</summary>
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
        var target = addresses.FirstOrDefault(IsPublic)
            ?? throw new HttpRequestException($"{context.DnsEndPoint.Host} does not resolve to a public address.");
        var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(target, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var first = address.GetAddressBytes()[0];
            return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal || first == 0);
        }

        var b = address.GetAddressBytes();
        return !(b[0] == 0 // "this network"
            || b[0] == 10
            || (b[0] == 100 && b[1] >= 64 && b[1] <= 127) // carrier-grade NAT
            || (b[0] == 169 && b[1] == 254) // link-local, where cloud metadata services answer
            || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
            || (b[0] == 192 && b[1] == 168)
            || (b[0] == 192 && b[1] == 0 && b[2] == 0) // IETF protocol assignments
            || (b[0] == 198 && (b[1] == 18 || b[1] == 19)) // benchmarking
            || b[0] >= 224); // multicast and reserved
    }
}
