using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using VirtualBanker.Api.Hosting;
using VirtualBanker.Core.Conversations;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Errors;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Realtime;
using VirtualBanker.Core.Sessions;

namespace VirtualBanker.Api.Surfaces.Portal;

/// <summary>
/// Contract 000's <c>WS /v1/realtime/{session_id}</c>: WebRTC signaling between a customer's browser and
/// voice/avatar agents. A participant joins with the session's ephemeral token (role <c>customer</c>)
/// or a tenant key with the <c>realtime</c> scope (role <c>agent</c>), then exchanges <c>offer</c>,
/// <c>answer</c> and <c>ice-candidate</c> frames addressed with <c>to</c>. See the README for the frames and close codes.
/// </summary>
internal static class RealtimeEndpoints
{
    /// <summary>Close code when the room already holds <see cref="RealtimeOptions.MaxParticipants"/>.</summary>
    public const WebSocketCloseStatus RoomFull = (WebSocketCloseStatus)4009;

    /// <summary>Frames up to this size are read (an oversize SDP inside gets an error frame); larger ones close the socket with 1009.</summary>
    public const int MaxFrameBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapRealtimeEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/realtime/{sessionId}", SignalAsync).LongLived().DescribedAsWebSocket()
            .WithGroupName(ApiSurface.Portal.DocumentName()).WithTags("Realtime").RequireAuthorization(AuthPolicies.Realtime);
        return app;
    }

    /// <summary>WebRTC signaling for a portal session (WebSocket). Offers, answers and ICE candidates relayed between the customer and a voice or avatar agent.</summary>
    public static async Task SignalAsync(string sessionId, HttpContext context, ICurrentPrincipal principal, IServiceScopeFactory scopes,
        SignalingRelay relay, IceServers iceServers, ConversationFeed feed, IOptions<JsonOptions> json, TimeProvider clock)
    {
        if (await ConversationSockets.RejectUnlessWebSocketAsync(context))
        {
            return;
        }

        // Looked up in a scope of its own: the socket outlives the request's services (see InScopeAsync).
        var session = await ConversationSockets.InScopeAsync(scopes, services =>
            services.GetRequiredService<ChatSessionService>().GetForCallerAsync(sessionId, principal, context.RequestAborted));
        if (!session.IsOpenAt(clock.GetUtcNow().UtcDateTime))
        {
            throw new AppException(AppError.NotFound("The session has ended."));
        }

        using var accepted = await ConversationSockets.AcceptAsync(context, principal);
        if (accepted is null)
        {
            return;
        }

        var channel = accepted.Channel;
        var role = principal.IsSessionToken ? "customer" : "agent";
        Participant? me = null;
        using var stop = new CancellationTokenSource(); // cancelled once the receive loop ends (see ReceiveLoopAsync)
        var watch = CloseWhenSessionEndsAsync(channel, feed, session, clock, stop.Token);
        try
        {
            await ConversationSockets.ReceiveLoopAsync(accepted, async frame =>
            {
                var type = frame.Text("type");
                if (type == "ping")
                {
                    await channel.SendAsync(new JsonObject { ["type"] = "pong" }, stop.Token);
                }
                else if (me is null && type != "join")
                {
                    await channel.SendAsync(SignalingRelay.Error("not_joined", "Send {\"type\":\"join\"} first."), stop.Token);
                }
                else if (type == "join" && me is null)
                {
                    me = await JoinAsync(channel, relay, session, role, frame, iceServers.For(session.Id, session.ExpiresAt), json.Value.SerializerOptions, stop.Token);
                }
                else if (type == "join")
                {
                    await channel.SendAsync(SignalingRelay.Error("already_joined", "This socket has already joined."), stop.Token);
                }
                else if (type == "leave")
                {
                    await relay.LeaveAsync(me!, stop.Token);
                    await channel.CloseAsync(WebSocketCloseStatus.NormalClosure, "Left.");
                }
                else if (await relay.RelayAsync(me!, frame, stop.Token) is { } error)
                {
                    await channel.SendAsync(error, stop.Token);
                }
            }, stop.Token, maxFrameBytes: MaxFrameBytes);
        }
        finally
        {
            if (me is not null)
            {
                await relay.LeaveAsync(me, CancellationToken.None);
            }

            await stop.CancelAsync();
            await watch;
        }
    }

    /// <summary>Joins the room, answering with the participant id, who is there and the ICE servers.</summary>
    private static async Task<Participant?> JoinAsync(SocketChannel channel, SignalingRelay relay, Session session, string role, JsonObject frame,
        IReadOnlyList<IceServer> iceServers, JsonSerializerOptions jsonOptions, CancellationToken cancellationToken)
    {
        var name = frame.Text("name") is { Length: > 0 and <= 64 } n ? n : null;
        var joined = await relay.JoinAsync(session.Id, role, name, channel, cancellationToken);
        if (joined is not { Participant: var me, Others: var others })
        {
            await channel.SendAsync(SignalingRelay.Error("room_full", "This session's room is full."), cancellationToken);
            await channel.CloseAsync(RoomFull, "Room full.");
            return null;
        }

        await channel.SendAsync(new JsonObject
        {
            ["type"] = "joined",
            ["participant_id"] = me.Id,
            ["role"] = role,
            ["participants"] = new JsonArray([.. others]),
            ["ice_servers"] = JsonSerializer.SerializeToNode(iceServers, jsonOptions),
        }, cancellationToken);
        await relay.ReadyAsync(me, others, cancellationToken);
        return me;
    }

    /// <summary>Closes the socket with 4000 when the session is ended (on any channel) or reaches its end time.</summary>
    private static async Task CloseWhenSessionEndsAsync(SocketChannel channel, ConversationFeed feed, Session session, TimeProvider clock, CancellationToken cancellationToken)
    {
        using var subscription = feed.Subscribe(session.Id);
        var left = session.ExpiresAt - clock.GetUtcNow().UtcDateTime;
        using var expiry = new CancellationTokenSource(left > TimeSpan.Zero ? left : TimeSpan.Zero, clock);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, expiry.Token);
        try
        {
            // The session's chat events are not signaling's business: they are read only to keep the subscription alive.
            await foreach (var _ in subscription.Reader.ReadAllAsync(either.Token))
            {
            }
        }
        catch (SessionClosedException)
        {
            await channel.CloseAsync(ConversationSockets.SessionEnded, "The session has ended.");
        }
        catch (OperationCanceledException) when (expiry.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            await channel.CloseAsync(ConversationSockets.SessionEnded, "The session has expired.");
        }
        catch (OperationCanceledException)
        {
        }
    }
}
