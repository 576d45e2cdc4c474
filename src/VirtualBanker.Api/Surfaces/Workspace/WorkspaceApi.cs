using VirtualBanker.Api.Hosting;

namespace VirtualBanker.Api.Surfaces.Workspace;

/// <summary>Contract 004 (bot workspace): sessions, users, bots, groups, admin views and the WebSocket channel. OIDC sign-in comes with its own issue.</summary>
internal static class WorkspaceApi
{
    public static IEndpointRouteBuilder MapWorkspaceApi(this IEndpointRouteBuilder app)
    {
        var workspace = app.MapGroup("").WithGroupName(ApiSurface.Workspace.DocumentName()).RequireAuthorization(AuthPolicies.User);
        workspace.MapWorkspaceEndpoints();
        workspace.MapWorkspaceSocket();
        return app;
    }
}
