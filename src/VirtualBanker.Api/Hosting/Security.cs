using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Tenancy;

namespace VirtualBanker.Api.Hosting;

internal static class AuthPolicies
{
    public const string User = "user";
    public const string TenantAdmin = "tenant_admin";
    public const string PlatformAdmin = "platform_admin";

    /// <summary>Contract 002 conversations: a signed-in user, a portal session token, a key with the chat or sessions scope, or — in local development only — anyone.</summary>
    public const string Gateway = "gateway";

    /// <summary>Contract 002 component health: any authenticated caller, or — in local development only — anyone.</summary>
    public const string GatewayHealth = "gateway_health";

    /// <summary>Contract 002 operations (keys, requeue): a tenant admin or a key with the admin scope.</summary>
    public const string GatewayAdmin = "gateway_admin";

    /// <summary>The staff queue and tickets (contract 003's surface): staff and admins of the tenant.</summary>
    public const string Staff = "staff";

    /// <summary>Contract 003 chat triggers: a tenant admin, or a site's key with the chat scope.</summary>
    public const string ManagementChat = "management_chat";

    /// <summary>Posting transactions: a tenant admin, or a machine key with the ingest scope.</summary>
    public const string Ingest = "ingest";

    /// <summary>Contract 001 chat: a signed-in person, or a portal session's ephemeral token (the embedded widget).</summary>
    public const string Chat = "chat";

    /// <summary>Contract 000: the ephemeral token of a portal session.</summary>
    public const string PortalSession = "portal_session";

    /// <summary>Ending a portal session: its own token, or an admin of its tenant.</summary>
    public const string PortalSessionOrAdmin = "portal_session_or_admin";

    /// <summary>WebRTC signaling: a portal session's token (the customer) or a key with the realtime scope (a voice/avatar agent).</summary>
    public const string Realtime = "realtime";
}

public sealed class CorsOptions
{
    public const string Section = "Cors";

    /// <summary>Origins allowed outside Development. Development allows any origin.</summary>
    public string[] AllowedOrigins { get; set; } = [];
}

internal static class SecurityExtensions
{
    private const string SmartScheme = "Smart";

    public static WebApplicationBuilder AddVirtualBankerSecurity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddHttpContextAccessor();
        services.AddScoped<ICurrentPrincipal, HttpCurrentPrincipal>();

        // Data Protection keys: files next to the SQLite database on one node; in the shared database with PostgreSQL.
        var database = DatabaseOptions.From(builder.Configuration);
        var dataProtection = services.AddDataProtection().SetApplicationName("VirtualBanker");
        if (database.IsSqlite)
        {
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(database.DataDirectory, "keys")));
        }
        else
        {
            services.AddOptions<KeyManagementOptions>().Configure<IServiceScopeFactory>((o, scopes) => o.XmlRepository = new ScaleOut.DatabaseXmlRepository(scopes));
        }
        services.AddSingleton<ISecretProtector, DataProtectionSecretProtector>();

        services.AddAuthentication(SmartScheme)
            .AddPolicyScheme(SmartScheme, "Bearer token or API key", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.HeaderName)
                    ? ApiKeyAuthenticationHandler.SchemeName
                    : JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(o =>
            {
                o.MapInboundClaims = false;
                o.IncludeErrorDetails = false; // a 401 does not tell a caller why its token failed
                o.SaveToken = false; // nothing reads it back, and a socket's request would hold it in its properties as long as it is open
                o.Events = new JwtBearerEvents
                {
                    // Browsers cannot set headers on a WebSocket: there, and only there, the token may come in the query.
                    // Without an Authorization header, a directory sign-in's session cookie (SameSite=Lax) carries it.
                    OnMessageReceived = context =>
                    {
                        if (context.HttpContext.WebSockets.IsWebSocketRequest && context.Request.Query.TryGetValue("access_token", out var token))
                        {
                            context.Token = token;

                            // A socket's request lives as long as the socket: its parsed query would hold a copy of the token
                            // all that time (~1 KiB a socket), readable by anything that looks at the query later.
                            var rest = context.Request.Query
                                .Where(p => !string.Equals(p.Key, "access_token", StringComparison.OrdinalIgnoreCase))
                                .ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);
                            context.Request.Query = rest.Count == 0 ? QueryCollection.Empty : new QueryCollection(rest);
                        }
                        else if (!context.Request.Headers.ContainsKey("Authorization")
                            && context.Request.Cookies.TryGetValue(Surfaces.Workspace.DirectorySignIn.CookieName, out var cookie))
                        {
                            context.Token = cookie;
                        }

                        return Task.CompletedTask;
                    },
                    // A logged-out login or an ended session is refused at once, not when its token expires.
                    // A switched-off tenant's tokens stop working too.
                    OnTokenValidated = async context =>
                    {
                        // The handler copies the token's times into the ticket's properties as text; nothing reads them
                        // (the claims have them), and a socket's request would keep them for its whole life.
                        context.Properties = new AuthenticationProperties();

                        var services = context.HttpContext.RequestServices;
                        if (context.Principal?.FindFirstValue(TokenService.SessionClaim) is { } sid
                            && await services.GetRequiredService<ITokenRevocationList>().IsRevokedAsync(sid, context.HttpContext.RequestAborted))
                        {
                            context.Fail("The token has been revoked.");
                        }
                        else if (!await TenantIsActiveAsync(services, context.Principal?.FindFirstValue(TokenService.TenantClaim), context.HttpContext.RequestAborted))
                        {
                            context.Fail("The tenant is not active.");
                        }
                    },
                };
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddSingleton<CachingJsonWebTokenHandler>();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>, SigningKeyStore, CachingJsonWebTokenHandler, TimeProvider>((o, auth, keys, handler, clock) =>
            {
                o.TokenValidationParameters = TokenValidation.Create(auth.Value, keys, clock);
                o.TokenHandlers.Clear();
                o.TokenHandlers.Add(handler);
            });

        var gatewayAnonymous = Surfaces.Gateway.GatewayApi.AnonymousAllowed(builder.Configuration, builder.Environment);
        services.AddAuthorizationBuilder()
            .AddPolicy(AuthPolicies.User, p => p.RequireAuthenticatedUser().RequireClaim("sub"))
            .AddPolicy(AuthPolicies.TenantAdmin, p => p.RequireAuthenticatedUser().RequireRole(Roles.TenantAdmin, Roles.PlatformAdmin))
            .AddPolicy(AuthPolicies.Staff, p => p.RequireAuthenticatedUser().RequireRole(Roles.StaffRoles))
            .AddPolicy(AuthPolicies.PlatformAdmin, p => p.RequireAuthenticatedUser().RequireRole(Roles.PlatformAdmin))
            .AddPolicy(AuthPolicies.Gateway, p => p.RequireAssertion(c =>
                gatewayAnonymous || c.User.HasClaim(x => x.Type == "sub") || HasScope(c.User, "chat") || HasScope(c.User, "sessions") || HasScope(c.User, TokenService.SessionScope)))
            .AddPolicy(AuthPolicies.Chat, p => p.RequireAuthenticatedUser().RequireAssertion(c => c.User.HasClaim(x => x.Type == "sub") || HasScope(c.User, TokenService.SessionScope)))
            .AddPolicy(AuthPolicies.GatewayHealth, p => p.RequireAssertion(c => gatewayAnonymous || c.User.Identity?.IsAuthenticated == true))
            .AddPolicy(AuthPolicies.PortalSession, p => p.RequireAuthenticatedUser().RequireAssertion(c => HasScope(c.User, TokenService.SessionScope)))
            .AddPolicy(AuthPolicies.Realtime, p => p.RequireAuthenticatedUser().RequireAssertion(c => HasScope(c.User, TokenService.SessionScope) || HasScope(c.User, "realtime")))
            .AddPolicy(AuthPolicies.PortalSessionOrAdmin, p => p.RequireAuthenticatedUser().RequireAssertion(AdminOrScope(TokenService.SessionScope)))
            .AddPolicy(AuthPolicies.GatewayAdmin, p => p.RequireAuthenticatedUser().RequireAssertion(AdminOrScope("admin")))
            .AddPolicy(AuthPolicies.ManagementChat, p => p.RequireAuthenticatedUser().RequireAssertion(AdminOrScope("chat")))
            .AddPolicy(AuthPolicies.Ingest, p => p.RequireAuthenticatedUser().RequireAssertion(AdminOrScope("transactions:ingest")));

        return builder.AddVirtualBankerCors();
    }

    internal static async ValueTask<bool> TenantIsActiveAsync(IServiceProvider services, string? tenantId, CancellationToken cancellationToken) =>
        tenantId is not null && await services.GetRequiredService<TenantDirectory>().FindAsync(tenantId, cancellationToken) is { Active: true };

    /// <summary>A tenant or platform admin, or a caller (key, session token) holding <paramref name="scope"/>.</summary>
    private static Func<Microsoft.AspNetCore.Authorization.AuthorizationHandlerContext, bool> AdminOrScope(string scope) => c =>
        c.User.IsInRole(Roles.TenantAdmin) || c.User.IsInRole(Roles.PlatformAdmin) || HasScope(c.User, scope);

    private static bool HasScope(ClaimsPrincipal user, string scope) =>
        user.FindFirstValue(TokenService.ScopeClaim)?.Split(' ').Contains(scope) ?? false;

    private static WebApplicationBuilder AddVirtualBankerCors(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<CorsOptions>().BindConfiguration(CorsOptions.Section);
        var origins = builder.Configuration.GetSection(CorsOptions.Section).Get<CorsOptions>()?.AllowedOrigins ?? [];
        var development = builder.Environment.IsDevelopment();
        services.AddCors(o => o.AddDefaultPolicy(p =>
        {
            if (development)
            {
                p.AllowAnyOrigin();
            }
            else
            {
                p.WithOrigins(origins);
            }

            p.WithMethods("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
                .WithHeaders("Content-Type", "Authorization", "X-API-Key", "X-Client-ID", "Last-Event-ID", "Idempotency-Key")
                .WithExposedHeaders("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After");
        }));
        return builder;
    }
}

/// <summary>Reads the caller from the authenticated <see cref="ClaimsPrincipal"/> of the current request.</summary>
internal sealed class HttpCurrentPrincipal(IHttpContextAccessor accessor) : ICurrentPrincipal
{
    // Held for the scope's life: work the request starts off its own execution context (a cache
    // factory, a background continuation) still acts for the same caller and tenant.
    private readonly HttpContext? _context = accessor.HttpContext;

    private ClaimsPrincipal? User => _context?.User;

    public bool IsAuthenticated => User?.Identity?.IsAuthenticated == true;

    public Guid? UserId => Guid.TryParse(User?.FindFirstValue("sub"), out var id) ? id : null;

    public string? TenantId => IsAuthenticated ? User?.FindFirstValue(TokenService.TenantClaim) : null;

    public IReadOnlyCollection<string> Roles => User?.FindAll(TokenService.RoleClaim).Select(c => c.Value).ToArray() ?? [];

    public IReadOnlyCollection<string> Scopes =>
        User?.FindFirstValue(TokenService.ScopeClaim)?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];

    public string? SessionId => User?.FindFirstValue(TokenService.SessionClaim);
}

/// <summary>
/// <c>X-API-Key</c> authentication for machine callers. Contract 003's site integrations also send
/// <c>X-Client-ID</c>; when present it must name the key's own tenant.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyService keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-API-Key";
    public const string ClientIdHeader = "X-Client-ID";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var presented) || presented.Count != 1 || string.IsNullOrEmpty(presented[0]))
        {
            return AuthenticateResult.NoResult();
        }

        var key = await keys.VerifyAsync(presented[0]!, Context.RequestAborted);
        if (key is null)
        {
            return AuthenticateResult.Fail("Invalid API key.");
        }

        if (Request.Headers.TryGetValue(ClientIdHeader, out var clientId) && !string.Equals(clientId, key.TenantId, StringComparison.Ordinal))
        {
            return AuthenticateResult.Fail("The API key does not belong to this client.");
        }

        if (!await SecurityExtensions.TenantIsActiveAsync(Context.RequestServices, key.TenantId, Context.RequestAborted))
        {
            return AuthenticateResult.Fail("The tenant is not active.");
        }

        List<Claim> claims =
        [
            new Claim(TokenService.TenantClaim, key.TenantId),
            new Claim(TokenService.SessionClaim, ApiKeyService.SessionId(key.Id)),
            new Claim(TokenService.ScopeClaim, string.Join(' ', key.Scopes)),
            new Claim("key_id", key.Id.ToString()),
        ];
        if (key.ExpiresAt is { } expires)
        {
            // As a token's: a socket opened with the key is closed when the key expires (SocketWatch).
            claims.Add(new Claim("exp", new DateTimeOffset(DateTime.SpecifyKind(expires, DateTimeKind.Utc)).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        var identity = new ClaimsIdentity(claims, SchemeName, "key_id", TokenService.RoleClaim);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}

internal sealed class DataProtectionSecretProtector(IDataProtectionProvider provider) : ISecretProtector
{
    private readonly IDataProtector _protector = provider.CreateProtector("VirtualBanker.Secrets.v1");

    public string Protect(string plaintext) => _protector.Protect(plaintext);

    public string Unprotect(string protectedText) => _protector.Unprotect(protectedText);
}
