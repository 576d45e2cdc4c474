using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using VirtualBanker.Api.Hosting;
using VirtualBanker.Core.Conversations;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Errors;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Observability;
using VirtualBanker.Core.Sessions;

namespace VirtualBanker.Api.Surfaces.Customer;

public sealed record ChatRequest([property: Required, MinLength(1), MaxLength(4000)] string? Message);

public sealed record ChatResponse(string Response);

/// <summary>
/// Contract 001's chat: <c>WS /api/ai/chat/ws</c> and the HTTP fallback <c>POST /api/ai/chat</c>, both on the one pipeline.
/// A signed-in customer talks in their own chat session; a portal session's ephemeral token (the
/// embedded widget) talks in that portal session, under its tenant's policy and consent.
/// </summary>
internal static class ChatEndpoints
{
    public static RouteGroupBuilder MapChatEndpoints(this RouteGroupBuilder group)
    {
        group.MapPost("/chat", ChatAsync);
        group.MapGet("/chat/ws", ChatSocketAsync).LongLived();
        return group;
    }

    /// <summary>Sends the message and waits for the whole answer of that run.</summary>
    public static async Task<Ok<ChatResponse>> ChatAsync(
        ChatRequest request, ICurrentPrincipal principal, ChatSessionService sessions, ConversationService conversations, CancellationToken cancellationToken)
    {
        var session = await SessionAsync(principal, sessions, cancellationToken);
        return TypedResults.Ok(new ChatResponse(await conversations.AskAsync(session, request.Message!, cancellationToken)));
    }

    /// <summary>
    /// The chat WebSocket. The bearer token comes in the Authorization header or the access_token query
    /// parameter; user_id, when given, must be the caller's own. A reconnect passes last_event_id (or
    /// Last-Event-ID) and first receives what it missed.
    /// </summary>
    public static async Task ChatSocketAsync(HttpContext context, ICurrentPrincipal principal, IServiceScopeFactory scopes, ConversationStream stream, MetricsCollector metrics)
    {
        if (await ConversationSockets.RejectUnlessWebSocketAsync(context))
        {
            return;
        }

        if (context.Request.Query.TryGetValue("user_id", out var asked) && !string.Equals(asked, principal.UserId?.ToString(), StringComparison.OrdinalIgnoreCase))
        {
            await ErrorRenderer.WriteAsync(context, AppError.Forbidden("user_id must be your own."));
            return;
        }

        var resumeFrom = ConversationSockets.ResumePoint(context.Request);
        var (session, current) = await ConversationSockets.InScopeAsync(scopes, async services =>
        {
            var session = await SessionAsync(principal, services.GetRequiredService<ChatSessionService>(), context.RequestAborted);
            return (session, services.GetRequiredService<ConversationService>().CurrentId(session));
        });
        using var accepted = await ConversationSockets.AcceptAsync(context, principal);
        if (accepted is null)
        {
            return;
        }

        metrics.RecordWebSocketConnect(reconnect: resumeFrom is not null);
        var channel = accepted.Channel;
        using var stop = new CancellationTokenSource(); // cancelled once the receive loop ends (see ReceiveLoopAsync)
        using var follower = ConversationSockets.Follow(accepted, stream, principal.TenantId!, session.Id, resumeFrom ?? current, ConversationSockets.OutboundFrame, stop.Token);
        try
        {
            await ReceiveAsync(accepted, scopes, session, stop.Token);
        }
        finally
        {
            await stop.CancelAsync();
        }
    }

    private static Task<Session> SessionAsync(ICurrentPrincipal principal, ChatSessionService sessions, CancellationToken cancellationToken) =>
        principal.IsSessionToken
            ? sessions.GetForCallerAsync(principal.SessionId!, principal, cancellationToken)
            : sessions.GetOrCreateCustomerSessionAsync(principal.UserId!.Value, cancellationToken);

    private static Task ReceiveAsync(AcceptedSocket socket, IServiceScopeFactory scopes, Session session, CancellationToken cancellationToken) =>
        ConversationSockets.ReceiveLoopAsync(socket, async message =>
        {
            var channel = socket.Channel;
            switch (message.Text("type"))
            {
                case "ping":
                    await channel.SendAsync(new JsonObject { ["type"] = "pong" }, cancellationToken);
                    break;
                case "chat" when message.Text("message") is { } text:
                    try
                    {
                        await ConversationSockets.InScopeAsync(scopes, services =>
                            services.GetRequiredService<ConversationService>().SendAsync(session, EventTypes.Message, text, null, cancellationToken));
                    }
                    catch (AppException ex)
                    {
                        await channel.SendAsync(ConversationSockets.ErrorFrame(ex.Error.Message), cancellationToken);
                    }

                    break;
                default:
                    await channel.SendAsync(ConversationSockets.ErrorFrame("Unknown frame. Send {\"type\":\"chat\",\"message\":\"...\"} or {\"type\":\"ping\"}."), cancellationToken);
                    break;
            }
        }, cancellationToken);
}
