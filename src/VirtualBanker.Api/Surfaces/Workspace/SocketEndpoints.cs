using System.Text.Json.Nodes;
using VirtualBanker.Api.Hosting;
using VirtualBanker.Core.Conversations;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Errors;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Sessions;

namespace VirtualBanker.Api.Surfaces.Workspace;

internal static class SocketEndpoints
{
    public static RouteGroupBuilder MapWorkspaceSocket(this RouteGroupBuilder group)
    {
        group.MapGet("/ws", WorkspaceSocketAsync).LongLived().WithTags("Bot chat");
        return group;
    }

    /// <summary>
    /// Contract 004's bot channel: <c>{"type":"message","content":"...","session_id":"..."}</c>. Each frame names
    /// its session (the user's own; their default chat session when omitted); the socket streams every
    /// session it has been used with, each server frame carrying its session_id.
    /// </summary>
    public static async Task WorkspaceSocketAsync(HttpContext context, ICurrentPrincipal principal, IServiceScopeFactory scopes, ConversationStream stream)
    {
        if (await ConversationSockets.RejectUnlessWebSocketAsync(context))
        {
            return;
        }

        var userId = principal.UserId!.Value;
        using var accepted = await ConversationSockets.AcceptAsync(context, principal);
        if (accepted is null)
        {
            return;
        }

        var channel = accepted.Channel;
        using var stop = new CancellationTokenSource(); // cancelled once the receive loop ends (see ReceiveLoopAsync)
        var followers = new Dictionary<string, IDisposable>(StringComparer.Ordinal);
        try
        {
            await ConversationSockets.ReceiveLoopAsync(accepted, async frame =>
            {
                var type = frame.Text("type");
                if (type == "ping")
                {
                    await channel.SendAsync(new JsonObject { ["type"] = "pong" }, stop.Token);
                    return;
                }

                if (type != "message" || frame.Text("content") is not { } content)
                {
                    await channel.SendAsync(ConversationSockets.ErrorFrame("Send {\"type\":\"message\",\"content\":\"...\",\"session_id\":\"...\"}."), stop.Token);
                    return;
                }

                try
                {
                    // A scope per frame: the socket outlives the request's services (see InScopeAsync).
                    await ConversationSockets.InScopeAsync(scopes, async services =>
                    {
                        var sessions = services.GetRequiredService<ChatSessionService>();
                        var conversations = services.GetRequiredService<ConversationService>();
                        var session = frame.Text("session_id") is { } sessionId
                            ? await sessions.GetForCallerAsync(sessionId, principal, stop.Token)
                            : await sessions.GetOrCreateCustomerSessionAsync(userId, stop.Token);
                        if (!followers.ContainsKey(session.Id))
                        {
                            followers[session.Id] = ConversationSockets.Follow(accepted, stream, principal.TenantId!, session.Id, conversations.CurrentId(session),
                                e => ConversationSockets.OutboundFrame(e) is { } f ? WithSession(f, e.SessionId) : null, stop.Token);
                        }

                        return await conversations.SendAsync(session, EventTypes.Message, content, null, stop.Token);
                    });
                }
                catch (AppException ex)
                {
                    await channel.SendAsync(ConversationSockets.ErrorFrame(ex.Error.Message), stop.Token);
                }
            }, stop.Token);
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var follower in followers.Values)
            {
                follower.Dispose();
            }
        }
    }

    private static JsonObject WithSession(JsonObject frame, string sessionId)
    {
        frame["session_id"] = sessionId;
        return frame;
    }
}
