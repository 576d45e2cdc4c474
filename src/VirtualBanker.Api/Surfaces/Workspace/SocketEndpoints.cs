using VirtualBanker.Api.Hosting;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Sessions;

namespace VirtualBanker.Api.Surfaces.Workspace;

internal static class SocketEndpoints
{
    public static RouteGroupBuilder MapWorkspaceSocket(this RouteGroupBuilder group)
    {
        group.MapGet("/ws", WorkspaceSocketAsync).LongLived().DescribedAsWebSocket().WithTags("Bot chat");
        return group;
    }

    /// <summary>
    /// Contract 004's bot channel: <c>{"type":"message","content":"...","session_id":"..."}</c>. Each frame names
    /// its session (the user's own; their default chat session when omitted); the socket streams every
    /// session it has been used with, each server frame carrying its session_id.
    /// </summary>
    public static Task WorkspaceSocketAsync(HttpContext context, ICurrentPrincipal principal) =>
        ChatSocket.RunAsync(context, principal, ChatDialect.Workspace, open: null, async (services, frame, cancellationToken) =>
        {
            var sessions = services.GetRequiredService<ChatSessionService>();
            return frame.Text("session_id") is { } sessionId
                ? await sessions.GetForCallerAsync(sessionId, principal, cancellationToken)
                : await sessions.GetOrCreateCustomerSessionAsync(principal.UserId!.Value, cancellationToken);
        });
}
