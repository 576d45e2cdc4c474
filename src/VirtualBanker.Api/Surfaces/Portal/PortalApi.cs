using VirtualBanker.Api.Hosting;

namespace VirtualBanker.Api.Surfaces.Portal;

/// <summary>Contract 000 (Virtual Banker API): portal sessions with ephemeral tokens, and WebRTC signaling.</summary>
internal static class PortalApi
{
    public static IEndpointRouteBuilder MapPortalApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/v1/sessions").WithGroupName(ApiSurface.Portal.DocumentName()).WithTags("Sessions")
            .MapPortalSessionEndpoints();
        app.MapRealtimeEndpoints();
        app.MapDemoPortal();
        return app;
    }
}
