using System.Diagnostics;
using System.Reflection;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Observability;

namespace VirtualBanker.Api.Hosting;

internal static class ObservabilityExtensions
{
    public static readonly string Version =
        typeof(ObservabilityExtensions).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static WebApplicationBuilder AddVirtualBankerObservability(this WebApplicationBuilder builder)
    {
        // Logging:Format=json writes one JSON object per line for log shippers.
        if (string.Equals(builder.Configuration["Logging:Format"], "json", StringComparison.OrdinalIgnoreCase))
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(o => o.UseUtcTimestamp = true);
        }

        // ASP.NET Core's own request lines print the whole URL, and a WebSocket's token travels in its query (?access_token=):
        // they stay off whatever the configuration says, for every provider. VirtualBanker.Requests logs requests without query values.
        builder.Services.PostConfigure<LoggerFilterOptions>(o =>
        {
            foreach (var provider in o.Rules.Select(r => r.ProviderName).Append(null).Distinct().ToList())
            {
                o.Rules.Add(new LoggerFilterRule(provider, HostingDiagnostics, LogLevel.None, filter: null));
            }
        });

        builder.Services.AddScoped<ComponentHealth>();

        // Traces and metrics go out over OTLP when a collector is configured. Without one nothing would
        // read them, and instrumenting every request would cost about a tenth of the CPU under load.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry()
                .ConfigureResource(r => r.AddService("virtualbanker", serviceVersion: Version))
                .WithTracing(t => t.AddAspNetCoreInstrumentation().AddSource(MetricsCollector.MeterName))
                .WithMetrics(m => m.AddAspNetCoreInstrumentation().AddMeter(MetricsCollector.MeterName))
                .UseOtlpExporter();
        }

        return builder;
    }

    private const string HostingDiagnostics = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", GetHealthAsync).AllowAnonymous().WithTags("Health").WithName("Health")
            .Produces<HealthResponse>().Produces<HealthResponse>(StatusCodes.Status503ServiceUnavailable);

        // Liveness for orchestrators: the process answers, nothing else is checked (/health is readiness: it asks the database).
        app.MapGet("/health/live", () => TypedResults.Text("ok")).AllowAnonymous().WithTags("Health").Produces<string>(contentType: "text/plain")
            .WithSummary("Liveness").WithDescription("200 \"ok\" while the process runs, whatever its dependencies: for an orchestrator's liveness probe.");
        return app;
    }

    /// <summary>The union of what the contracts show for /health (DESIGN.md).</summary>
    public static async Task<IResult> GetHealthAsync(
        VirtualBankerDbContext db, IOptions<DatabaseOptions> database, MetricsCollector metrics, IServiceProvider services, TimeProvider clock, CancellationToken cancellationToken)
    {
        var dbUp = await db.Database.CanConnectAsync(cancellationToken);
        var body = new HealthResponse(
            dbUp ? "healthy" : "unhealthy",
            Version,
            clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
            database.Value.Provider,
            ScaleOut.ScaleOutExtensions.CacheKind(services),
            Math.Round(metrics.UptimeSeconds, 1));
        return dbUp ? TypedResults.Ok(body) : TypedResults.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}

public sealed record HealthResponse(string Status, string Version, string Timestamp, string Db, string Cache, double UptimeS);

/// <summary>
/// Counts every request by route template (never the raw path, which may hold ids) with its duration, and writes the request
/// log (category <c>VirtualBanker.Requests</c>, Information; off by default) with the query's names but never its values: those
/// carry tokens (<c>?access_token=</c>), sign-in codes and customers' search text.
/// </summary>
internal sealed partial class RequestMetricsMiddleware(RequestDelegate next, MetricsCollector metrics, ILoggerFactory loggers)
{
    private readonly ILogger _log = loggers.CreateLogger("VirtualBanker.Requests");

    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(unmatched)";
            metrics.RecordRequest(route, context.Response.StatusCode, elapsed);
            if (_log.IsEnabled(LogLevel.Information))
            {
                var request = context.Request;
                var query = request.QueryString.HasValue ? "?" + string.Join('&', request.Query.Keys.Select(k => k + "=***")) : "";
                LogRequest(_log, request.Method, request.Path, query, context.Response.StatusCode, elapsed);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Path}{Query} {StatusCode} in {ElapsedMs:0.0} ms")]
    private static partial void LogRequest(ILogger logger, string method, PathString path, string query, int statusCode, double elapsedMs);
}

public sealed class RequestLimitOptions
{
    public const string Section = "Limits";

    /// <summary>Largest accepted request body. Default 1 MiB.</summary>
    [System.ComponentModel.DataAnnotations.Range(1024, 100 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;
}

/// <summary>
/// Refuses an announced body over the limit before reading it, and caps streamed (chunked) bodies
/// through the server's own limit, so a large upload cannot tie up memory.
/// </summary>
internal sealed class BodySizeLimitMiddleware(RequestDelegate next, IOptions<RequestLimitOptions> options)
{
    public Task InvokeAsync(HttpContext context)
    {
        var limit = options.Value.MaxRequestBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            return ErrorRenderer.WriteAsync(context, Core.Errors.AppError.FromStatus(StatusCodes.Status413PayloadTooLarge));
        }

        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        return next(context);
    }
}
