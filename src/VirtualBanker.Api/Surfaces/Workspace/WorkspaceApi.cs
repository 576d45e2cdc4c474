using VirtualBanker.Api.Hosting;

namespace VirtualBanker.Api.Surfaces.Workspace;

/// <summary>Contract 004 (bot workspace). This issue brings its WebSocket channel; sessions, bots, groups and OIDC come later.</summary>
internal static class WorkspaceApi
{
    public static IEndpointRouteBuilder MapWorkspaceApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("").WithGroupName(ApiSurface.Workspace.DocumentName()).WithTags("Bot chat")
            .RequireAuthorization(AuthPolicies.User)
            .MapWorkspaceSocket();
        return app;
    }
}
