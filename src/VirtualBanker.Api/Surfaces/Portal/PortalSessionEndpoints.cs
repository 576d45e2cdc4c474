using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using VirtualBanker.Api.Hosting;
using VirtualBanker.Core.Errors;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Realtime;
using VirtualBanker.Core.Sessions;

namespace VirtualBanker.Api.Surfaces.Portal;

public sealed record CreatePortalSessionRequest(
    [property: Required, MinLength(1), MaxLength(64)] string? TenantId,
    [property: MaxLength(200)] string? UserId,
    [property: Required, MinLength(1), MaxLength(8192)] string? AuthAssertion,
    JsonObject? PortalContext,
    [property: MaxLength(64)] string? ResumeSessionId = null);

/// <param name="PrivacyNoticeUrl">An addition: the bank's privacy notice, for the consent question to link to (null when the bank set none).</param>
public sealed record PortalPolicy(int MaxSessionDurationMinutes, int RateLimitPerMinute, bool RequireConsent, string? PrivacyNoticeUrl);

/// <summary>The tenant's settings for the widget, plus <c>ice_servers</c> for <c>RTCPeerConnection</c> (STUN, and TURN with credentials for this session).</summary>
public sealed record PortalConfig(IReadOnlyDictionary<string, string> Theme, bool AvatarEnabled, string Greeting, IReadOnlyList<string> AllowedTools, PortalPolicy Policy,
    IReadOnlyList<IceServer> IceServers);

/// <summary>
/// Contract 000's session. <c>expires_at</c> is when the ephemeral token expires (refresh before it). Additions:
/// <c>session_expires_at</c>, when the session itself ends (the tenant's maximum duration); <c>resumed</c>, true when
/// <c>resume_session_id</c> picked up an open session of the same customer (its conversation replays from event 0);
/// <c>consent_given</c>, whether that session already has the customer's consent.
/// </summary>
public sealed record PortalSessionResponse(string SessionId, string EphemeralToken, PortalConfig Config, DateTime ExpiresAt, DateTime SessionExpiresAt,
    bool Resumed, bool ConsentGiven);

public sealed record RefreshTokenResponse(string EphemeralToken, DateTime ExpiresAt);

public sealed record EndSessionResponse(string Status);

public sealed record ConsentResponse(string Status, DateTime ConsentGivenAt);

internal static class PortalSessionEndpoints
{
    private const int MaxContextEntries = 20;

    public static RouteGroupBuilder MapPortalSessionEndpoints(this RouteGroupBuilder group)
    {
        group.MapPost("", CreateAsync).AllowAnonymous();
        group.MapPost("/{sessionId}/refresh-token", RefreshAsync).RequireAuthorization(AuthPolicies.PortalSession);
        group.MapPost("/{sessionId}/consent", ConsentAsync).RequireAuthorization(AuthPolicies.PortalSession);
        group.MapDelete("/{sessionId}/consent", WithdrawConsentAsync).RequireAuthorization(AuthPolicies.PortalSession);
        group.MapPost("/{sessionId}/end", EndAsync).RequireAuthorization(AuthPolicies.PortalSessionOrAdmin);
        return group;
    }

    /// <summary>Verifies the portal's assertion and opens a session; 401 for any assertion that does not verify.</summary>
    public static async Task<Created<PortalSessionResponse>> CreateAsync(CreatePortalSessionRequest request, PortalSessionService portal, IceServers iceServers,
        CancellationToken cancellationToken)
    {
        var created = await portal.CreateAsync(request.TenantId!, request.UserId, request.AuthAssertion!, Context(request.PortalContext), request.ResumeSessionId, cancellationToken);
        var s = created.Settings;
        var policy = s.Policy;
        return TypedResults.Created($"/v1/sessions/{created.Session.Id}", new PortalSessionResponse(
            created.Session.Id,
            created.Token.Token,
            new PortalConfig(s.Theme, s.AvatarEnabled, s.Greeting, s.AllowedTools, new PortalPolicy(policy.MaxSessionDurationMinutes, policy.RateLimitPerMinute, policy.RequireConsent, policy.PrivacyNoticeUrl),
                iceServers.For(created.Session.Id, created.Session.ExpiresAt)),
            created.Token.ExpiresAt,
            created.Session.ExpiresAt,
            created.Resumed,
            !created.Session.AwaitsConsent));
    }

    /// <summary>A fresh ephemeral token for the caller's own, still open portal session. Call it before expires_at; the session itself ends at session_expires_at.</summary>
    public static async Task<Ok<RefreshTokenResponse>> RefreshAsync(string sessionId, ICurrentPrincipal principal, PortalSessionService portal, CancellationToken cancellationToken)
    {
        var refreshed = await portal.RefreshAsync(sessionId, principal, cancellationToken);
        return TypedResults.Ok(new RefreshTokenResponse(refreshed.Token.Token, refreshed.Token.ExpiresAt));
    }

    /// <summary>The customer agrees to talk to the assistant; until then, where the tenant requires it, messages are refused with 403.</summary>
    public static async Task<Ok<ConsentResponse>> ConsentAsync(string sessionId, ICurrentPrincipal principal, PortalSessionService portal, CancellationToken cancellationToken)
    {
        var session = await portal.GiveConsentAsync(sessionId, principal, cancellationToken);
        return TypedResults.Ok(new ConsentResponse("consent_given", session.ConsentGivenAt!.Value));
    }

    /// <summary>The customer takes their consent back: the session ends at once (see <see cref="PortalSessionService.WithdrawConsentAsync"/>).</summary>
    public static async Task<Ok<EndSessionResponse>> WithdrawConsentAsync(string sessionId, ICurrentPrincipal principal, PortalSessionService portal, CancellationToken cancellationToken)
    {
        await portal.WithdrawConsentAsync(sessionId, principal, cancellationToken);
        return TypedResults.Ok(new EndSessionResponse("consent_withdrawn"));
    }

    /// <summary>Ends a portal session: its tokens are refused at once and its streams close. Its own token or an admin of its tenant; ending twice is fine.</summary>
    public static async Task<Ok<EndSessionResponse>> EndAsync(string sessionId, ICurrentPrincipal principal, PortalSessionService portal, CancellationToken cancellationToken)
    {
        await portal.EndAsync(sessionId, principal, cancellationToken);
        return TypedResults.Ok(new EndSessionResponse("ended"));
    }

    /// <summary>portal_context is where the customer is in the portal (route, account id): a small flat map of short values.</summary>
    private static Dictionary<string, string> Context(JsonObject? context)
    {
        if (context is null)
        {
            return [];
        }

        if (context.Count > MaxContextEntries)
        {
            throw new AppException(AppError.Validation("portal_context", $"portal_context has at most {MaxContextEntries} entries."));
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in context)
        {
            var text = (value as JsonValue)?.GetValueKind() switch
            {
                JsonValueKind.String => value!.GetValue<string>(),
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value!.ToJsonString(),
                _ => null,
            };
            if (key.Length is 0 or > 64 || text is null || text.Length > 512)
            {
                throw new AppException(AppError.Validation($"portal_context.{key}", "portal_context values are strings, numbers or booleans of at most 512 characters, under keys of 1-64 characters."));
            }

            result[key] = text;
        }

        return result;
    }
}
