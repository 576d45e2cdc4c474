using VirtualBanker.Api.Hosting;

namespace VirtualBanker.Api.Surfaces.Customer;

/// <summary>Contract 001 (BankBot AI): customer auth, dashboard, insights, chat, transactions, notifications.</summary>
internal static class CustomerApi
{
    public static IEndpointRouteBuilder MapCustomerApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api")
            .WithGroupName(ApiSurface.Customer.DocumentName())
            .RequireAuthorization(AuthPolicies.User);

        api.MapGroup("/auth").WithTags("Auth").MapAuthEndpoints();
        api.MapGroup("").WithTags("Observability").MapObservabilityEndpoints();
        return app;
    }
}
