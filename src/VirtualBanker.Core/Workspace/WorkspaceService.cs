using Microsoft.EntityFrameworkCore;
using VirtualBanker.Core.Agents;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Errors;
using VirtualBanker.Core.Identity;

namespace VirtualBanker.Core.Workspace;

public sealed record GroupView(Group Group, int MemberCount, IReadOnlyList<Guid> BotIds);

public sealed record MemberView(Guid UserId, string Email, string Name, DateTime AddedAt);

public sealed record ProfileInput(string? Email, string? FirstName, string? LastName, string? CurrentPassword = null);

/// <summary>
/// Contract 004's organisation: groups of users, and the bots (agents) each group may use. A user
/// may use a bot when one of their groups has it; admins may use and see everything in their tenant.
/// </summary>
public sealed class WorkspaceService(
    VirtualBankerDbContext db, ICurrentPrincipal caller, ScimClient directory, UserAuthService auth, EmailVerification verification, TimeProvider clock)
{
    private Guid Me => caller.UserId ?? throw new AppException(AppError.Unauthorized());

    public async Task<List<Agent>> BotsAsync(CancellationToken cancellationToken)
    {
        var bots = db.Agents.AsNoTracking().Where(a => a.Enabled);
        if (!caller.IsAdmin)
        {
            var me = Me;
            var allowed = db.GroupAgents.Where(ga => db.GroupMembers.Any(m => m.GroupId == ga.GroupId && m.UserId == me)).Select(ga => ga.AgentId);
            bots = bots.Where(a => allowed.Contains(a.Id));
        }

        return await bots.OrderBy(a => a.Name).ToListAsync(cancellationToken);
    }

    /// <summary>The bot if the caller may use it; "not found" otherwise, so bots of other groups stay unseen.</summary>
    public async Task<Agent> BotAsync(Guid botId, CancellationToken cancellationToken) =>
        (await BotsAsync(cancellationToken)).FirstOrDefault(a => a.Id == botId) ?? throw new AppException(AppError.NotFound("No such bot."));

    /// <summary>Creates a group; with <paramref name="directoryGroup"/> it mirrors that directory group, whose members join and leave it at sign-in.</summary>
    public async Task<GroupView> CreateGroupAsync(string name, string? description, string? directoryGroup, IReadOnlyList<Guid> memberIds, IReadOnlyList<Guid> botIds,
        CancellationToken cancellationToken)
    {
        RequireAdmin();
        if (await db.Groups.AnyAsync(g => g.Name == name, cancellationToken))
        {
            throw new AppException(AppError.Conflict("A group with this name already exists."));
        }

        var members = memberIds.Distinct().ToList();
        var bots = botIds.Distinct().ToList();
        if (await db.Users.CountAsync(u => members.Contains(u.Id), cancellationToken) != members.Count)
        {
            throw new AppException(AppError.Validation("member_ids", "Every member must be a user of this organisation."));
        }

        if (await db.Agents.CountAsync(a => bots.Contains(a.Id), cancellationToken) != bots.Count)
        {
            throw new AppException(AppError.Validation("bot_ids", "Every bot must be a bot of this organisation."));
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var group = new Group { Name = name, Description = description, ExternalName = directoryGroup, CreatedAt = now };
        group.Members.AddRange(members.Select(m => new GroupMember { GroupId = group.Id, UserId = m, AddedAt = now }));
        group.Agents.AddRange(bots.Select(b => new GroupAgent { GroupId = group.Id, AgentId = b }));
        db.Groups.Add(group);
        await db.SaveChangesAsync(cancellationToken);
        return new GroupView(group, members.Count, bots);
    }

    /// <summary>Admins see every group; others the groups they belong to.</summary>
    public async Task<List<GroupView>> GroupsAsync(CancellationToken cancellationToken)
    {
        var me = caller.UserId;
        var admin = caller.IsAdmin;
        return await db.Groups.AsNoTracking()
            .Where(g => admin || g.Members.Any(m => m.UserId == me))
            .OrderBy(g => g.Name)
            .Select(g => new GroupView(g, g.Members.Count, g.Agents.Select(a => a.AgentId).ToList()))
            .ToListAsync(cancellationToken);
    }

    public async Task<List<MemberView>> MembersAsync(Guid groupId, CancellationToken cancellationToken)
    {
        await VisibleGroupAsync(groupId, cancellationToken);
        return await db.GroupMembers.AsNoTracking().Where(m => m.GroupId == groupId)
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new { u.Id, u.Email, u.Name, m.AddedAt })
            .OrderBy(m => m.Email)
            .Select(m => new MemberView(m.Id, m.Email, m.Name, m.AddedAt))
            .ToListAsync(cancellationToken);
    }

    public async Task<MemberView> AddMemberAsync(Guid groupId, Guid userId, CancellationToken cancellationToken)
    {
        RequireAdmin();
        await VisibleGroupAsync(groupId, cancellationToken);
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, cancellationToken)
            ?? throw new AppException(AppError.Validation("user_id", "No such user in this organisation."));
        var existing = await db.GroupMembers.AsNoTracking().FirstOrDefaultAsync(m => m.GroupId == groupId && m.UserId == userId, cancellationToken);
        if (existing is not null)
        {
            return new MemberView(user.Id, user.Email, user.Name, existing.AddedAt);
        }

        var member = new GroupMember { GroupId = groupId, UserId = userId, AddedAt = clock.GetUtcNow().UtcDateTime };
        db.GroupMembers.Add(member);
        await db.SaveChangesAsync(cancellationToken);
        return new MemberView(user.Id, user.Email, user.Name, member.AddedAt);
    }

    public async Task<User> ProfileAsync(CancellationToken cancellationToken)
    {
        var me = Me;
        return await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == me, cancellationToken) ?? throw new AppException(AppError.Unauthorized());
    }

    /// <summary>Changes the profile; a directory user's change goes to the directory first when it speaks SCIM, and only then here.</summary>
    public async Task<User> UpdateProfileAsync(ProfileInput input, CancellationToken cancellationToken)
    {
        var me = Me;
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == me, cancellationToken) ?? throw new AppException(AppError.Unauthorized());
        var emailChanged = false;
        if (input.Email is { } email && (email = UserAuthService.NormalizeEmail(email)) != user.Email)
        {
            // A new address moves where sign-in help and links go: whoever asks must know the password (a stolen session is not
            // enough; the check is a sign-in's, under its delays), a directory's people change it in the directory, and the new
            // address is unverified until its link is used.
            if (user.PasswordHash is null ? user.ExternalSubject is null || !directory.Enabled
                : input.CurrentPassword is not { Length: > 0 and <= 1024 } password || !await auth.CheckPasswordAsync(user, password, cancellationToken))
            {
                throw new AppException(user.PasswordHash is null
                    ? AppError.Forbidden("Your e-mail address is managed by your organisation's directory.")
                    : AppError.Validation("current_password", "Enter your current password to change your e-mail address."));
            }

            if (await db.Users.AnyAsync(u => u.Email == email, cancellationToken))
            {
                throw new AppException(AppError.Conflict("This email is already in use."));
            }

            user.Email = email;
            user.EmailVerifiedAt = null;
            emailChanged = true;
        }

        if (user.ExternalSubject is { } subject && directory.Enabled)
        {
            await directory.PatchUserAsync(subject, input with { Email = input.Email is null ? null : user.Email }, cancellationToken);
        }

        user.FirstName = input.FirstName?.Trim() ?? user.FirstName;
        user.LastName = input.LastName?.Trim() ?? user.LastName;
        if (input.FirstName is not null || input.LastName is not null)
        {
            user.Name = $"{user.FirstName} {user.LastName}".Trim();
        }

        user.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            throw new AppException(AppError.Conflict("This email is already in use."));
        }

        if (emailChanged)
        {
            await verification.SendAsync(user, cancellationToken);
        }

        return user;
    }

    private async Task VisibleGroupAsync(Guid groupId, CancellationToken cancellationToken)
    {
        var me = caller.UserId;
        var admin = caller.IsAdmin;
        if (!await db.Groups.AnyAsync(g => g.Id == groupId && (admin || g.Members.Any(m => m.UserId == me)), cancellationToken))
        {
            throw new AppException(AppError.NotFound("No such group."));
        }
    }

    private void RequireAdmin()
    {
        if (!caller.IsAdmin)
        {
            throw new AppException(AppError.Forbidden("Only an administrator can manage groups."));
        }
    }
}
