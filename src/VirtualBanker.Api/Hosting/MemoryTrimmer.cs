using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace VirtualBanker.Api.Hosting;

public sealed class MemoryOptions
{
    public const string Section = "Memory";

    /// <summary>Hand memory back to the system once a busy spell is over (see <see cref="MemoryTrimmer"/>).</summary>
    public bool TrimWhenIdle { get; set; } = true;

    /// <summary>How often the trimmer looks at the allocation rate.</summary>
    [Range(1, 3600)]
    public int CheckSeconds { get; set; } = 10;

    /// <summary>Below this allocation rate the process counts as idle.</summary>
    [Range(0, long.MaxValue)]
    public long IdleAllocationBytesPerSecond { get; set; } = 1024 * 1024;

    /// <summary>The least committed memory above the live heap that is worth a full collection to give back.</summary>
    [Range(0, long.MaxValue)]
    public long MinimumSlackBytes { get; set; } = 64L * 1024 * 1024;
}

/// <summary>
/// Gives the memory a busy spell left committed back to the system once the process is idle. The GC
/// decommits its free regions only as it collects, and an idle process does not collect: after 10,000
/// sockets connect, say, the garbage of their handshakes stays committed (about 150 MiB) for as long as they
/// stay idle. So when the allocation rate has dropped below <see cref="MemoryOptions.IdleAllocationBytesPerSecond"/>
/// and the heap has much more committed than it holds, one aggressive, compacting collection runs (a pause of
/// some hundred milliseconds, when little is running). It runs again only after as much new allocation.
/// </summary>
internal sealed partial class MemoryTrimmer(IOptions<MemoryOptions> options, ILogger<MemoryTrimmer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.TrimWhenIdle)
        {
            return;
        }

        var interval = TimeSpan.FromSeconds(o.CheckSeconds);
        using var timer = new PeriodicTimer(interval);
        var last = GC.GetTotalAllocatedBytes();
        var sinceTrim = 0L;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var now = GC.GetTotalAllocatedBytes();
            var allocated = now - last;
            last = now;
            sinceTrim += allocated;

            var info = GC.GetGCMemoryInfo();
            var live = info.HeapSizeBytes - info.FragmentedBytes;
            if (!ShouldTrim(allocated / interval.TotalSeconds, sinceTrim, info.TotalCommittedBytes, live, o))
            {
                continue;
            }

            var before = info.TotalCommittedBytes;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            sinceTrim = 0;
            last = GC.GetTotalAllocatedBytes();
            LogTrimmed(logger, before >> 20, GC.GetGCMemoryInfo().TotalCommittedBytes >> 20);
        }
    }

    /// <summary>
    /// Idle now, and since the last trim enough was allocated, and enough is committed beyond the live heap
    /// (as of the last collection), for a collection to give memory back.
    /// </summary>
    internal static bool ShouldTrim(double bytesPerSecond, long allocatedSinceTrim, long committedBytes, long liveBytes, MemoryOptions o)
    {
        var slack = committedBytes - liveBytes;
        return bytesPerSecond < o.IdleAllocationBytesPerSecond
            && allocatedSinceTrim >= o.MinimumSlackBytes
            && slack >= Math.Max(o.MinimumSlackBytes, liveBytes / 4);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Idle after a busy spell: gave memory back, GC committed {BeforeMiB} -> {AfterMiB} MiB")]
    private static partial void LogTrimmed(ILogger logger, long beforeMiB, long afterMiB);
}
