using VirtualBanker.Api.Hosting;

namespace VirtualBanker.Api.Surfaces.Workspace;

/// <summary>Contract 004 (bot workspace): directory sign-in, sessions, users, bots, groups, admin views and the WebSocket channel.</summary>
internal static class WorkspaceApi
{
    public static IEndpointRouteBuilder MapWorkspaceApi(this IEndpointRouteBuilder app)
    {
        var workspace = app.MapGroup("").WithGroupName(ApiSurface.Workspace.DocumentName()).RequireAuthorization(AuthPolicies.User);
        workspace.MapDirectorySignIn();
        workspace.MapWorkspaceEndpoints();
        workspace.MapWorkspaceSocket();
        return app;
    }
}
