using Microsoft.EntityFrameworkCore;
using VirtualBanker.Core.Data;

namespace VirtualBanker.Core.Banking;

/// <summary>A customer's notifications. Every change is scoped to the owner: another user's id is simply not found.</summary>
public sealed class NotificationService(VirtualBankerDbContext db)
{
    public async Task<(IReadOnlyList<Notification> Items, int Unread)> ListAsync(Guid userId, int limit, CancellationToken cancellationToken)
    {
        var items = await db.Notifications.AsNoTracking().Where(n => n.UserId == userId)
            .OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id).Take(limit).ToListAsync(cancellationToken);
        var unread = await db.Notifications.CountAsync(n => n.UserId == userId && !n.Read, cancellationToken);
        return (items, unread);
    }

    public async Task<bool> MarkReadAsync(Guid userId, Guid id, CancellationToken cancellationToken) =>
        await db.Notifications.Where(n => n.Id == id && n.UserId == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.Read, true), cancellationToken) == 1;

    public Task<int> MarkAllReadAsync(Guid userId, CancellationToken cancellationToken) =>
        db.Notifications.Where(n => n.UserId == userId && !n.Read)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.Read, true), cancellationToken);

    public async Task<bool> DeleteAsync(Guid userId, Guid id, CancellationToken cancellationToken) =>
        await db.Notifications.Where(n => n.Id == id && n.UserId == userId).ExecuteDeleteAsync(cancellationToken) == 1;
}
