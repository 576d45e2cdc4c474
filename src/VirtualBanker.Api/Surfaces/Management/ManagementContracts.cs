using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using VirtualBanker.Api.Hosting;
using VirtualBanker.Core.Agents;
using VirtualBanker.Core.Tenancy;

namespace VirtualBanker.Api.Surfaces.Management;

public sealed record ManagementLoginRequest(
    [property: Required, MaxLength(320)] string? Email,
    [property: Required, MaxLength(1024)] string? Password);

public sealed record ManagementLoginResponse(string AccessToken, string TokenType);

public sealed record VoiceSettingsBody(
    [property: Required, RegularExpression("^[a-z0-9_-]{1,32}$")] string? Provider,
    [property: Required, MinLength(1), MaxLength(64)] string? VoiceId,
    [property: Range(0, 2)] double? Temperature)
{
    public VoiceSettings ToSettings() => new() { Provider = Provider!, VoiceId = VoiceId!, Temperature = Temperature ?? 0.7 };
}

internal static class AgentSlug
{
    /// <summary>Lower-case letters, digits and hyphens, at most 64, not starting with a hyphen.</summary>
    public const string Pattern = "^[a-z0-9][a-z0-9-]{0,63}$";
}

public sealed record CreateAgentRequest(
    [property: Required, MinLength(1), MaxLength(200), PlainText] string? Name,
    [property: Required, RegularExpression(AgentSlug.Pattern)] string? Slug,
    [property: MaxLength(1000)] string? Description,
    [property: MaxLength(20_000)] string? SystemPrompt,
    bool? Enabled,
    VoiceSettingsBody? VoiceSettings,
    [property: MaxLength(50)] List<string>? AllowedTools,
    [property: MaxLength(64)] string? ClientId);

public sealed record UpdateAgentRequest(
    [property: MinLength(1), MaxLength(200), PlainText] string? Name,
    [property: RegularExpression(AgentSlug.Pattern)] string? Slug,
    [property: MaxLength(1000)] string? Description,
    [property: MaxLength(20_000)] string? SystemPrompt,
    bool? Enabled,
    VoiceSettingsBody? VoiceSettings,
    [property: MaxLength(50)] List<string>? AllowedTools);

public sealed record AgentResponse(
    Guid Id, string Slug, string Name, string? Description, string ClientId, bool Enabled, string SystemPrompt, VoiceSettings VoiceSettings,
    IReadOnlyList<string> AllowedTools, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static AgentResponse From(Agent a) =>
        new(a.Id, a.Slug, a.Name, a.Description, a.TenantId, a.Enabled, a.SystemPrompt, a.VoiceSettings, a.AllowedTools, a.CreatedAt, a.UpdatedAt);
}

public sealed record FirstAdminBody(
    [property: Required, StrictEmail, MaxLength(320)] string? Email,
    [property: Required, MaxLength(1024)] string? Password,
    [property: Required, MinLength(1), MaxLength(200), PlainText] string? Name);

public sealed record CreateClientRequest(
    [property: Required, RegularExpression("^[a-z0-9][a-z0-9-]{1,62}$")] string? Id,
    [property: Required, MinLength(1), MaxLength(200), PlainText] string? Name,
    [property: MaxLength(253)] string? Domain,
    bool? Active,
    JsonObject? Settings,
    FirstAdminBody? Admin);

public sealed record UpdateClientRequest(
    [property: MinLength(1), MaxLength(200), PlainText] string? Name,
    [property: MaxLength(253)] string? Domain,
    bool? Active,
    JsonObject? Settings);

/// <summary>A client as returned: <c>settings</c> with every secret redacted.</summary>
public sealed record ClientResponse(string Id, string Name, string? Domain, bool Active, JsonObject Settings, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static ClientResponse From(Tenant t) => new(t.Id, t.Name, t.Domain, t.Active, TenantSettingsDocument.Render(t.Settings), t.CreatedAt, t.UpdatedAt);
}
