using System.ComponentModel;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Errors;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Tenancy;

namespace VirtualBanker.Core.Sessions;

public sealed record PortalSession(Session Session, AccessToken Token, TenantSettings Settings)
{
    /// <summary>An open session of the same customer picked up again (another page or tab of the portal), not a new one.</summary>
    public bool Resumed { get; init; }
}

/// <summary>A cached portal-subject look-up; UserId null when the portal's customer is not one of ours.</summary>
[ImmutableObject(true)]
internal sealed record LinkedCustomer(Guid? UserId);

/// <summary>
/// Contract 000: a bank's portal opens a session for its signed-in customer by presenting an assertion
/// it signed. The session gets an ephemeral token bound to it alone, lasts at most the tenant's
/// <c>max_session_duration_minutes</c>, and — when the tenant requires it — runs nothing before consent.
/// </summary>
public sealed class PortalSessionService(
    VirtualBankerDbContext db,
    TenantDirectory tenants,
    PortalAssertionVerifier verifier,
    TokenService tokens,
    ChatSessionService sessions,
    ITokenRevocationList revocations,
    IOneTimeIds oneTimeIds,
    Conversations.EventWriter writer,
    IOptions<PortalOptions> options,
    HybridCache cache,
    TimeProvider clock)
{
    private static readonly HybridCacheEntryOptions LinkEntry = new() { Expiration = TimeSpan.FromMinutes(5), LocalCacheExpiration = TimeSpan.FromMinutes(5) };
    private static readonly AppError Refused = AppError.Unauthorized("The auth_assertion could not be verified for this tenant.");

    /// <param name="resumeSessionId">
    /// A session this portal opened before (the widget keeps its id across page loads and tabs): picked up again, with its
    /// conversation and consent, when it is still open and belongs to the customer the new assertion names; otherwise a
    /// new session opens. The id alone grants nothing: a fresh assertion is needed every time.
    /// </param>
    public async Task<PortalSession> CreateAsync(string tenantId, string? userId, string assertion, Dictionary<string, string> portalContext, string? resumeSessionId,
        CancellationToken cancellationToken)
    {
        // One answer for an unknown tenant, a tenant without portal keys and a bad assertion: nothing is learned by probing.
        var tenant = await tenants.FindAsync(tenantId, cancellationToken);
        if (tenant is not { Active: true, Settings.PortalAuth: { } auth })
        {
            throw new AppException(Refused);
        }

        var identity = await verifier.VerifyAsync(auth, assertion, cancellationToken);
        if (identity is null || (userId is not null && !string.Equals(userId, identity.Subject, StringComparison.Ordinal))
            || !await oneTimeIds.TryUseAsync($"assertion:{tenant.Id}:{identity.AssertionId}", identity.AcceptedUntil, cancellationToken))
        {
            throw new AppException(Refused); // a replayed assertion, too: whoever copied it from the portal page gets no session
        }

        db.Tenant.UseTenant(tenant.Id);
        var agentId = tenant.DefaultAgentId ?? throw new AppException(new AppError(ErrorCodes.Unavailable, 503, "No assistant is configured for this bank."));

        var customerId = await LinkCustomerAsync(auth.Issuer, identity, cancellationToken);

        var now = clock.GetUtcNow().UtcDateTime;
        if (resumeSessionId is { Length: > 0 and <= 64 }
            && await db.Sessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == resumeSessionId && s.ExternalUserId == identity.Subject, cancellationToken) is { } open
            && open.UserId == customerId && open.IsOpenAt(now))
        {
            return new PortalSession(open, Token(open), tenant.Settings) { Resumed = true };
        }

        var policy = tenant.Settings.Policy;
        var session = new Session
        {
            Id = ChatSessionService.NewId(),
            TenantId = tenant.Id,
            UserId = customerId,
            AgentId = agentId,
            ExternalUserId = identity.Subject,
            PortalContext = portalContext,
            ConsentRequired = policy.RequireConsent,
            CreatedAt = now,
            ExpiresAt = now.AddMinutes(policy.MaxSessionDurationMinutes),
        };
        await writer.CreateSessionAsync(session, cancellationToken);
        return new PortalSession(session, Token(session), tenant.Settings);
    }

    /// <summary>
    /// The portal's customer as one of our customers, whose banking data the tools may then read: the
    /// user linked to this portal subject (the bank's own id for them), or else the user whose verified
    /// e-mail the bank asserts — linked from then on. An unverified address links nobody: whoever signed
    /// up first with someone else's address would otherwise be handed that person's portal sessions.
    /// The answer is cached a few minutes: a portal opens many sessions for the same customer.
    /// </summary>
    private async Task<Guid?> LinkCustomerAsync(string issuer, PortalIdentity identity, CancellationToken cancellationToken)
    {
        var key = $"vb:portal-link:{db.Tenant.TenantId}:{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{issuer}\n{identity.Subject}\n{identity.Email}")))}";
        return await cache.GetOrCreateAsync(key, async ct => new LinkedCustomer(await FindOrLinkCustomerAsync(issuer, identity, ct)), LinkEntry, cancellationToken: cancellationToken) is { } linked
            ? linked.UserId
            : null;
    }

    private async Task<Guid?> FindOrLinkCustomerAsync(string issuer, PortalIdentity identity, CancellationToken cancellationToken)
    {
        var linked = await db.Users.Where(u => u.ExternalIssuer == issuer && u.ExternalSubject == identity.Subject && u.Active)
            .Select(u => (Guid?)u.Id).FirstOrDefaultAsync(cancellationToken);
        if (linked is not null || identity.Email is not { Length: > 0 and <= 320 } email)
        {
            return linked;
        }

        email = UserAuthService.NormalizeEmail(email);
        var claimed = await db.Users.Where(u => u.Email == email && u.EmailVerifiedAt != null && u.Active && u.ExternalSubject == null && u.Roles.Any(r => r.Role == Roles.Customer))
            .Select(u => (Guid?)u.Id).FirstOrDefaultAsync(cancellationToken);
        if (claimed is not null)
        {
            await db.Users.Where(u => u.Id == claimed && u.ExternalSubject == null)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.ExternalIssuer, issuer).SetProperty(u => u.ExternalSubject, identity.Subject), cancellationToken);
        }

        return claimed;
    }

    /// <summary>A fresh ephemeral token for the caller's own, still open session.</summary>
    public async Task<PortalSession> RefreshAsync(string sessionId, ICurrentPrincipal caller, CancellationToken cancellationToken)
    {
        var session = await OpenSessionAsync(sessionId, caller, cancellationToken);
        var tenant = await tenants.FindAsync(session.TenantId, cancellationToken);
        return new PortalSession(session, Token(session), tenant!.Settings);
    }

    /// <summary>Records the customer's consent; from now on the session's messages are answered.</summary>
    public async Task<Session> GiveConsentAsync(string sessionId, ICurrentPrincipal caller, CancellationToken cancellationToken)
    {
        var session = await OpenSessionAsync(sessionId, caller, cancellationToken);
        if (session.ConsentGivenAt is null)
        {
            session.ConsentGivenAt = clock.GetUtcNow().UtcDateTime;
            await db.Sessions.Where(s => s.Id == session.Id && s.ConsentGivenAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.ConsentGivenAt, session.ConsentGivenAt), cancellationToken);
        }

        return session;
    }

    /// <summary>
    /// The customer takes their consent back: the assistant stops reading their data at once. The session ends (its tokens
    /// are refused and its streams close, on every node), so no copy of it held by an open socket keeps answering; opening
    /// the assistant again starts a new session that asks again.
    /// </summary>
    public async Task WithdrawConsentAsync(string sessionId, ICurrentPrincipal caller, CancellationToken cancellationToken)
    {
        var session = await sessions.GetForCallerAsync(sessionId, caller, cancellationToken);
        await db.Sessions.Where(s => s.Id == session.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.ConsentGivenAt, (DateTime?)null), cancellationToken);
        await EndAsync(session, cancellationToken);
    }

    /// <summary>Ends the session: its tokens are refused from now on and its streams close. Ending twice is fine.</summary>
    public async Task EndAsync(string sessionId, ICurrentPrincipal caller, CancellationToken cancellationToken) =>
        await EndAsync(await sessions.GetForCallerAsync(sessionId, caller, cancellationToken, adminMayAccess: true), cancellationToken);

    private async Task EndAsync(Session session, CancellationToken cancellationToken)
    {
        await sessions.EndAsync(session.Id, cancellationToken);
        await revocations.RevokeAsync(session.Id, session.ExpiresAt.AddMinutes(options.Value.EphemeralTokenMinutes), cancellationToken);
    }

    private async Task<Session> OpenSessionAsync(string sessionId, ICurrentPrincipal caller, CancellationToken cancellationToken)
    {
        var session = await sessions.GetForCallerAsync(sessionId, caller, cancellationToken);
        if (!session.IsOpenAt(clock.GetUtcNow().UtcDateTime))
        {
            throw new AppException(AppError.Unauthorized("The session has ended."));
        }

        return session;
    }

    private AccessToken Token(Session session)
    {
        var expires = clock.GetUtcNow().UtcDateTime.AddMinutes(options.Value.EphemeralTokenMinutes);
        return tokens.CreateSessionToken(session.TenantId, session.Id, expires < session.ExpiresAt ? expires : session.ExpiresAt);
    }
}
