using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace VirtualBanker.Core.Outbound;

public sealed class OutboundOptions
{
    public const string Section = "Outbound";

    /// <summary>
    /// Hosts the server may reach although they are not public: names (<c>ollama.internal</c>), addresses (<c>10.0.0.7</c>) or
    /// networks (<c>10.0.0.0/24</c>). For an on-premise model server, or a JWKS inside the bank's network. Empty by default.
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];
}

/// <summary>
/// The one way out for every URL a tenant can set: model profiles (chat and the health probe) and portal JWKS. A URL naming a
/// loopback, private, link-local (cloud metadata), CGNAT or multicast address would let whoever edits a tenant make the
/// server probe its neighbours (SSRF, OWASP API7:2023). So: http(s) only, no redirects, no proxy (through one the guard
/// would see only the proxy), and the check runs when connecting, on the address actually dialled, so a name that
/// resolves to a public address when checked and to a private one when used (DNS rebinding) is refused as well.
/// The operator lists exceptions in <c>Outbound:AllowedHosts</c>.
/// </summary>
public sealed class OutboundGuard : IDisposable
{
    private readonly HashSet<string> _names = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<IPNetwork> _networks = [];
    private SocketsHttpHandler? _handler;

    public OutboundGuard(IOptions<OutboundOptions> options)
    {
        foreach (var entry in options.Value.AllowedHosts.Select(h => h.Trim()).Where(h => h.Length > 0))
        {
            if (IPNetwork.TryParse(entry, out var network))
            {
                _networks.Add(network);
            }
            else if (IPAddress.TryParse(entry, out var address))
            {
                _networks.Add(new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128));
            }
            else
            {
                _names.Add(entry);
            }
        }
    }

    /// <summary>How a host name becomes addresses; a test puts a stub here, so no test dials a non-loopback address.</summary>
    internal Func<string, CancellationToken, Task<IPAddress[]>> Resolve { get; set; } = Dns.GetHostAddressesAsync;

    /// <summary>The connect step itself; a test records what would have been dialled.</summary>
    internal Func<IPEndPoint, CancellationToken, ValueTask<Stream>> Connect { get; set; } = ConnectSocketAsync;

    /// <summary>A client over the guarded connections (they are pooled and shared; the client only sets the timeout).</summary>
    public HttpClient CreateClient(TimeSpan timeout) => new(LazyInitializer.EnsureInitialized(ref _handler, CreateHandler), disposeHandler: false) { Timeout = timeout };

    /// <summary>An absolute http(s) URL, or a validation error on <paramref name="field"/>; where it points is checked when it is dialled.</summary>
    public static Uri RequireHttpUrl(string? value, string field) =>
        Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && url.UserInfo.Length == 0 && url.Fragment.Length == 0
            ? url
            : throw new Errors.AppException(Errors.AppError.Validation(field, $"{Errors.FieldLabel.Of(field)} must be an http or https URL without credentials or a #fragment."));

    /// <summary>Dials the first address of the host that is public, or allowed by the operator; refuses before any connection otherwise.</summary>
    internal async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Resolve(host, cancellationToken);
        var allowedName = _names.Contains(host);
        var target = addresses.FirstOrDefault(a => allowedName || IsPublic(a) || IsAllowed(a))
            ?? throw new HttpRequestException($"{host} is not a public address; an operator can allow it in {OutboundOptions.Section}:AllowedHosts.");
        return await Connect(new IPEndPoint(target, context.DnsEndPoint.Port), cancellationToken);
    }

    private bool IsAllowed(IPAddress address)
    {
        address = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return _networks.Any(n => n.Contains(address));
    }

    private static async ValueTask<Stream> ConnectSocketAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken);
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

    public void Dispose() => _handler?.Dispose();

    // Made on first use: a server that never calls out does not load the HTTP client stack (about 3 MiB resident, measured).
    private SocketsHttpHandler CreateHandler() => new()
    {
        ConnectCallback = ConnectAsync,
        UseProxy = false,
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    };
}
