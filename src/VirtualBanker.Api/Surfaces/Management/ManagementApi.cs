using VirtualBanker.Api.Hosting;

namespace VirtualBanker.Api.Surfaces.Management;

/// <summary>Contract 003 (agent management): admin and staff login, agents and clients CRUD, the trigger-agent text channels, and
/// the staff queue and tickets (an addition).</summary>
internal static class ManagementApi
{
    public static IEndpointRouteBuilder MapManagementApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1").WithGroupName(ApiSurface.Management.DocumentName()).MapAdminEndpoints().MapStaffEndpoints();
        app.MapGroup("").WithGroupName(ApiSurface.Management.DocumentName()).WithTags("Trigger agent")
            .RequireAuthorization(AuthPolicies.ManagementChat)
            .MapTriggerEndpoints();
        return app;
    }
}
