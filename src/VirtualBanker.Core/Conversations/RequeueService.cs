using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VirtualBanker.Core.Data;

namespace VirtualBanker.Core.Conversations;

/// <summary>Operators' view of runs that kept failing: list them, run one again, or drop it.</summary>
public sealed class RequeueService(VirtualBankerDbContext db, IEventBus bus, TimeProvider clock)
{
    public Task<List<RequeueItem>> ListPendingAsync(CancellationToken cancellationToken) =>
        db.RequeueItems.AsNoTracking().Where(r => r.Status == RequeueStatus.Pending).OrderBy(r => r.CreatedAt).ToListAsync(cancellationToken);

    /// <summary>Marks the item resolved; with <paramref name="publish"/> its payload goes back on its topic and the run happens again.</summary>
    public async Task<RequeueStatus?> ResolveAsync(Guid id, bool publish, CancellationToken cancellationToken)
    {
        var item = await db.RequeueItems.FirstOrDefaultAsync(r => r.Id == id && r.Status == RequeueStatus.Pending, cancellationToken);
        if (item is null)
        {
            return null;
        }

        item.Status = publish ? RequeueStatus.Republished : RequeueStatus.Resolved;
        item.ResolvedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        if (publish && JsonSerializer.Deserialize<BusMessage>(item.Payload) is { } message)
        {
            await bus.PublishAsync(item.Topic, message, cancellationToken);
        }

        return item.Status;
    }

    public async Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken) =>
        await db.RequeueItems.Where(r => r.Id == id).ExecuteDeleteAsync(cancellationToken) == 1;
}
