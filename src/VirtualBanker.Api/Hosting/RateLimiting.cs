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

/// <summary>What counting one request or message said: its rule, the count in the window, and when the window ends.</summary>
internal readonly record struct RateLimitDecision(RateLimitRule Rule, RateLimitCount Count)
{
    public bool Over => Count.Count > Rule.Limit;

    public int RetryAfterSeconds => Math.Max(1, (int)Math.Ceiling((Count.ResetAt - DateTimeOffset.UtcNow).TotalSeconds));

    public string Message => $"Rate limit of {Rule.Limit} requests per {Describe(Rule)} exceeded. Retry in {RetryAfterSeconds} s.";

    private static string Describe(RateLimitRule rule) => rule.WindowSeconds switch
    {
        1 => "second",
        60 => "minute",
        3600 => "hour",
        var s => $"{s} seconds",
    };
}

/// <summary>
/// The one limiter: picks the surface's rule and partition (user, tenant, API key or client address) and counts. HTTP
/// requests are counted by <see cref="RateLimitMiddleware"/>, and every message a chat socket receives by the socket
/// (<see cref="ChatSocket"/>), against the same budget: a socket is no way around the limit.
/// </summary>
internal sealed class RateLimiter(IRateLimitStore store, IOptionsMonitor<RateLimitOptions> options, TenantDirectory tenants)
{
    private static readonly string[] Unlimited = ["/health", "/docs", "/openapi", "/asyncapi", "/scalar"];

    public bool Applies(PathString path) =>
        options.CurrentValue.Enabled && !Unlimited.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase));

    /// <summary>Counts one request (or socket message) of <paramref name="principal"/> to <paramref name="path"/>.</summary>
    public async ValueTask<RateLimitDecision> CountAsync(ICurrentPrincipal principal, PathString path, System.Net.IPAddress? remote, CancellationToken cancellationToken)
    {
        var (policy, rule) = principal.IsSessionToken && await tenants.FindAsync(principal.TenantId!, cancellationToken) is { } tenant
            ? ("portal-session", RateLimitRule.PerMinute(tenant.Settings.Policy.RateLimitPerMinute))
            : Pick(ApiSurfaces.Resolve(path), path, principal, options.CurrentValue);
        // A password check is counted by address whatever credential comes along: a token of one's own must not buy a fresh budget.
        var caller = principal.IsAuthenticated && policy is not (CustomerAuth or ManagementAuth)
            ? $"{principal.TenantId}:{principal.UserId?.ToString() ?? principal.SessionId ?? "key"}"
            : $"ip:{remote}";
        return new RateLimitDecision(rule, await store.IncrementAsync($"rl:{policy}:{caller}", TimeSpan.FromSeconds(rule.WindowSeconds), cancellationToken));
    }

    private const string CustomerAuth = "customer-auth";
    private const string ManagementAuth = "management-auth";

    private static (string Policy, RateLimitRule Rule) Pick(ApiSurface surface, PathString path, ICurrentPrincipal principal, RateLimitOptions o) => surface switch
    {
        ApiSurface.Portal => ("portal", o.Portal),
        ApiSurface.Gateway => ("gateway", o.Gateway),
        ApiSurface.Management when path.StartsWithSegments("/api/v1/auth", StringComparison.OrdinalIgnoreCase) => (ManagementAuth, o.ManagementAuth),
        ApiSurface.Management => ("management", o.Management),
        ApiSurface.Workspace when principal.IsInRole(Roles.TenantAdmin) || principal.IsInRole(Roles.PlatformAdmin) => ("workspace-admin", o.WorkspaceAdmin),
        ApiSurface.Workspace when principal.IsAuthenticated => ("workspace-user", o.WorkspaceUser),
        ApiSurface.Workspace => ("workspace-anonymous", o.WorkspaceAnonymous),
        ApiSurface.Customer when path.StartsWithSegments("/api/auth/login", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/api/auth/register", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/api/auth/refresh", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/api/auth/verify-email", StringComparison.OrdinalIgnoreCase) // token guesses and mail resends
            || path.StartsWithSegments("/demo/portal/login", StringComparison.OrdinalIgnoreCase) => (CustomerAuth, o.CustomerAuth),
        _ => ("customer", o.Customer),
    };
}

/// <summary>
/// Counts each HTTP request with <see cref="RateLimiter"/>, sets <c>X-RateLimit-*</c> on the response and refuses with 429 +
/// Retry-After in the surface's error shape. Runs after authentication so partitions follow the caller, not the IP, when known.
/// </summary>
internal sealed class RateLimitMiddleware(RequestDelegate next, RateLimiter limiter)
{
    /// <remarks>
    /// Not an async method around <c>next</c>: a socket's request lasts as long as the socket, and so would this
    /// middleware's state machine (224 bytes a socket). The check is awaited apart; when it completes at once
    /// (the in-memory store), nothing of it stays.
    /// </remarks>
    public Task InvokeAsync(HttpContext context, ICurrentPrincipal principal)
    {
        if (!limiter.Applies(context.Request.Path))
        {
            return next(context);
        }

        var admitted = AdmitAsync(context, principal);
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
    private async ValueTask<bool> AdmitAsync(HttpContext context, ICurrentPrincipal principal)
    {
        var decision = await limiter.CountAsync(principal, context.Request.Path, context.Connection.RemoteIpAddress, context.RequestAborted);
        if (context.WebSockets.IsWebSocketRequest)
        {
            // The handshake's answer is written at once; no callback is kept for the socket's whole life.
            SetHeaders(context.Response.Headers, decision);
        }
        else
        {
            // When the answer starts, not now: an endpoint's error goes through the exception handler, which clears the
            // headers set so far, and every limited answer, errors included, carries its X-RateLimit-* (the README says so).
            context.Response.OnStarting(static state =>
            {
                var (response, counted) = ((HttpResponse, RateLimitDecision))state;
                SetHeaders(response.Headers, counted);
                return Task.CompletedTask;
            }, (context.Response, decision));
        }

        if (decision.Over)
        {
            context.Response.Headers.RetryAfter = decision.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            await ErrorRenderer.WriteAsync(context, AppError.RateLimited(decision.Message));
            return false;
        }

        return true;
    }

    private static void SetHeaders(IHeaderDictionary headers, RateLimitDecision decision)
    {
        headers["X-RateLimit-Limit"] = decision.Rule.Limit.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Remaining"] = Math.Max(0, decision.Rule.Limit - decision.Count.Count).ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Reset"] = decision.Count.ResetAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
    }
}
