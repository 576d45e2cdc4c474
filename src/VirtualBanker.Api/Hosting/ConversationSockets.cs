using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using VirtualBanker.Core.Conversations;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Tenancy;

namespace VirtualBanker.Api.Hosting;

/// <summary>The WebSocket plumbing every chat surface shares: serialised sends, bounded receives, the event pump.</summary>
internal static class ConversationSockets
{
    public const int MaxFrameBytes = 16 * 1024;

    /// <summary>Close code sent when the session ends or expires (documented in the README).</summary>
    public const WebSocketCloseStatus SessionEnded = (WebSocketCloseStatus)4000;

    /// <summary>Close code sent when the socket's token expires or is revoked (logout): reconnect with a fresh token.</summary>
    public const WebSocketCloseStatus TokenEnded = (WebSocketCloseStatus)4001;

    /// <summary>
    /// For the endpoints of long-lived connections (sockets, SSE): no validation filter. Their parameters (route
    /// ids, services) have nothing to validate, and the filter's state would live as long as the connection: with
    /// 10,000 idle sockets, 5 MiB. Do not add a parameter that needs validating to such an endpoint.
    /// </summary>
    public static RouteHandlerBuilder LongLived(this RouteHandlerBuilder endpoint) => endpoint.DisableValidation();

    /// <summary>
    /// Answers a plain HTTP request to a socket endpoint with a 400 in the surface's shape; true when it did.
    /// Called before anything else, so such a request has no side effect (no session is looked up or created).
    /// </summary>
    public static async Task<bool> RejectUnlessWebSocketAsync(HttpContext context)
    {
        if (context.WebSockets.IsWebSocketRequest)
        {
            return false;
        }

        await ErrorRenderer.WriteAsync(context, Core.Errors.AppError.BadRequest("This endpoint speaks WebSocket only."));
        return true;
    }

    /// <summary>
    /// Accepts the WebSocket if the caller is under their connection cap (else a 429 in the surface's
    /// shape, and null), and hands it to the <see cref="SocketWatch"/>. Dispose the result when the socket closes.
    /// With <paramref name="closeWhenIdle"/> (all but one-way streams), a client silent for the idle timeout is
    /// sent away (1001); such a client must send (the contracts' ping) and so keeps proxies' idle timers going
    /// itself, and the server sends no keep-alive frames of its own (a timer less for each socket).
    /// </summary>
    public static async Task<AcceptedSocket?> AcceptAsync(HttpContext context, ICurrentPrincipal principal, bool closeWhenIdle = true)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptions<ConversationOptions>>().Value;
        var counter = services.GetRequiredService<ConnectionCounter>();
        var caller = (principal.TenantId, principal.UserId?.ToString() ?? principal.SessionId);
        if (!counter.TryAcquire(caller, options.MaxConnectionsPerUser))
        {
            await ErrorRenderer.WriteAsync(context, Core.Errors.AppError.RateLimited($"At most {options.MaxConnectionsPerUser} open chat connections per user."));
            return null;
        }

        WebSocket socket;
        try
        {
            socket = await context.WebSockets.AcceptWebSocketAsync(closeWhenIdle
                ? new WebSocketAcceptContext { KeepAliveInterval = TimeSpan.Zero }
                : new WebSocketAcceptContext());
        }
        catch
        {
            counter.Release(caller);
            throw;
        }

        var watch = services.GetRequiredService<SocketWatch>();
        var accepted = new AcceptedSocket(socket, watch, counter, caller, closeWhenIdle ? TimeSpan.FromSeconds(options.IdleTimeoutSeconds) : null,
            services.GetRequiredService<ILogger<AcceptedSocket>>());

        // A portal session's sockets close with the session itself (4000), which also bounds its tokens.
        watch.Add(accepted, principal.IsSessionToken ? null : context.User);
        return accepted;
    }

    /// <summary>
    /// Runs <paramref name="work"/> with the services of a scope of its own. Socket and stream handlers use
    /// it instead of the request's services: the request lives as long as the connection, and a DbContext
    /// used in the request's scope (with its connection and EF's services, about 25 KiB) would stay alive
    /// all that time, for every idle socket. The scope's tenant is the caller's, as in the request's.
    /// </summary>
    public static async Task<T> InScopeAsync<T>(IServiceScopeFactory scopes, Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }

    /// <summary>Where a reconnecting client left off: <c>last_event_id</c> in the query, or the Last-Event-ID header.</summary>
    public static long? ResumePoint(HttpRequest request)
    {
        var raw = request.Query["last_event_id"].FirstOrDefault() ?? request.Headers["Last-Event-ID"].FirstOrDefault();
        return long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
    }

    /// <summary>What streams send for an event: everything but the caller's own inbound messages, which are not echoed.</summary>
    public static JsonObject? OutboundFrame(ConversationEvent e) =>
        e.Type is EventTypes.Message or EventTypes.Action ? null : ToFrame(e);

    /// <summary>A pipeline event as one JSON object: its payload, its type and its id (what clients resume from).</summary>
    public static JsonObject ToFrame(ConversationEvent e)
    {
        var frame = JsonNode.Parse(e.Payload)!.AsObject();
        frame["type"] = e.Type;
        frame["id"] = e.Sequence;
        return frame;
    }

    /// <summary>
    /// Reads JSON-object frames until the client closes or the connection ends (so the source that stops a
    /// socket's other loops once this one returns need not be linked to RequestAborted: a linked source would
    /// hold a registration on the request's token for the socket's whole life). An oversize frame closes the socket with 1009;
    /// anything that is not a JSON object gets an error frame and the socket stays open. Where the socket has
    /// an idle timeout, a client silent that long is sent away (1001, by the <see cref="SocketWatch"/>).
    /// <paramref name="cancellationToken"/> is for the replies it sends.
    /// </summary>
    public static async Task ReceiveLoopAsync(AcceptedSocket socket, Func<JsonObject, Task> onFrame, CancellationToken cancellationToken, int maxFrameBytes = MaxFrameBytes)
    {
        var channel = socket.Channel;
        while (channel.Socket.State == WebSocketState.Open)
        {
            socket.Touch();
            (string Text, bool TooLarge)? frame;
            try
            {
                // No token: cancelling a pending receive aborts the socket, and nothing needs to. The loop ends
                // with the connection, the client's close or ours (idle, token end, shutdown: see SocketWatch),
                // and a token would hold a registration for the socket's whole life.
                frame = await channel.ReceiveAsync(maxFrameBytes, CancellationToken.None);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                return;
            }

            if (frame is null)
            {
                return;
            }

            if (frame.Value.TooLarge)
            {
                await channel.CloseAsync(WebSocketCloseStatus.MessageTooBig, $"Frame larger than {maxFrameBytes / 1024} KiB.");
                return;
            }

            JsonObject? message;
            try
            {
                message = JsonNode.Parse(frame.Value.Text) as JsonObject;
            }
            catch (System.Text.Json.JsonException)
            {
                message = null;
            }

            if (message is null)
            {
                await channel.SendAsync(ErrorFrame("Frames must be JSON objects."), cancellationToken);
                continue;
            }

            await onFrame(message);
        }
    }

    public static JsonObject ErrorFrame(string message) => new() { ["type"] = "error", ["message"] = message };

    /// <summary>
    /// Forwards a session's events (missed ones first, then live) until disposed, the client leaves or it falls
    /// behind (closed with 1008), or the session ends (closed with 4000). Nothing of it waits between events.
    /// </summary>
    public static IDisposable Follow(AcceptedSocket socket, ConversationStream stream, string tenantId, string sessionId, long after,
        Func<ConversationEvent, JsonObject?> frame, CancellationToken cancellationToken)
    {
        var channel = socket.Channel;
        return stream.Follow(tenantId, sessionId, after,
            e => frame(e) is { } json ? channel.SendAsync(json, cancellationToken) : Task.CompletedTask,
            reason => _ = reason switch
            {
                SubscriberOverflowException => channel.CloseAsync(WebSocketCloseStatus.PolicyViolation, "Client too slow to read the stream."),
                SessionClosedException => channel.CloseAsync(SessionEnded, "The session has ended."),
                WebSocketException or OperationCanceledException or IOException => Task.CompletedTask, // the client went away or the socket is closing; the run goes on and its events stay in the log
                _ => socket.FailAsync(reason),
            },
            cancellationToken);
    }
}

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

/// <summary>
/// Watches every open socket, so that a socket holds no timer or registration of its own (thousands are idle):
/// <list type="bullet">
/// <item>a client silent for its socket's idle timeout is sent away (1001), checked every second;</item>
/// <item>a socket whose token has expired or been revoked (logout, a revoked login, a revoked API key) is
/// closed (4001), checked every <see cref="ConversationOptions.TokenCheckSeconds"/>. A socket is authenticated
/// once, at its handshake; without this, a customer who signed out would keep receiving their conversation. A
/// portal session's sockets are closed by the session's own end instead (4000: its ephemeral tokens never
/// outlive it). An API key has no expiry in its claims: its sockets are watched for its revocation only;</item>
/// <item>on shutdown (SIGTERM) every socket is closed with 1001 "going away", so clients reconnect (to another node) at once.</item>
/// </list>
/// </summary>
internal sealed partial class SocketWatch(ITokenRevocationList revocations, IOptions<ConversationOptions> options, TimeProvider clock,
    IHostApplicationLifetime lifetime, ILogger<SocketWatch> logger) : BackgroundService
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<AcceptedSocket, (string? LoginId, DateTimeOffset Expires)> _sockets = new();

    /// <summary>Watches a socket until it is disposed; <paramref name="user"/> is its token's principal, or null when its token needs no watching.</summary>
    public void Add(AcceptedSocket socket, System.Security.Claims.ClaimsPrincipal? user)
    {
        var loginId = user?.FindFirst(TokenService.SessionClaim)?.Value;
        var expires = long.TryParse(user?.FindFirst("exp")?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var exp)
            ? DateTimeOffset.FromUnixTimeSeconds(exp)
            : DateTimeOffset.MaxValue;
        _sockets[socket] = (loginId, expires);
    }

    public void Remove(AcceptedSocket socket) => _sockets.TryRemove(socket, out _);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        lifetime.ApplicationStopping.Register(() =>
        {
            foreach (var (socket, _) in _sockets)
            {
                _ = socket.GoAwayAsync(WebSocketCloseStatus.EndpointUnavailable, "Server shutting down.");
            }
        });
        return Task.WhenAll(CloseIdleAsync(stoppingToken), CheckTokensAsync(stoppingToken));
    }

    // On the machine's clock, not the TimeProvider: idleness is real time (tests move the TimeProvider to expire tokens).
    private async Task CloseIdleAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = Environment.TickCount64;
                foreach (var (socket, _) in _sockets) // enumerated without taking the map's locks, unlike its Keys
                {
                    if (socket.IsIdle(now))
                    {
                        _ = socket.GoAwayAsync(WebSocketCloseStatus.EndpointUnavailable, "Idle timeout.");
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task CheckTokensAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.TokenCheckSeconds), clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = clock.GetUtcNow();
                var revoked = new Dictionary<string, bool>(StringComparer.Ordinal); // one lookup per login and round, however many sockets it has
                foreach (var (socket, (loginId, expires)) in _sockets)
                {
                    try
                    {
                        if (loginId is not null && !revoked.ContainsKey(loginId))
                        {
                            revoked[loginId] = await revocations.IsRevokedAsync(loginId, stoppingToken);
                        }

                        var reason = expires <= now ? "The token has expired."
                            : loginId is not null && revoked[loginId] ? "The token has been revoked."
                            : null;
                        if (reason is not null && socket.IsOpen)
                        {
                            _ = socket.GoAwayAsync(ConversationSockets.TokenEnded, reason);
                        }
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        // A revocation store that is briefly out of reach: the next round checks again.
                        LogCheckFailed(logger, ex.GetType().Name);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checking an open socket's token failed ({Failure}); trying again next round")]
    private static partial void LogCheckFailed(ILogger logger, string failure);
}

/// <summary>Counts each caller's open sockets on this node, so one caller cannot hold thousands.</summary>
internal sealed class ConnectionCounter
{
    // Keyed by the caller's tenant and user (or session) as their claims' own strings: no key string per socket.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string? Tenant, string? Caller), int> _open = new();

    /// <summary>Counts one more connection of the caller, unless that would take it over <paramref name="limit"/>; then <see cref="Release"/> it.</summary>
    public bool TryAcquire((string?, string?) caller, int limit)
    {
        if (_open.AddOrUpdate(caller, 1, (_, n) => n + 1) > limit)
        {
            Release(caller);
            return false;
        }

        return true;
    }

    public void Release((string?, string?) caller)
    {
        if (_open.AddOrUpdate(caller, 0, (_, n) => n - 1) <= 0)
        {
            _open.TryRemove(KeyValuePair.Create(caller, 0));
        }
    }
}

/// <summary>A WebSocket with serialised sends (events and replies come from two loops) and bounded receives.</summary>
internal sealed class SocketChannel(WebSocket socket) : Core.Realtime.ISignalingPeer
{
    private readonly SemaphoreSlim _send = new(1, 1);

    public WebSocket Socket => socket;

    public async Task SendAsync(JsonObject frame, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(frame.ToJsonString());
        await _send.WaitAsync(cancellationToken);
        try
        {
            await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _send.Release();
        }
    }

    /// <summary>The next text message; null when the client closed; TooLarge when it is longer than <paramref name="maxBytes"/>.</summary>
    public async Task<(string Text, bool TooLarge)?> ReceiveAsync(int maxBytes, CancellationToken cancellationToken)
    {
        // A zero-byte read waits for the next frame without a buffer, so an idle socket holds none: 10,000
        // idle sockets would otherwise pin 160 MiB of receive buffers. One is rented only while a frame arrives.
        var ready = await socket.ReceiveAsync(Memory<byte>.Empty, cancellationToken);
        if (ready.MessageType == WebSocketMessageType.Close)
        {
            await CloseAsync(WebSocketCloseStatus.NormalClosure, "Bye.");
            return null;
        }

        if (ready.EndOfMessage)
        {
            return (string.Empty, false);
        }

        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(maxBytes);
        try
        {
            var count = 0;
            while (true)
            {
                if (count == maxBytes)
                {
                    return (string.Empty, true);
                }

                var result = await socket.ReceiveAsync(buffer.AsMemory(count, maxBytes - count), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await CloseAsync(WebSocketCloseStatus.NormalClosure, "Bye.");
                    return null;
                }

                count += result.Count;
                if (result.EndOfMessage)
                {
                    return (Encoding.UTF8.GetString(buffer, 0, count), false);
                }
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public async Task CloseAsync(WebSocketCloseStatus status, string reason)
    {
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            await _send.WaitAsync();
            try
            {
                await socket.CloseOutputAsync(status, reason, CancellationToken.None);
            }
            catch (WebSocketException)
            {
            }
            finally
            {
                _send.Release();
            }
        }
    }
}
