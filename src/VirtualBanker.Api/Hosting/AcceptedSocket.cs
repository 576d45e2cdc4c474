using System.Net.WebSockets;

namespace VirtualBanker.Api.Hosting;

/// <summary>An accepted socket with its place under the caller's connection cap and in the <see cref="SocketWatch"/>.</summary>
internal sealed partial class AcceptedSocket : IDisposable
{
    private readonly WebSocket _socket;
    private readonly SocketWatch _watch;
    private readonly ConnectionCounter _counter;
    private readonly (string? Tenant, string? Caller) _caller;
    private readonly ILogger _logger;
    private long _lastFrame;
    private int _goingAway;

    public AcceptedSocket(WebSocket socket, SocketWatch watch, ConnectionCounter counter, (string?, string?) caller, TimeSpan? idleTimeout, ILogger logger)
    {
        _socket = socket;
        _watch = watch;
        _counter = counter;
        _caller = caller;
        _logger = logger;
        IdleTimeout = idleTimeout;
        Channel = new SocketChannel(socket);
        Touch();
    }

    public SocketChannel Channel { get; }

    /// <summary>How long a silent client may stay; null on one-way streams, where the client has nothing to send.</summary>
    public TimeSpan? IdleTimeout { get; }

    public bool IsOpen => _socket.State == WebSocketState.Open;

    /// <summary>A frame came (or the socket started waiting for one): the idle time starts again.</summary>
    public void Touch() => Volatile.Write(ref _lastFrame, Environment.TickCount64);

    public bool IsIdle(long now) => IdleTimeout is { } timeout && now - Volatile.Read(ref _lastFrame) > (long)timeout.TotalMilliseconds;

    public void Dispose()
    {
        _watch.Remove(this);
        _socket.Dispose();
        _counter.Release(_caller);
    }

    /// <summary>Something failed on the server's side of this socket (not the client's): logged, and the socket closed with 1011.</summary>
    public Task FailAsync(Exception error)
    {
        LogFailed(_logger, error);
        return GoAwayAsync(WebSocketCloseStatus.InternalServerError, "Server error.");
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Forwarding a session's events to its socket failed")]
    private static partial void LogFailed(ILogger logger, Exception error);

    /// <summary>Closes the socket from the server's side, once; a client that never answers the close frame is cut off after 5 s.</summary>
    public async Task GoAwayAsync(WebSocketCloseStatus status, string reason)
    {
        if (Interlocked.Exchange(ref _goingAway, 1) == 1)
        {
            return;
        }

        await Channel.CloseAsync(status, reason);
        await Task.Delay(TimeSpan.FromSeconds(5));
        if (_socket.State is not (WebSocketState.Closed or WebSocketState.Aborted))
        {
            _socket.Abort();
        }
    }
}
