using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Options;
using VirtualBanker.Core.Errors;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Tenancy;

namespace VirtualBanker.Api.Hosting;

public sealed class RateLimitRule
{
    [Range(1, 1_000_000)]
    public int Limit { get; set; }

    [Range(1, 86_400)]
    public int WindowSeconds { get; set; }

    public static RateLimitRule PerSecond(int limit) => new() { Limit = limit, WindowSeconds = 1 };
    public static RateLimitRule PerMinute(int limit) => new() { Limit = limit, WindowSeconds = 60 };
    public static RateLimitRule PerHour(int limit) => new() { Limit = limit, WindowSeconds = 3600 };
}

/// <summary>Per-surface limits as the contracts state them; every value can be overridden under <c>RateLimits</c>.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    public bool Enabled { get; set; } = true;

    /// <summary>
    /// 000 without a session token (opening a session), per client address. A session's own requests,
    /// on any surface, are limited by its tenant's <c>rate_limit_per_minute</c> (contract default 10).
    /// </summary>
    public RateLimitRule Portal { get; set; } = RateLimitRule.PerMinute(120);

    /// <summary>001: not stated by the contract; generous.</summary>
    public RateLimitRule Customer { get; set; } = RateLimitRule.PerMinute(600);

    /// <summary>001 sign-in and sign-up, per client address: slows password guessing.</summary>
    public RateLimitRule CustomerAuth { get; set; } = RateLimitRule.PerMinute(30);

    /// <summary>002: not stated by the contract; generous.</summary>
    public RateLimitRule Gateway { get; set; } = RateLimitRule.PerMinute(600);

    public RateLimitRule Management { get; set; } = RateLimitRule.PerSecond(100);
    public RateLimitRule ManagementAuth { get; set; } = RateLimitRule.PerSecond(10);
    public RateLimitRule WorkspaceAnonymous { get; set; } = RateLimitRule.PerHour(60);
    public RateLimitRule WorkspaceUser { get; set; } = RateLimitRule.PerHour(1000);
    public RateLimitRule WorkspaceAdmin { get; set; } = RateLimitRule.PerHour(5000);
}

public readonly record struct RateLimitCount(long Count, DateTimeOffset ResetAt);

/// <summary>Fixed-window counters. In memory on one node; shared through Redis when scaled out (<c>ScaleOut/RedisSharedState.cs</c>).</summary>
public interface IRateLimitStore
{
    ValueTask<RateLimitCount> IncrementAsync(string key, TimeSpan window, CancellationToken cancellationToken);
}

internal sealed class InMemoryRateLimitStore(TimeProvider clock) : IRateLimitStore
{
    private const int SweepThreshold = 50_000;
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    public ValueTask<RateLimitCount> IncrementAsync(string key, TimeSpan window, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var start = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % window.Ticks), TimeSpan.Zero);
        var current = _windows.AddOrUpdate(key, _ => new Window(start, 1), (_, w) => w.Start == start ? w with { Count = w.Count + 1 } : new Window(start, 1));
        if (_windows.Count > SweepThreshold)
        {
            // Bounded memory under a flood of distinct clients: drop windows that have ended.
            foreach (var (k, w) in _windows)
            {
                if (w.Start + window < now)
                {
                    _windows.TryRemove(k, out _);
                }
            }
        }

        return ValueTask.FromResult(new RateLimitCount(current.Count, start + window));
    }

    private sealed record Window(DateTimeOffset Start, long Count);
}

/// <summary>
/// The one limiter. Picks the surface's rule and partition (user, tenant, API key or client address),
/// counts the request, sets <c>X-RateLimit-*</c> on the response and refuses with 429 + Retry-After in
/// the surface's error shape. Runs after authentication so partitions follow the caller, not the IP, when known.
/// </summary>
internal sealed class RateLimitMiddleware(RequestDelegate next, IRateLimitStore store, IOptionsMonitor<RateLimitOptions> options)
{
    private static readonly string[] Unlimited = ["/health", "/docs", "/openapi", "/scalar"];

    /// <remarks>
    /// Not an async method around <c>next</c>: a socket's request lasts as long as the socket, and so would this
    /// middleware's state machine (224 bytes a socket). The check is awaited apart; when it completes at once
    /// (the in-memory store), nothing of it stays.
    /// </remarks>
    public Task InvokeAsync(HttpContext context, ICurrentPrincipal principal, TenantDirectory tenants)
    {
        var settings = options.CurrentValue;
        var path = context.Request.Path;
        if (!settings.Enabled || Unlimited.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase)))
        {
            return next(context);
        }

        var admitted = AdmitAsync(context, principal, tenants, settings, path);
        return admitted.IsCompletedSuccessfully ? (admitted.Result ? next(context) : Task.CompletedTask) : NextWhenAdmittedAsync(admitted, context);
    }

    private async Task NextWhenAdmittedAsync(ValueTask<bool> admitted, HttpContext context)
    {
        if (await admitted)
        {
            await next(context);
        }
    }

    /// <summary>Counts the request against its caller's rule; over the limit, answers 429 and returns false.</summary>
    private async ValueTask<bool> AdmitAsync(HttpContext context, ICurrentPrincipal principal, TenantDirectory tenants, RateLimitOptions settings, PathString path)
    {
        var surface = ApiSurfaces.Resolve(path);
        var caller = principal.IsAuthenticated
            ? $"{principal.TenantId}:{principal.UserId?.ToString() ?? principal.SessionId ?? "key"}"
            : $"ip:{context.Connection.RemoteIpAddress}";
        var (policy, rule) = principal.IsSessionToken && await tenants.FindAsync(principal.TenantId!, context.RequestAborted) is { } tenant
            ? ("portal-session", RateLimitRule.PerMinute(tenant.Settings.Policy.RateLimitPerMinute))
            : Pick(surface, path, principal, settings);
        var count = await store.IncrementAsync($"rl:{policy}:{caller}", TimeSpan.FromSeconds(rule.WindowSeconds), context.RequestAborted);

        var headers = context.Response.Headers;
        headers["X-RateLimit-Limit"] = rule.Limit.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Remaining"] = Math.Max(0, rule.Limit - count.Count).ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Reset"] = count.ResetAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        if (count.Count > rule.Limit)
        {
            var retryAfter = Math.Max(1, (int)Math.Ceiling((count.ResetAt - DateTimeOffset.UtcNow).TotalSeconds));
            headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            await ErrorRenderer.WriteAsync(context, AppError.RateLimited($"Rate limit of {rule.Limit} requests per {Describe(rule)} exceeded. Retry in {retryAfter} s."));
            return false;
        }

        return true;
    }

    private static (string Policy, RateLimitRule Rule) Pick(ApiSurface surface, PathString path, ICurrentPrincipal principal, RateLimitOptions o) => surface switch
    {
        ApiSurface.Portal => ("portal", o.Portal),
        ApiSurface.Gateway => ("gateway", o.Gateway),
        ApiSurface.Management when path.StartsWithSegments("/api/v1/auth", StringComparison.OrdinalIgnoreCase) => ("management-auth", o.ManagementAuth),
        ApiSurface.Management => ("management", o.Management),
        ApiSurface.Workspace when principal.IsInRole(Roles.TenantAdmin) || principal.IsInRole(Roles.PlatformAdmin) => ("workspace-admin", o.WorkspaceAdmin),
        ApiSurface.Workspace when principal.IsAuthenticated => ("workspace-user", o.WorkspaceUser),
        ApiSurface.Workspace => ("workspace-anonymous", o.WorkspaceAnonymous),
        ApiSurface.Customer when path.StartsWithSegments("/api/auth/login", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/api/auth/register", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/api/auth/refresh", StringComparison.OrdinalIgnoreCase) => ("customer-auth", o.CustomerAuth),
        _ => ("customer", o.Customer),
    };

    private static string Describe(RateLimitRule rule) => rule.WindowSeconds switch
    {
        1 => "second",
        60 => "minute",
        3600 => "hour",
        var s => $"{s} seconds",
    };
}
