using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using VirtualBanker.Api.Hosting;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Management;
using VirtualBanker.Core.Tenancy;

namespace VirtualBanker.Api.Surfaces.Management;

/// <summary>Contract 003's admin side: JSON login, agents CRUD and clients (tenants) CRUD.</summary>
internal static class AdminEndpoints
{
    public static RouteGroupBuilder MapAdminEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapPost("/auth/login", LoginAsync).AllowAnonymous().WithTags("Auth");

        var agents = v1.MapGroup("/agents").WithTags("Agents").RequireAuthorization(AuthPolicies.GatewayAdmin);
        agents.MapGet("", ListAgentsAsync);
        agents.MapGet("/{agentId:guid}", GetAgentAsync);
        agents.MapPost("", CreateAgentAsync);
        agents.MapPut("/{agentId:guid}", UpdateAgentAsync);
        agents.MapDelete("/{agentId:guid}", DeleteAgentAsync);

        var clients = v1.MapGroup("/clients").WithTags("Clients").RequireAuthorization(AuthPolicies.TenantAdmin);
        clients.MapGet("", ListClientsAsync);
        clients.MapGet("/{clientId}", GetClientAsync);
        clients.MapPost("", CreateClientAsync);
        clients.MapPut("/{clientId}", UpdateClientAsync);
        return v1;
    }

    /// <summary>
    /// Staff and admins only. The tenant is the one named by the optional <c>X-Client-ID</c> header; without it, the one tenant where this
    /// e-mail belongs to staff or an admin (so every bank's admins sign in with the contract's body alone), else the platform's default.
    /// </summary>
    public static async Task<Ok<ManagementLoginResponse>> LoginAsync(
        ManagementLoginRequest request, [FromHeader(Name = "X-Client-ID")] string? clientId, UserAuthService auth, IOptions<TenancyOptions> tenancy, CancellationToken cancellationToken)
    {
        var tenantId = clientId is { Length: > 0 and <= 64 } ? clientId : await auth.StaffTenantOfAsync(request.Email!, cancellationToken) ?? tenancy.Value.DefaultTenantId;
        var result = await auth.LoginAsync(tenantId, request.Email!, request.Password!, cancellationToken, staffOnly: true);
        return TypedResults.Ok(new ManagementLoginResponse(result.Tokens.AccessToken, "bearer"));
    }

    /// <summary>The tenant's agents, filtered by client and active flag.</summary>
    public static async Task<Ok<List<AgentResponse>>> ListAgentsAsync(
        [FromQuery(Name = "client_id")] string? clientId, bool? active, AgentAdminService agents, CancellationToken cancellationToken) =>
        TypedResults.Ok((await agents.ListAsync(clientId, active, cancellationToken)).Select(AgentResponse.From).ToList());

    /// <summary>One agent with its prompt, tools and settings.</summary>
    public static async Task<Ok<AgentResponse>> GetAgentAsync(Guid agentId, AgentAdminService agents, CancellationToken cancellationToken) =>
        TypedResults.Ok(AgentResponse.From(await agents.GetAsync(agentId, cancellationToken)));

    /// <summary>Creates an agent for a client. Its tools must be among the client's allowed tools.</summary>
    public static async Task<Created<AgentResponse>> CreateAgentAsync(CreateAgentRequest request, AgentAdminService agents, CancellationToken cancellationToken)
    {
        var agent = await agents.CreateAsync(request.ClientId, new AgentInput(request.Name, request.Slug, request.Description, request.SystemPrompt, request.Enabled,
            request.VoiceSettings?.ToSettings(), request.AllowedTools), cancellationToken);
        return TypedResults.Created($"/api/v1/agents/{agent.Id}", AgentResponse.From(agent));
    }

    /// <summary>Changes an agent.</summary>
    public static async Task<Ok<AgentResponse>> UpdateAgentAsync(Guid agentId, UpdateAgentRequest request, AgentAdminService agents, CancellationToken cancellationToken) =>
        TypedResults.Ok(AgentResponse.From(await agents.UpdateAsync(agentId, new AgentInput(request.Name, request.Slug, request.Description, request.SystemPrompt,
            request.Enabled, request.VoiceSettings?.ToSettings(), request.AllowedTools), cancellationToken)));

    /// <summary>Deletes an agent; its conversations stay.</summary>
    public static async Task<NoContent> DeleteAgentAsync(Guid agentId, AgentAdminService agents, CancellationToken cancellationToken)
    {
        await agents.DeleteAsync(agentId, cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>The clients (banks) the caller administers. A platform admin sees all.</summary>
    public static async Task<Ok<List<ClientResponse>>> ListClientsAsync(TenantAdminService clients, CancellationToken cancellationToken) =>
        TypedResults.Ok((await clients.ListAsync(cancellationToken)).Select(ClientResponse.From).ToList());

    /// <summary>One client with its settings; secrets come back as ********.</summary>
    public static async Task<Ok<ClientResponse>> GetClientAsync(string clientId, TenantAdminService clients, CancellationToken cancellationToken) =>
        TypedResults.Ok(ClientResponse.From(await clients.GetAsync(clientId, cancellationToken)));

    /// <summary>Creates a client (a bank), optionally with its first admin. Platform admins only.</summary>
    public static async Task<Created<ClientResponse>> CreateClientAsync(CreateClientRequest request, TenantAdminService clients, CancellationToken cancellationToken)
    {
        var admin = request.Admin is { } a ? new FirstAdmin(a.Email!, a.Password!, a.Name!) : null;
        var tenant = await clients.CreateAsync(request.Id!, new ClientInput(request.Name, request.Domain, request.Active, request.Settings), admin, cancellationToken);
        return TypedResults.Created($"/api/v1/clients/{tenant.Id}", ClientResponse.From(tenant));
    }

    /// <summary>Changes a client's name, status or settings. Sending ******** back keeps a stored secret; every field is validated.</summary>
    public static async Task<Ok<ClientResponse>> UpdateClientAsync(string clientId, UpdateClientRequest request, TenantAdminService clients, CancellationToken cancellationToken) =>
        TypedResults.Ok(ClientResponse.From(await clients.UpdateAsync(clientId, new ClientInput(request.Name, request.Domain, request.Active, request.Settings), cancellationToken)));
}
