using VirtualBanker.Api.Hosting;

namespace VirtualBanker.Api.Surfaces.Customer;

/// <summary>Contract 001 (BankBot AI): customer auth, dashboard, insights, chat, transactions, notifications.</summary>
internal static class CustomerApi
{
    public static IEndpointRouteBuilder MapCustomerApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithGroupName(ApiSurface.Customer.DocumentName());

        // Customer data: a signed-in person; user_id is checked per request (CustomerDataService).
        var customer = api.MapGroup("").RequireAuthorization(AuthPolicies.User);

        api.MapGroup("/auth").WithTags("Auth").MapAuthEndpoints();
        customer.MapGroup("/dashboard").WithTags("Dashboard").MapDashboardEndpoints();
        customer.MapGroup("/ai").WithTags("AI Intelligence").MapInsightsEndpoints();
        api.MapGroup("/ai").WithTags("Chat").RequireAuthorization(AuthPolicies.Chat).MapChatEndpoints();
        customer.MapGroup("/transactions").WithTags("Transactions").MapTransactionReads();
        api.MapGroup("/transactions").WithTags("Transactions").MapTransactionIngest();
        customer.MapGroup("/cards").WithTags("Cards").MapCardEndpoints();
        customer.MapGroup("/payees").WithTags("Transfers").MapPayeeEndpoints();
        customer.MapGroup("/transfers").WithTags("Transfers").MapTransferEndpoints();
        customer.MapGroup("/ai/fraud/alerts").WithTags("AI Intelligence").MapFraudResolution();
        customer.MapGroup("/disputes").WithTags("Disputes").MapDisputeEndpoints();
        customer.MapGroup("/tickets").WithTags("Tickets").MapTicketEndpoints();
        customer.MapGroup("/notifications").WithTags("Notifications").MapNotificationEndpoints();
        api.MapGroup("").WithTags("Observability").MapObservabilityEndpoints();
        return app;
    }
}
