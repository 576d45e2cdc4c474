using Microsoft.EntityFrameworkCore;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Errors;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Observability;
using VirtualBanker.Core.Tenancy;

namespace VirtualBanker.Core.Agents;

public sealed record ModelProfileInput(string Provider, string Model, string? BaseUrl, string? ApiKey, ModelParameters? Parameters);

public sealed record RouteChoice(ModelProfile? Profile, double Score);

/// <summary>Model profiles (role × deployment mode → provider, model, parameters) and the routing rule that picks one.</summary>
public sealed class ModelProfileService(VirtualBankerDbContext db, ISecretProtector protector, MetricsCollector metrics, TenantDirectory tenants, TimeProvider clock)
{
    public static readonly IReadOnlySet<string> Providers = new HashSet<string>([Builtin.BuiltinChatClient.ProviderName, OpenAiProvider.Name]);

    public Task<List<ModelProfile>> ListAsync(CancellationToken cancellationToken) =>
        db.ModelProfiles.AsNoTracking().OrderBy(p => p.Role).ThenBy(p => p.DeploymentMode).ToListAsync(cancellationToken);

    /// <summary>Creates the profile of a role and deployment mode; 409 when it exists (use update).</summary>
    public async Task<ModelProfile> CreateAsync(string role, string deploymentMode, ModelProfileInput input, CancellationToken cancellationToken)
    {
        if (await db.ModelProfiles.AnyAsync(p => p.Role == role && p.DeploymentMode == deploymentMode, cancellationToken))
        {
            throw new AppException(AppError.Conflict($"A profile for {role}/{deploymentMode} exists; update it with PUT."));
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var profile = new ModelProfile { Role = role, DeploymentMode = deploymentMode, Provider = "", Model = "", CreatedAt = now };
        Apply(profile, input, now);
        db.ModelProfiles.Add(profile);
        await db.SaveChangesAsync(cancellationToken);
        await ForgetAsync(cancellationToken);
        return profile;
    }

    /// <summary>Replaces the profile's settings; an omitted api_key keeps the stored one. Null when there is no such profile.</summary>
    public async Task<ModelProfile?> UpdateAsync(string role, string deploymentMode, ModelProfileInput input, CancellationToken cancellationToken)
    {
        var profile = await db.ModelProfiles.FirstOrDefaultAsync(p => p.Role == role && p.DeploymentMode == deploymentMode, cancellationToken);
        if (profile is null)
        {
            return null;
        }

        Apply(profile, input, clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(cancellationToken);
        await ForgetAsync(cancellationToken);
        return profile;
    }

    public async Task<bool> DeleteAsync(string role, string deploymentMode, CancellationToken cancellationToken)
    {
        var deleted = await db.ModelProfiles.Where(p => p.Role == role && p.DeploymentMode == deploymentMode).ExecuteDeleteAsync(cancellationToken) == 1;
        await ForgetAsync(cancellationToken);
        return deleted;
    }

    // Agent runs read the profiles from the tenant's cached agent setup.
    private ValueTask ForgetAsync(CancellationToken cancellationToken) => tenants.ForgetAsync(db.Tenant.TenantId!, cancellationToken);

    /// <summary>
    /// Routing rule: each profile scores 0.5 if its role matches, 0.3 if its deployment mode matches, plus
    /// 0.2 × its provider's availability (1 − its error rate on this node; 1 when it has not been called).
    /// The highest score wins; ties go to the earlier-created profile. No profile at all means the builtin
    /// assistant, which is always available (score 1).
    /// </summary>
    public async Task<RouteChoice> RouteAsync(string? role, string? deploymentMode, CancellationToken cancellationToken)
    {
        var profiles = await db.ModelProfiles.AsNoTracking().OrderBy(p => p.CreatedAt).ToListAsync(cancellationToken);
        if (profiles.Count == 0)
        {
            return new RouteChoice(null, 1.0);
        }

        var providers = metrics.Snapshot().AiProviders;
        double Availability(string provider) =>
            providers.TryGetValue(provider, out var t) && t.Calls > 0 ? 1 - (t.Errors / (double)t.Calls) : 1;
        return profiles
            .Select(p => new RouteChoice(p, Math.Round(
                (role is not null && p.Role == role ? 0.5 : 0) + (deploymentMode is not null && p.DeploymentMode == deploymentMode ? 0.3 : 0) + (0.2 * Availability(p.Provider)), 3)))
            .MaxBy(c => c.Score)!;
    }

    private void Apply(ModelProfile profile, ModelProfileInput input, DateTime now)
    {
        if (!Providers.Contains(input.Provider))
        {
            throw new AppException(AppError.Validation("provider", "provider must be builtin or openai."));
        }

        if (input.Provider == OpenAiProvider.Name && input.BaseUrl is null)
        {
            throw new AppException(AppError.Validation("base_url", "An openai profile needs an absolute http(s) base_url."));
        }

        if (input.BaseUrl is not null)
        {
            // Any provider's URL is probed by the health check: it is a URL to dial (where to is checked when dialled), or refused now.
            Outbound.OutboundGuard.RequireHttpUrl(input.BaseUrl, "base_url");
        }

        profile.Provider = input.Provider;
        profile.Model = input.Model;
        profile.BaseUrl = input.BaseUrl;
        if (input.ApiKey is not null)
        {
            profile.ProtectedApiKey = input.ApiKey.Length == 0 ? null : protector.Protect(input.ApiKey);
        }

        profile.Parameters = input.Parameters ?? new ModelParameters();
        profile.UpdatedAt = now;
    }
}
