using VirtualBanker.Api.Hosting;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Tenancy;

namespace VirtualBanker.Api.Surfaces.Gateway;

/// <summary>Contract 002 (conversation gateway): messages and actions, SSE/WS streams, requeue, model profiles, keys, capsules, health, legacy API.</summary>
internal static class GatewayApi
{
    public static IEndpointRouteBuilder MapGatewayApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").WithGroupName(ApiSurface.Gateway.DocumentName())
            .AddEndpointFilter(UseDefaultTenantForAnonymousCallers);
        v1.MapGroup("/session").WithTags("Sessions").RequireAuthorization(AuthPolicies.Gateway).MapSessionEndpoints();
        v1.MapGroup("/requeue").WithTags("Requeue").RequireAuthorization(AuthPolicies.GatewayAdmin).MapRequeueEndpoints();
        v1.MapGroup("").WithTags("Model profiles").RequireAuthorization(AuthPolicies.GatewayAdmin).MapModelProfileEndpoints();
        v1.MapGroup("/knowledge/articles").WithTags("Knowledge base").RequireAuthorization(AuthPolicies.GatewayAdmin).MapKnowledgeEndpoints();
        v1.MapOperationsEndpoints();

        app.MapGroup("").WithGroupName(ApiSurface.Gateway.DocumentName()).WithTags("Legacy")
            .RequireAuthorization(AuthPolicies.Gateway)
            .AddEndpointFilter(UseDefaultTenantForAnonymousCallers)
            .MapLegacyEndpoints();
        return app;
    }

    /// <summary>
    /// Seed 002: JWT is required when GATEWAY_REQUIRE_AUTH=true or JWT is configured, "otherwise optional
    /// in local dev". We always have JWT, so auth is required, except that GATEWAY_REQUIRE_AUTH=false in
    /// the Development environment lets an anonymous caller use the default tenant (no customer data).
    /// </summary>
    public static bool AnonymousAllowed(IConfiguration configuration, IHostEnvironment environment) =>
        environment.IsDevelopment() && string.Equals(configuration["GATEWAY_REQUIRE_AUTH"], "false", StringComparison.OrdinalIgnoreCase);

    private static ValueTask<object?> UseDefaultTenantForAnonymousCallers(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var services = context.HttpContext.RequestServices;
        if (!services.GetRequiredService<ICurrentPrincipal>().IsAuthenticated)
        {
            services.GetRequiredService<TenantContext>().UseTenant(services.GetRequiredService<Microsoft.Extensions.Options.IOptions<TenancyOptions>>().Value.DefaultTenantId);
        }

        return next(context);
    }
}
