using VirtualBanker.Api.Hosting;

namespace VirtualBanker.Api.Surfaces.Management;

/// <summary>Contract 003 (agent management). This issue brings its text channels; clients and agents CRUD come with tenancy.</summary>
internal static class ManagementApi
{
    public static IEndpointRouteBuilder MapManagementApi(this IEndpointRouteBuilder app)
    {
        var root = app.MapGroup("").WithGroupName(ApiSurface.Management.DocumentName()).WithTags("Trigger agent")
            .RequireAuthorization(AuthPolicies.ManagementChat);
        root.MapTriggerEndpoints();
        return app;
    }
}
