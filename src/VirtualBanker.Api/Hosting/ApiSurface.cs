namespace VirtualBanker.Api.Hosting;

/// <summary>The five public API contracts this host serves (../shared/seeds).</summary>
public enum ApiSurface
{
    /// <summary>001 BankBot AI — also the default for shared paths such as /health.</summary>
    Customer,

    /// <summary>000 Virtual Banker API.</summary>
    Portal,

    /// <summary>002 Conversation gateway.</summary>
    Gateway,

    /// <summary>003 Agent management.</summary>
    Management,

    /// <summary>004 Bot workspace.</summary>
    Workspace,
}

internal static class ApiSurfaces
{
    // Longest prefixes first: /v1/sessions is Portal even though /v1/ is Gateway. Matching by path (not by
    // endpoint) means unknown routes and refused requests get their surface's error shape too.
    private static readonly (string Prefix, ApiSurface Surface)[] Prefixes =
    [
        ("/v1/sessions", ApiSurface.Portal),
        ("/v1/realtime", ApiSurface.Portal),
        ("/v1/", ApiSurface.Gateway),
        ("/api_", ApiSurface.Gateway),
        ("/realtime_session", ApiSurface.Gateway),
        ("/api/v1/", ApiSurface.Management),
        ("/trigger-agent", ApiSurface.Management),
        ("/ws/chat/", ApiSurface.Management),
        ("/auth/", ApiSurface.Workspace),
        ("/api/session", ApiSurface.Workspace),
        ("/api/users", ApiSurface.Workspace),
        ("/api/bots", ApiSurface.Workspace),
        ("/api/groups", ApiSurface.Workspace),
        ("/api/admin/", ApiSurface.Workspace),
    ];

    public static ApiSurface Resolve(PathString path)
    {
        var value = path.Value ?? "/";
        if (value.Equals("/ws", StringComparison.OrdinalIgnoreCase))
        {
            return ApiSurface.Workspace;
        }

        foreach (var (prefix, surface) in Prefixes)
        {
            if (value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return surface;
            }
        }

        return ApiSurface.Customer;
    }

    public static string DocumentName(this ApiSurface surface) => surface.ToString().ToLowerInvariant();
}
