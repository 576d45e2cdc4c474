using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Insights;
using VirtualBanker.Core.Observability;

namespace VirtualBanker.Core.Agents;

/// <summary>
/// Writes the daily briefing's narrative with the tenant's "briefing" model when one is configured
/// (an OpenAI-compatible endpoint), from the computed figures only; otherwise, or when that model
/// fails, the template text stands.
/// </summary>
public sealed class BriefingWriter(VirtualBankerDbContext db, ISecretProtector protector, MetricsCollector metrics, Outbound.OutboundGuard outbound)
{
    public const string Role = "briefing";

    private const string Instructions =
        "You write a bank customer's daily financial briefing. Use only the figures given; do not invent numbers, "
        + "products or advice beyond them. Start with \"DAILY BRIEFING:\", keep it under 150 words, plain text.";

    public async Task<string> WriteAsync(Briefing templated, CancellationToken cancellationToken)
    {
        var profile = await db.ModelProfiles.AsNoTracking()
            .FirstOrDefaultAsync(p => p.Role == Role && p.DeploymentMode == "default" && p.Provider == OpenAiProvider.Name, cancellationToken);
        if (profile?.BaseUrl is null)
        {
            return templated.Text;
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            using var http = outbound.CreateClient(Timeout.InfiniteTimeSpan);
            using var client = OpenAiProvider.Create(profile.BaseUrl, profile.ProtectedApiKey is null ? null : protector.Unprotect(profile.ProtectedApiKey), profile.Model, http);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(profile.Parameters.TimeoutSeconds ?? 30));
            var response = await client.GetResponseAsync(
                [new ChatMessage(ChatRole.System, Instructions), new ChatMessage(ChatRole.User, $"Customer: {templated.UserName}\nDate: {templated.Date:yyyy-MM-dd}\nFigures and facts:\n{templated.Text}")],
                new ChatOptions { Temperature = (float?)profile.Parameters.Temperature, MaxOutputTokens = profile.Parameters.MaxOutputTokens ?? 400 },
                timeout.Token);
            metrics.RecordAiCall(OpenAiProvider.Name, Stopwatch.GetElapsedTime(started).TotalMilliseconds, failed: false);
            return string.IsNullOrWhiteSpace(response.Text) ? templated.Text : response.Text.Trim();
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            metrics.RecordAiCall(OpenAiProvider.Name, Stopwatch.GetElapsedTime(started).TotalMilliseconds, failed: true);
            metrics.RecordAiFallback();
            return templated.Text;
        }
    }
}
