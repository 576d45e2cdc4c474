using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using VirtualBanker.Api.Hosting;
using VirtualBanker.Core.Agents;
using VirtualBanker.Core.Errors;
using VirtualBanker.Core.Identity;

namespace VirtualBanker.Api.Surfaces.Gateway;

public sealed record CreateKeyRequest(
    [property: Required, MinLength(1), MaxLength(200), PlainText] string? Label,
    [property: MinLength(1), MaxLength(10)] List<string>? Scopes,
    DateTime? ExpiresAt);

/// <summary>The key as listed; <c>secret</c> is present only in the answer to its creation.</summary>
public sealed record KeyResponse(Guid KeyId, string Label, string Prefix, IReadOnlyList<string> Scopes, DateTime CreatedAt, DateTime? ExpiresAt, DateTime? LastUsedAt,
    DateTime? RevokedAt, string? Secret = null)
{
    public static KeyResponse From(ApiKey k, string? secret = null) => new(k.Id, k.Label, k.Prefix, k.Scopes, k.CreatedAt, k.ExpiresAt, k.LastUsedAt, k.RevokedAt, secret);
}

public sealed record RevokeKeyResponse(string Status, Guid KeyId);

public sealed record CapsuleResponse(string Id, string Name, string Description, string Version, IReadOnlyList<string> Tools, bool Installed, DateTime? InstalledAt)
{
    public static CapsuleResponse From(CapsuleView v) => new(v.Capsule.Id, v.Capsule.Name, v.Capsule.Description, v.Capsule.Version, v.Capsule.Tools, v.Installed, v.InstalledAt);
}

public sealed record InstallCapsuleResponse(string Status, CapsuleResponse Capsule, IReadOnlyList<string> AllowedTools);

/// <summary>Contract 002's operations: API keys, the capsule catalog and component health.</summary>
internal static class OperationsEndpoints
{
    /// <summary>What a key may be given. A key may hand out only scopes it has itself.</summary>
    public static readonly IReadOnlyList<string> DefaultKeyScopes = ["chat"];

    public static readonly IReadOnlySet<string> KeyScopes = new HashSet<string>(["chat", "sessions", "admin", "transactions:ingest", "realtime"], StringComparer.Ordinal);

    public static RouteGroupBuilder MapOperationsEndpoints(this RouteGroupBuilder v1)
    {
        var keys = v1.MapGroup("/keys").WithTags("API keys").RequireAuthorization(AuthPolicies.GatewayAdmin);
        keys.MapPost("", CreateKeyAsync);
        keys.MapGet("", ListKeysAsync);
        keys.MapDelete("/{keyId:guid}", RevokeKeyAsync);

        var capsules = v1.MapGroup("/capsules").WithTags("Capsules").RequireAuthorization(AuthPolicies.GatewayAdmin);
        capsules.MapGet("", async (CapsuleService service, CancellationToken ct) => TypedResults.Ok((await service.ListAsync(ct)).Select(CapsuleResponse.From).ToList()))
            .WithSummary("The capsules (tool packs) the server ships").WithDescription("Each with its tools and whether the tenant installed it.");
        capsules.MapGet("/{capsuleId}", async (string capsuleId, CapsuleService service, CancellationToken ct) => TypedResults.Ok(CapsuleResponse.From(await service.GetAsync(capsuleId, ct))))
            .WithSummary("One capsule").WithDescription("Its tools and whether the tenant installed it.");
        capsules.MapPost("/{capsuleId}/install", InstallCapsuleAsync);

        // Component status (seed 002), behind the gateway's authentication as GATEWAY_REQUIRE_AUTH says.
        v1.MapGet("/health", HealthAsync).WithTags("Health").RequireAuthorization(AuthPolicies.GatewayHealth)
            .Produces<HealthReport>().Produces<HealthReport>(StatusCodes.Status503ServiceUnavailable);
        return v1;
    }

    /// <summary>The components; the tenant's model endpoints are probed for admins only (the probe must not map a network for anyone else).</summary>
    public static async Task<IResult> HealthAsync(ComponentHealth health, HttpContext context, IAuthorizationService authorization, CancellationToken cancellationToken) =>
        await health.RespondAsync((await authorization.AuthorizeAsync(context.User, AuthPolicies.GatewayAdmin)).Succeeded, cancellationToken);

    /// <summary>Creates an API key for the tenant. The secret is in this answer only; scopes default to ["chat"].</summary>
    public static async Task<Created<KeyResponse>> CreateKeyAsync(CreateKeyRequest request, ICurrentPrincipal principal, ApiKeyService keys, TimeProvider clock, CancellationToken cancellationToken)
    {
        // Contract 002 names no scopes: a key created with only a label may chat (least privilege), nothing more.
        var scopes = (request.Scopes ?? DefaultKeyScopes).Distinct(StringComparer.Ordinal).ToList();
        if (scopes.FirstOrDefault(s => !KeyScopes.Contains(s)) is { } unknown)
        {
            throw new AppException(AppError.Validation("scopes", $"Unknown scope '{unknown}'. Scopes: {string.Join(", ", KeyScopes.Order())}."));
        }

        if (principal.UserId is null && scopes.FirstOrDefault(s => !principal.HasScope(s)) is { } wider)
        {
            throw new AppException(AppError.Forbidden($"A key cannot grant the scope '{wider}', which it does not have."));
        }

        if (request.ExpiresAt is { } expires && expires.ToUniversalTime() <= clock.GetUtcNow().UtcDateTime)
        {
            throw new AppException(AppError.Validation("expires_at", "expires_at must be in the future."));
        }

        var created = await keys.CreateAsync(request.Label!, scopes, request.ExpiresAt?.ToUniversalTime(), principal.UserId, cancellationToken);
        return TypedResults.Created($"/v1/keys/{created.Key.Id}", KeyResponse.From(created.Key, created.Secret));
    }

    /// <summary>The tenant's API keys, without their secrets.</summary>
    public static async Task<Ok<List<KeyResponse>>> ListKeysAsync(ApiKeyService keys, CancellationToken cancellationToken) =>
        TypedResults.Ok((await keys.ListAsync(cancellationToken)).Select(k => KeyResponse.From(k)).ToList());

    /// <summary>Revokes an API key: it is refused from now on, on every node.</summary>
    public static async Task<Results<Ok<RevokeKeyResponse>, ErrorResult>> RevokeKeyAsync(Guid keyId, ApiKeyService keys, CancellationToken cancellationToken) =>
        await keys.RevokeAsync(keyId, cancellationToken)
            ? TypedResults.Ok(new RevokeKeyResponse("revoked", keyId))
            : new ErrorResult(AppError.NotFound("No such key."));

    /// <summary>Installs a capsule (a tool pack) for the tenant: its tools join the tenant's allowed tools.</summary>
    public static async Task<Ok<InstallCapsuleResponse>> InstallCapsuleAsync(string capsuleId, CapsuleService capsules, CancellationToken cancellationToken)
    {
        var installed = await capsules.InstallAsync(capsuleId, cancellationToken);
        return TypedResults.Ok(new InstallCapsuleResponse("installed", CapsuleResponse.From(installed.Capsule), installed.AllowedTools));
    }
}
