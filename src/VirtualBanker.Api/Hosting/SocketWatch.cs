using System.Globalization;
using System.Net.WebSockets;
using Microsoft.Extensions.Options;
using VirtualBanker.Core.Conversations;
using VirtualBanker.Core.Identity;

namespace VirtualBanker.Api.Hosting;

/// <summary>
/// Watches every open socket, so that a socket holds no timer or registration of its own (thousands are idle):
/// <list type="bullet">
/// <item>a client silent for its socket's idle timeout is sent away (1001), checked every second;</item>
/// <item>a socket whose token has expired or been revoked (logout, a revoked login, a revoked API key) is
/// closed (4001), checked every <see cref="ConversationOptions.TokenCheckSeconds"/>. A socket is authenticated
/// once, at its handshake; without this, a customer who signed out would keep receiving their conversation. A
/// portal session's sockets are closed by the session's own end instead (4000: its ephemeral tokens never
/// outlive it). An API key's expiry, when it has one, is its principal's <c>exp</c> claim, so its sockets close then too;</item>
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
