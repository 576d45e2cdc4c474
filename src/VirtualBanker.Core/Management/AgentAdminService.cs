using Microsoft.EntityFrameworkCore;
using VirtualBanker.Core.Agents;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Errors;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Tenancy;
using VirtualBanker.Core.Tools;

namespace VirtualBanker.Core.Management;

public sealed record AgentInput(
    string? Name, string? Slug, string? Description, string? SystemPrompt, bool? Enabled, VoiceSettings? VoiceSettings, List<string>? AllowedTools);

/// <summary>
/// Agents CRUD of contract 003. A tenant admin works on their own tenant's agents; a platform admin
/// may name another client with <c>client_id</c> or reach any agent by id.
/// </summary>
public sealed class AgentAdminService(VirtualBankerDbContext db, ICurrentPrincipal caller, TenantDirectory tenants, TimeProvider clock)
{
    public async Task<List<Agent>> ListAsync(string? clientId, bool? active, CancellationToken cancellationToken)
    {
        await UseClientAsync(clientId, cancellationToken);
        return await db.Agents.AsNoTracking()
            .Where(a => active == null || a.Enabled == active)
            .OrderBy(a => a.Slug).ToListAsync(cancellationToken);
    }

    public async Task<Agent> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await UseAgentTenantAsync(id, cancellationToken);
        return await db.Agents.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken) ?? throw NotFound();
    }

    public async Task<Agent> CreateAsync(string? clientId, AgentInput input, CancellationToken cancellationToken)
    {
        await UseClientAsync(clientId, cancellationToken);
        if (await db.Agents.AnyAsync(a => a.Slug == input.Slug, cancellationToken))
        {
            throw new AppException(AppError.Conflict("An agent with this slug already exists."));
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var agent = new Agent
        {
            Slug = input.Slug!,
            Name = input.Name!,
            Description = input.Description,
            SystemPrompt = input.SystemPrompt ?? "",
            Enabled = input.Enabled ?? true,
            VoiceSettings = input.VoiceSettings ?? new VoiceSettings(),
            AllowedTools = Tools(input.AllowedTools) ?? [],
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Agents.Add(agent);
        await SaveAsync(cancellationToken);
        return agent;
    }

    public async Task<Agent> UpdateAsync(Guid id, AgentInput input, CancellationToken cancellationToken)
    {
        await UseAgentTenantAsync(id, cancellationToken);
        var agent = await db.Agents.FirstOrDefaultAsync(a => a.Id == id, cancellationToken) ?? throw NotFound();
        agent.Name = input.Name ?? agent.Name;
        agent.Slug = input.Slug ?? agent.Slug;
        agent.Description = input.Description ?? agent.Description;
        agent.SystemPrompt = input.SystemPrompt ?? agent.SystemPrompt;
        agent.Enabled = input.Enabled ?? agent.Enabled;
        agent.VoiceSettings = input.VoiceSettings ?? agent.VoiceSettings;
        agent.AllowedTools = Tools(input.AllowedTools) ?? agent.AllowedTools;
        agent.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await SaveAsync(cancellationToken);
        return agent;
    }

    public async Task DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        await UseAgentTenantAsync(id, cancellationToken);
        if (await db.Agents.Where(a => a.Id == id).ExecuteDeleteAsync(cancellationToken) == 0)
        {
            throw NotFound();
        }

        await tenants.ForgetAsync(db.Tenant.TenantId!, cancellationToken);
    }

    private async Task UseClientAsync(string? clientId, CancellationToken cancellationToken)
    {
        if (clientId is null || clientId == caller.TenantId)
        {
            return;
        }

        if (!caller.IsInRole(Roles.PlatformAdmin))
        {
            throw new AppException(AppError.Forbidden("You can manage only your own client's agents."));
        }

        if (!await db.Tenants.AnyAsync(t => t.Id == clientId, cancellationToken))
        {
            throw new AppException(AppError.NotFound("No such client."));
        }

        db.Tenant.UseTenant(clientId);
    }

    /// <summary>A platform admin reaches an agent of any client; everyone else stays in their tenant (query filter).</summary>
    private async Task UseAgentTenantAsync(Guid id, CancellationToken cancellationToken)
    {
        if (caller.IsInRole(Roles.PlatformAdmin)
            && await db.Agents.IgnoreQueryFilters().Where(a => a.Id == id).Select(a => a.TenantId).FirstOrDefaultAsync(cancellationToken) is { } tenantId)
        {
            db.Tenant.UseTenant(tenantId);
        }
    }

    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await tenants.ForgetAsync(db.Tenant.TenantId!, cancellationToken);
        }
        catch (DbUpdateException)
        {
            throw new AppException(AppError.Conflict("An agent with this slug already exists."));
        }
    }

    private static List<string>? Tools(List<string>? tools)
    {
        if (tools?.FirstOrDefault(t => !ToolCatalog.ToolNames.Contains(t)) is { } unknown)
        {
            throw new AppException(AppError.Validation("allowed_tools", $"Unknown tool '{unknown}'."));
        }

        return tools?.Distinct(StringComparer.Ordinal).ToList();
    }

    private static AppException NotFound() => new(AppError.NotFound("No such agent."));
}
