using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using VirtualBanker.Api.Hosting;
using VirtualBanker.Api.Surfaces.Customer;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Errors;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Observability;
using VirtualBanker.Core.Sessions;
using VirtualBanker.Core.Workspace;

namespace VirtualBanker.Api.Surfaces.Workspace;

public sealed record CurrentSessionResponse(string SessionId, Guid UserId, Guid? BotId, DateTime CreatedAt, DateTime ExpiresAt);

public sealed record CreateBotSessionRequest([property: Required] Guid? BotId);

public sealed record BotSessionResponse(string SessionId, Guid BotId, bool Active, DateTime CreatedAt, DateTime ExpiresAt);

public sealed record EndBotSessionResponse(bool Success, string SessionId, string Status);

public sealed record UserResponse(Guid Id, string Username, string Email, string? FirstName, string? LastName, DateTime CreatedAt);

public sealed record UpdateUserRequest(
    [property: StrictEmail, MaxLength(320)] string? Email,
    [property: MinLength(1), MaxLength(100), PlainText] string? FirstName,
    [property: MinLength(1), MaxLength(100), PlainText] string? LastName,
    [property: MaxLength(1024)] string? CurrentPassword = null);

public sealed record BotResponse(Guid Id, string Name, string? Description, string Status);

public sealed record CreateGroupRequest(
    [property: Required, MinLength(1), MaxLength(100), PlainText] string? Name,
    [property: MaxLength(500)] string? Description,
    [property: MinLength(1), MaxLength(200)] string? DirectoryGroup,
    [property: MaxLength(500)] List<Guid>? MemberIds,
    [property: MaxLength(100)] List<Guid>? BotIds);

public sealed record AddMemberRequest([property: Required] Guid? UserId);

public sealed record GroupResponse(Guid Id, string Name, string? Description, string? DirectoryGroup, int MemberCount, IReadOnlyList<Guid> BotIds, DateTime CreatedAt);

public sealed record MemberResponse(Guid UserId, string Email, string Name, DateTime AddedAt);

/// <summary>Contract 004's REST side: the current and bot sessions, the profile, bots, groups and the admin system views.</summary>
internal static class WorkspaceEndpoints
{
    public static RouteGroupBuilder MapWorkspaceEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/api/session", CurrentSessionAsync).WithTags("Sessions");
        group.MapPost("/api/session/create", CreateSessionAsync).WithTags("Sessions");
        group.MapDelete("/api/session/{sessionId}", EndSessionAsync).WithTags("Sessions");
        group.MapGet("/api/users/me", MeAsync).WithTags("Users");
        group.MapPut("/api/users/me", UpdateMeAsync).WithTags("Users");
        group.MapGet("/api/bots", BotsAsync).WithTags("Bots");
        group.MapPost("/api/groups/create", CreateGroupAsync).WithTags("Groups");
        group.MapGet("/api/groups/list", GroupsAsync).WithTags("Groups");
        group.MapGet("/api/groups/{groupId:guid}/members", MembersAsync).WithTags("Groups");
        group.MapPost("/api/groups/{groupId:guid}/members", AddMemberAsync).WithTags("Groups");

        var admin = group.MapGroup("/api/admin/system").WithTags("Admin").RequireAuthorization(AuthPolicies.TenantAdmin);
        admin.MapGet("/status", (ComponentHealth health, CancellationToken ct) => health.RespondAsync(probeProviders: true, ct))
            .Produces<HealthReport>().Produces<HealthReport>(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("The components' health, model providers probed").WithDescription("Database, cache, bus and the tenant's model endpoints; for the bank's admins.");
        // Contract 004: the directory's admins see the operational statistics (aggregates by route pattern: no tenant's data).
        admin.MapGet("/metrics", (MetricsCollector metrics) => ObservabilityEndpoints.GetMetrics(metrics))
            .WithSummary("Operational statistics").WithDescription("Request counts and latencies by route pattern, chat and WebSocket counters: aggregates with no tenant's data.");
        return group;
    }

    /// <summary>The sign-in session (login) the token belongs to, and the bot of the user's latest open bot session.</summary>
    public static async Task<Ok<CurrentSessionResponse>> CurrentSessionAsync(ClaimsPrincipal user, ICurrentPrincipal principal, VirtualBankerDbContext db, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var userId = principal.UserId!.Value;
        var sessionId = principal.SessionId ?? "";
        var family = Guid.TryParse(sessionId, out var f) ? f : Guid.Empty;
        var started = await db.RefreshTokens.AsNoTracking().Where(t => t.FamilyId == family).MinAsync(t => (DateTime?)t.CreatedAt, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var botId = await db.Sessions.AsNoTracking().Where(s => s.UserId == userId && s.Status == SessionStatus.Active && s.ExpiresAt > now)
            .OrderByDescending(s => s.CreatedAt).Select(s => s.AgentId).FirstOrDefaultAsync(cancellationToken);
        return TypedResults.Ok(new CurrentSessionResponse(sessionId, userId, botId, started ?? UnixClaim(user, "iat"), UnixClaim(user, "exp")));
    }

    /// <summary>Opens a session with a bot the user may use (through one of their groups); any other bot is "not found".</summary>
    public static async Task<Created<BotSessionResponse>> CreateSessionAsync(CreateBotSessionRequest request, ICurrentPrincipal principal, WorkspaceService workspace,
        ChatSessionService sessions, CancellationToken cancellationToken)
    {
        var bot = await workspace.BotAsync(request.BotId!.Value, cancellationToken);
        var session = await sessions.CreateAsync(principal, bot.Id.ToString(), cancellationToken);
        return TypedResults.Created($"/api/session/{session.Id}", new BotSessionResponse(session.Id, bot.Id, true, session.CreatedAt, session.ExpiresAt));
    }

    /// <summary>
    /// Ends a session: the caller's own sign-in session (the id <c>GET /api/session</c> gives; its tokens stop at once, as at logout),
    /// or a bot session, the owner's own or any in the tenant for an admin.
    /// </summary>
    public static async Task<Ok<EndBotSessionResponse>> EndSessionAsync(string sessionId, ICurrentPrincipal principal, ClaimsPrincipal user, ChatSessionService sessions,
        TokenService tokens, CancellationToken cancellationToken)
    {
        if (string.Equals(sessionId, principal.SessionId, StringComparison.Ordinal) && Guid.TryParse(sessionId, out var login))
        {
            await tokens.RevokeFamilyAsync(login, cancellationToken, UnixClaim(user, "exp"));
            return TypedResults.Ok(new EndBotSessionResponse(true, sessionId, "ended"));
        }

        var session = await sessions.GetForCallerAsync(sessionId, principal, cancellationToken, adminMayAccess: true);
        await sessions.EndAsync(session.Id, cancellationToken);
        return TypedResults.Ok(new EndBotSessionResponse(true, session.Id, "ended"));
    }

    /// <summary>The signed-in person: name, e-mail, roles and bank.</summary>
    public static async Task<Ok<UserResponse>> MeAsync(WorkspaceService workspace, CancellationToken cancellationToken) =>
        TypedResults.Ok(ToResponse(await workspace.ProfileAsync(cancellationToken)));

    /// <summary>Changes the signed-in person's name or e-mail. A new e-mail needs current_password and stays unverified until its link is used.</summary>
    public static async Task<Ok<UserResponse>> UpdateMeAsync(UpdateUserRequest request, WorkspaceService workspace, CancellationToken cancellationToken)
    {
        if (request is { Email: null, FirstName: null, LastName: null })
        {
            throw new AppException(AppError.Validation("body", "Send at least one of email, first_name, last_name."));
        }

        return TypedResults.Ok(ToResponse(await workspace.UpdateProfileAsync(new ProfileInput(request.Email, request.FirstName, request.LastName, request.CurrentPassword), cancellationToken)));
    }

    /// <summary>The bots the signed-in person may talk to.</summary>
    public static async Task<Ok<List<BotResponse>>> BotsAsync(WorkspaceService workspace, CancellationToken cancellationToken) =>
        TypedResults.Ok((await workspace.BotsAsync(cancellationToken)).Select(a => new BotResponse(a.Id, a.Name, a.Description, a.Enabled ? "active" : "disabled")).ToList());

    /// <summary>Creates a group of people and bots.</summary>
    public static async Task<Created<GroupResponse>> CreateGroupAsync(CreateGroupRequest request, WorkspaceService workspace, CancellationToken cancellationToken)
    {
        var view = await workspace.CreateGroupAsync(request.Name!.Trim(), request.Description, request.DirectoryGroup, request.MemberIds ?? [], request.BotIds ?? [], cancellationToken);
        return TypedResults.Created($"/api/groups/{view.Group.Id}/members", ToResponse(view));
    }

    /// <summary>The groups the signed-in person belongs to.</summary>
    public static async Task<Ok<List<GroupResponse>>> GroupsAsync(WorkspaceService workspace, CancellationToken cancellationToken) =>
        TypedResults.Ok((await workspace.GroupsAsync(cancellationToken)).Select(ToResponse).ToList());

    /// <summary>The members of a group the caller belongs to.</summary>
    public static async Task<Ok<List<MemberResponse>>> MembersAsync(Guid groupId, WorkspaceService workspace, CancellationToken cancellationToken) =>
        TypedResults.Ok((await workspace.MembersAsync(groupId, cancellationToken)).Select(m => new MemberResponse(m.UserId, m.Email, m.Name, m.AddedAt)).ToList());

    /// <summary>Adds a person or a bot to a group.</summary>
    public static async Task<Ok<MemberResponse>> AddMemberAsync(Guid groupId, AddMemberRequest request, WorkspaceService workspace, CancellationToken cancellationToken)
    {
        var m = await workspace.AddMemberAsync(groupId, request.UserId!.Value, cancellationToken);
        return TypedResults.Ok(new MemberResponse(m.UserId, m.Email, m.Name, m.AddedAt));
    }

    private static UserResponse ToResponse(Core.Identity.User u) => new(u.Id, u.Email, u.Email, u.FirstName, u.LastName, u.CreatedAt);

    private static GroupResponse ToResponse(GroupView v) => new(v.Group.Id, v.Group.Name, v.Group.Description, v.Group.ExternalName, v.MemberCount, v.BotIds, v.Group.CreatedAt);

    internal static DateTime UnixClaim(ClaimsPrincipal user, string claim) =>
        long.TryParse(user.FindFirstValue(claim), out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime : DateTime.UnixEpoch;
}
