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
    /// shape, and null). Dispose the result when the socket closes.
    /// </summary>
    public static async Task<AcceptedSocket?> AcceptAsync(HttpContext context, ICurrentPrincipal principal)
    {
        var options = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<ConversationOptions>>().Value;
        var caller = $"{principal.TenantId}:{principal.UserId?.ToString() ?? principal.SessionId}";
        var lease = context.RequestServices.GetRequiredService<ConnectionCounter>().TryAcquire(caller, options.MaxConnectionsPerUser);
        if (lease is null)
        {
            await ErrorRenderer.WriteAsync(context, Core.Errors.AppError.RateLimited($"At most {options.MaxConnectionsPerUser} open chat connections per user."));
            return null;
        }

        var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        var accepted = new AcceptedSocket(await context.WebSockets.AcceptWebSocketAsync(), lease, TimeSpan.FromSeconds(options.IdleTimeoutSeconds), stopping);
        if (!principal.IsSessionToken)
        {
            // A portal session's sockets close with the session itself (4000), which also bounds its tokens.
            context.RequestServices.GetRequiredService<SocketWatch>().Watch(accepted, context.User);
        }
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
    /// Reads JSON-object frames until the client closes. An oversize frame closes the socket with 1009;
    /// anything that is not a JSON object gets an error frame and the socket stays open. With
    /// <paramref name="closeWhenIdle"/>, a client silent for the socket's idle timeout is sent away (1001).
    /// </summary>
    public static async Task ReceiveLoopAsync(AcceptedSocket socket, Func<JsonObject, Task> onFrame, CancellationToken cancellationToken, bool closeWhenIdle = true,
        int maxFrameBytes = MaxFrameBytes)
    {
        var channel = socket.Channel;

        // A pending receive cannot be cancelled without aborting the socket, so an idle client is closed
        // like any server-side close: a close frame, and cut off if it does not answer (GoAwayAsync).
        using var idle = new Timer(_ => _ = socket.GoAwayAsync(WebSocketCloseStatus.EndpointUnavailable, "Idle timeout."));
        while (channel.Socket.State == WebSocketState.Open)
        {
            if (closeWhenIdle)
            {
                idle.Change(socket.IdleTimeout, Timeout.InfiniteTimeSpan);
            }

            (string Text, bool TooLarge)? frame;
            try
            {
                frame = await channel.ReceiveAsync(maxFrameBytes, cancellationToken);
            }
            catch (Exception ex) when (ex is WebSocketException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
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

    /// <summary>Forwards a session's events (missed ones first, then live) until cancelled, the client leaves or it falls behind.</summary>
    public static async Task PumpAsync(SocketChannel channel, ConversationStream stream, string tenantId, string sessionId, long after,
        Func<ConversationEvent, JsonObject?> frame, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var e in stream.StreamAsync(tenantId, sessionId, after, cancellationToken))
            {
                if (frame(e) is { } json)
                {
                    await channel.SendAsync(json, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (SubscriberOverflowException)
        {
            await channel.CloseAsync(WebSocketCloseStatus.PolicyViolation, "Client too slow to read the stream.");
        }
        catch (SessionClosedException)
        {
            await channel.CloseAsync(SessionEnded, "The session has ended.");
        }
        catch (WebSocketException)
        {
            // The client went away; the run goes on and its events stay in the log.
        }
    }
}

/// <summary>An accepted socket with its connection-cap lease and the idle timeout that applies to it.</summary>
internal sealed class AcceptedSocket : IDisposable
{
    private readonly WebSocket _socket;
    private readonly IDisposable _lease;
    private readonly CancellationTokenRegistration _onShutdown;
    private int _goingAway;

    /// <summary>On shutdown (SIGTERM) the socket is closed with 1001 "going away", so clients reconnect (to another node) at once.</summary>
    public AcceptedSocket(WebSocket socket, IDisposable lease, TimeSpan idleTimeout, CancellationToken stopping)
    {
        _socket = socket;
        _lease = lease;
        IdleTimeout = idleTimeout;
        Channel = new SocketChannel(socket);
        _onShutdown = stopping.Register(() => _ = GoAwayAsync(WebSocketCloseStatus.EndpointUnavailable, "Server shutting down."));
    }

    public SocketChannel Channel { get; }

    public TimeSpan IdleTimeout { get; }

    /// <summary>Set by <see cref="SocketWatch"/> while it watches this socket.</summary>
    public IDisposable? Watched { get; set; }

    public bool IsOpen => _socket.State == WebSocketState.Open;

    public void Dispose()
    {
        Watched?.Dispose();
        _onShutdown.Dispose();
        _socket.Dispose();
        _lease.Dispose();
    }

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
/// Closes open sockets whose token has expired or been revoked (logout, a revoked login, a revoked API
/// key), checking every <see cref="ConversationOptions.TokenCheckSeconds"/>. A socket is authenticated once,
/// at its handshake; without this, a customer who signed out would keep receiving their conversation. A
/// portal session's sockets are closed by the session's own end instead (4000: its ephemeral tokens never
/// outlive it). An API key has no expiry in its claims: its sockets are watched for its revocation only.
/// </summary>
internal sealed partial class SocketWatch(ITokenRevocationList revocations, IOptions<ConversationOptions> options, TimeProvider clock, ILogger<SocketWatch> logger)
    : BackgroundService
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<AcceptedSocket, (string? LoginId, DateTimeOffset Expires)> _sockets = new();

    public void Watch(AcceptedSocket socket, System.Security.Claims.ClaimsPrincipal user)
    {
        var loginId = user.FindFirst(TokenService.SessionClaim)?.Value;
        var expires = long.TryParse(user.FindFirst("exp")?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var exp)
            ? DateTimeOffset.FromUnixTimeSeconds(exp)
            : DateTimeOffset.MaxValue;
        if (loginId is null && expires == DateTimeOffset.MaxValue)
        {
            return; // nothing could end it
        }

        _sockets[socket] = (loginId, expires);
        socket.Watched = new Lease(() => _sockets.TryRemove(socket, out _));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.TokenCheckSeconds), clock);
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
                        _sockets.TryRemove(socket, out _);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checking an open socket's token failed ({Failure}); trying again next round")]
    private static partial void LogCheckFailed(ILogger logger, string failure);
}

/// <summary>Counts each caller's open sockets and streams on this node, so one caller cannot hold thousands.</summary>
internal sealed class ConnectionCounter
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _open = new(StringComparer.Ordinal);

    /// <summary>A lease to dispose when the connection closes, or null when the caller is at the limit.</summary>
    public IDisposable? TryAcquire(string caller, int limit)
    {
        var count = _open.AddOrUpdate(caller, 1, (_, n) => n + 1);
        if (count > limit)
        {
            Release(caller);
            return null;
        }

        return new Lease(() => Release(caller));
    }

    private void Release(string caller)
    {
        if (_open.AddOrUpdate(caller, 0, (_, n) => n - 1) <= 0)
        {
            _open.TryRemove(KeyValuePair.Create(caller, 0));
        }
    }
}

/// <summary>Runs its action once, on the first Dispose: a connection's hold on a counter or a watch list.</summary>
internal sealed class Lease(Action release) : IDisposable
{
    private Action? _release = release;

    public void Dispose() => Interlocked.Exchange(ref _release, null)?.Invoke();
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
