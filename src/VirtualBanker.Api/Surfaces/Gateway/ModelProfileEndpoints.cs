using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using VirtualBanker.Api.Hosting;
using VirtualBanker.Core.Agents;
using VirtualBanker.Core.Errors;

namespace VirtualBanker.Api.Surfaces.Gateway;

public sealed record ModelParametersBody(
    [property: Range(0, 2)] double? Temperature,
    [property: Range(1, 200_000)] int? MaxOutputTokens,
    [property: Range(0, 1)] double? TopP,
    [property: Range(1, 600)] int? TimeoutSeconds);

public sealed record CreateModelProfileRequest(
    [property: Required, RegularExpression("^[a-z0-9_-]{1,64}$")] string? Role,
    [property: Required, RegularExpression("^[a-z0-9_-]{1,64}$")] string? DeploymentMode,
    [property: Required, MaxLength(32)] string? Provider,
    [property: Required, MinLength(1), MaxLength(200)] string? Model,
    [property: MaxLength(2048)] string? BaseUrl,
    [property: MaxLength(4096)] string? ApiKey,
    ModelParametersBody? Parameters);

public sealed record UpdateModelProfileRequest(
    [property: Required, MaxLength(32)] string? Provider,
    [property: Required, MinLength(1), MaxLength(200)] string? Model,
    [property: MaxLength(2048)] string? BaseUrl,
    [property: MaxLength(4096)] string? ApiKey,
    ModelParametersBody? Parameters);

/// <summary>A profile as returned: the API key is never sent back, only whether one is set.</summary>
public sealed record ModelProfileResponse(
    Guid Id, string Role, string DeploymentMode, string Provider, string Model, string? BaseUrl, bool HasApiKey, ModelParametersBody Parameters, string UpdatedAt);

public sealed record RouteRequest([property: MaxLength(64)] string? Role, [property: MaxLength(64)] string? DeploymentMode);

public sealed record RouteResponse(string Chosen, double Score, ModelProfileResponse? Profile);

internal static class ModelProfileEndpoints
{
    public static RouteGroupBuilder MapModelProfileEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/model-profiles", ListAsync);
        group.MapPost("/model-profiles", CreateAsync);
        group.MapPut("/model-profiles/{role}/{deploymentMode}", UpdateAsync);
        group.MapDelete("/model-profiles/{role}/{deploymentMode}", DeleteAsync);
        group.MapPost("/route", RouteAsync);
        return group;
    }

    /// <summary>The tenant's model profiles: which OpenAI-compatible endpoint answers each role. API keys are never shown.</summary>
    public static async Task<Ok<List<ModelProfileResponse>>> ListAsync(ModelProfileService profiles, CancellationToken cancellationToken) =>
        TypedResults.Ok((await profiles.ListAsync(cancellationToken)).Select(ToResponse).ToList());

    /// <summary>Adds a model profile for a role and deployment mode. Its base_url goes through the outbound guard (no private or metadata addresses unless the operator allows them).</summary>
    public static async Task<Created<ModelProfileResponse>> CreateAsync(CreateModelProfileRequest request, ModelProfileService profiles, CancellationToken cancellationToken)
    {
        var profile = await profiles.CreateAsync(request.Role!, request.DeploymentMode!,
            new ModelProfileInput(request.Provider!, request.Model!, request.BaseUrl, request.ApiKey, ToParameters(request.Parameters)), cancellationToken);
        return TypedResults.Created($"/v1/model-profiles/{profile.Role}/{profile.DeploymentMode}", ToResponse(profile));
    }

    /// <summary>Changes a model profile. Sending the redacted api_key back keeps the stored one.</summary>
    public static async Task<Results<Ok<ModelProfileResponse>, ErrorResult>> UpdateAsync(
        string role, string deploymentMode, UpdateModelProfileRequest request, ModelProfileService profiles, CancellationToken cancellationToken) =>
        await profiles.UpdateAsync(role, deploymentMode,
            new ModelProfileInput(request.Provider!, request.Model!, request.BaseUrl, request.ApiKey, ToParameters(request.Parameters)), cancellationToken) is { } profile
            ? TypedResults.Ok(ToResponse(profile))
            : new ErrorResult(AppError.NotFound("No such model profile."));

    /// <summary>Removes a model profile; the builtin assistant answers in its place.</summary>
    public static async Task<Results<Ok<StatusResponse>, ErrorResult>> DeleteAsync(string role, string deploymentMode, ModelProfileService profiles, CancellationToken cancellationToken) =>
        await profiles.DeleteAsync(role, deploymentMode, cancellationToken)
            ? TypedResults.Ok(new StatusResponse("deleted"))
            : new ErrorResult(AppError.NotFound("No such model profile."));

    /// <summary>Picks a profile by the rule documented on <see cref="ModelProfileService.RouteAsync"/>.</summary>
    public static async Task<Ok<RouteResponse>> RouteAsync(RouteRequest request, ModelProfileService profiles, CancellationToken cancellationToken)
    {
        var choice = await profiles.RouteAsync(request.Role, request.DeploymentMode, cancellationToken);
        return TypedResults.Ok(choice.Profile is { } p
            ? new RouteResponse($"{p.Provider}:{p.Model}", choice.Score, ToResponse(p))
            : new RouteResponse("builtin", choice.Score, null));
    }

    private static ModelParameters? ToParameters(ModelParametersBody? body) => body is null ? null : new ModelParameters
    {
        Temperature = body.Temperature,
        MaxOutputTokens = body.MaxOutputTokens,
        TopP = body.TopP,
        TimeoutSeconds = body.TimeoutSeconds,
    };

    private static ModelProfileResponse ToResponse(ModelProfile p) => new(
        p.Id, p.Role, p.DeploymentMode, p.Provider, p.Model, p.BaseUrl, p.ProtectedApiKey is not null,
        new ModelParametersBody(p.Parameters.Temperature, p.Parameters.MaxOutputTokens, p.Parameters.TopP, p.Parameters.TimeoutSeconds),
        p.UpdatedAt.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));
}
