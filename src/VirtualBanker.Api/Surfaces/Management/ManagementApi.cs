using VirtualBanker.Api.Hosting;

namespace VirtualBanker.Api.Surfaces.Management;

/// <summary>Contract 003 (agent management): admin login, agents and clients CRUD, and the trigger-agent text channels.</summary>
internal static class ManagementApi
{
    public static IEndpointRouteBuilder MapManagementApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1").WithGroupName(ApiSurface.Management.DocumentName()).MapAdminEndpoints();
        app.MapGroup("").WithGroupName(ApiSurface.Management.DocumentName()).WithTags("Trigger agent")
            .RequireAuthorization(AuthPolicies.ManagementChat)
            .MapTriggerEndpoints();
        return app;
    }
}
