using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace VirtualBanker.Core.Staff;

public sealed class StaffOptions
{
    public const string Section = "Staff";

    /// <summary>How often the queue is checked for customers waiting past their tenant's SLA.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 3600)]
    public int SlaCheckSeconds { get; set; } = 5;
}

/// <summary>
/// Escalates the queue items whose customers have waited past their tenant's SLA (see <see cref="StaffQueue.EscalateOverdueAsync"/>),
/// once the queue is in use on this node: until a customer is queued or a staff member reads the queue here, an idle server does
/// no work for it (the first check compiles its queries: some 3 MiB of resident memory, measured in bench/README.md). Items a
/// stopped node left waiting are escalated as soon as a staff member opens the queue on this one.
/// </summary>
public sealed partial class HandoffSlaWatcher(IServiceScopeFactory scopes, IOptions<StaffOptions> options, TimeProvider clock, ILogger<HandoffSlaWatcher> logger)
    : BackgroundService
{
    private volatile bool _watching;

    /// <summary>The queue is in use on this node: check it from the next tick on.</summary>
    public void Watch() => _watching = true;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.SlaCheckSeconds), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (!_watching)
            {
                continue;
            }

            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<StaffQueue>().EscalateOverdueAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogCheckFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checking the staff queue's waiting times failed; trying again at the next tick")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception);
}
