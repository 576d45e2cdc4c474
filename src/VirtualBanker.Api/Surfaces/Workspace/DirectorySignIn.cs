using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using VirtualBanker.Api.Hosting;
using VirtualBanker.Core.Errors;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Tenancy;
using VirtualBanker.Core.Workspace;

namespace VirtualBanker.Api.Surfaces.Workspace;

public sealed record ValidateResponse(bool Valid, Guid? UserId, DateTime? ExpiresAt);

public sealed record SessionTokenResponse(string SessionToken, string TokenType, DateTime ExpiresAt);

public sealed record LogoutResponse(bool Success, string Message, string? LogoutUrl);

/// <summary>
/// Contract 004's sign-in through the organisation's directory: the authorization code flow with PKCE,
/// <c>state</c> and <c>nonce</c>, run by ASP.NET Core's OpenID Connect handler (discovery, code exchange,
/// ID-token signature, issuer, audience, expiry and nonce checks). Its correlation data travels in
/// Data-Protection-sealed state and cookies, so any node can finish a flow another node started.
/// A successful callback opens a local session (<see cref="DirectorySignInService"/>), sets it as a
/// Secure, HttpOnly, SameSite=Lax cookie and redirects to the app; <c>POST /auth/token</c> hands the same
/// session to a single-page app as a bearer token.
/// </summary>
internal static class DirectorySignIn
{
    public const string Scheme = "Directory";

    /// <summary><c>__Host-</c>: the browser keeps it only if Secure, for this host and path <c>/</c>.</summary>
    public const string CookieName = "__Host-vb_session";

    public static WebApplicationBuilder AddDirectorySignIn(this WebApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection(OidcOptions.Section).Get<OidcOptions>() ?? new OidcOptions();
        if (!settings.Enabled)
        {
            return builder;
        }

        builder.Services.AddAuthentication().AddOpenIdConnect(Scheme, o =>
        {
            o.Authority = settings.Authority;
            o.ClientId = settings.ClientId;
            o.ClientSecret = settings.ClientSecret;
            o.RequireHttpsMetadata = settings.RequireHttpsMetadata;
            o.ResponseType = "code";

            // Contract 004: the provider comes back with GET /auth/callback?code=...&state=... (not the handler's default form_post).
            o.ResponseMode = "query";
            o.UsePkce = true;
            o.CallbackPath = "/auth/callback";
            o.MapInboundClaims = false;
            o.GetClaimsFromUserInfoEndpoint = false;
            o.Scope.Clear();
            foreach (var scope in settings.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                o.Scope.Add(scope);
            }

            o.ClaimActions.Remove("iss");
            o.Events = new OpenIdConnectEvents
            {
                OnRedirectToIdentityProvider = context =>
                {
                    context.ProtocolMessage.RedirectUri = settings.RedirectUri ?? context.ProtocolMessage.RedirectUri;
                    return Task.CompletedTask;
                },
                OnTicketReceived = OpenSessionAsync,
                OnRemoteFailure = RefuseAsync,

                // Front-channel logout from the provider is not offered: there is no cookie session to end this way.
                OnRemoteSignOut = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    context.HandleResponse();
                    return Task.CompletedTask;
                },
            };
        });

        // ID-token expiry is checked against the host's clock (and its configured skew), so tests can move time.
        builder.Services.AddOptions<OpenIdConnectOptions>(Scheme).Configure<TimeProvider, IOptions<AuthOptions>>((o, clock, auth) =>
        {
            o.TokenValidationParameters.ClockSkew = TimeSpan.FromSeconds(auth.Value.ClockSkewSeconds);
            o.TokenValidationParameters.LifetimeValidator = TokenValidation.LifetimeOn(clock);
        });
        return builder;
    }

    public static RouteGroupBuilder MapDirectorySignIn(this RouteGroupBuilder workspace)
    {
        var auth = workspace.MapGroup("/auth").WithTags("Authentication");
        auth.MapGet("/login", Login).AllowAnonymous().Produces(StatusCodes.Status302Found);

        // Reached only when sign-in is not configured: otherwise the OpenID Connect handler answers this path.
        auth.MapGet("/callback", IResult () => throw NotConfigured()).AllowAnonymous().Produces(StatusCodes.Status302Found)
            .WithSummary("The directory's redirect back after sign-in").WithDescription("Handled by the OpenID Connect sign-in; without a configured directory it answers that sign-in is not configured.");
        auth.MapGet("/validate", Validate).AllowAnonymous();
        auth.MapPost("/token", Token);
        auth.MapPost("/logout", LogoutAsync);
        return workspace;
    }

    /// <summary>Starts the flow. <c>return_to</c> is where the browser lands afterwards: a local path only, never another site.</summary>
    public static IResult Login([FromQuery(Name = "return_to")] string? returnTo, IOptions<OidcOptions> options)
    {
        if (!options.Value.Enabled)
        {
            throw NotConfigured();
        }

        var local = returnTo is ['/', not '/' and not '\\', ..] or "/" ? returnTo : options.Value.AppPath;
        return TypedResults.Challenge(new AuthenticationProperties { RedirectUri = local }, [Scheme]);
    }

    /// <summary>Whether the presented session (bearer token or cookie) is still good; never an error.</summary>
    public static Ok<ValidateResponse> Validate(ClaimsPrincipal user, ICurrentPrincipal principal) =>
        TypedResults.Ok(principal.UserId is { } id
            ? new ValidateResponse(true, id, WorkspaceEndpoints.UnixClaim(user, "exp"))
            : new ValidateResponse(false, null, null));

    /// <summary>The session as a bearer token, for a single-page app that signed in through the cookie flow.</summary>
    public static Ok<SessionTokenResponse> Token(HttpContext context, ClaimsPrincipal user)
    {
        var header = context.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : context.Request.Cookies[CookieName];
        return TypedResults.Ok(new SessionTokenResponse(token!, "bearer", WorkspaceEndpoints.UnixClaim(user, "exp")));
    }

    /// <summary>
    /// Ends the session at once on every node (its sid is revoked until the token would have expired) and
    /// clears the cookie. When the provider offers RP-initiated logout, <c>logout_url</c> ends the directory session too; a browser
    /// that navigates here (a form post) is redirected there at once, so the directory session ends with ours, as contract 004 says.
    /// </summary>
    public static async Task<Results<Ok<LogoutResponse>, RedirectHttpResult>> LogoutAsync(HttpContext context, ClaimsPrincipal user, ICurrentPrincipal principal,
        TokenService tokens, IOptions<OidcOptions> options, IOptionsMonitor<OpenIdConnectOptions> oidc, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(principal.SessionId, out var sessionId))
        {
            await tokens.RevokeFamilyAsync(sessionId, cancellationToken, WorkspaceEndpoints.UnixClaim(user, "exp"));
        }

        context.Response.Cookies.Delete(CookieName, CookieOptions(DateTimeOffset.UnixEpoch));
        var logoutUrl = options.Value.Enabled ? await EndSessionUrlAsync(oidc.Get(Scheme), options.Value, cancellationToken) : null;
        if (logoutUrl is not null && context.Request.Headers["Sec-Fetch-Mode"] == "navigate")
        {
            return TypedResults.Redirect(logoutUrl);
        }

        return TypedResults.Ok(new LogoutResponse(true, "Signed out.", logoutUrl));
    }

    private static async Task OpenSessionAsync(TicketReceivedContext context)
    {
        var services = context.HttpContext.RequestServices;
        var settings = services.GetRequiredService<IOptions<OidcOptions>>().Value;
        var tenantId = settings.TenantId ?? services.GetRequiredService<IOptions<TenancyOptions>>().Value.DefaultTenantId;
        var cancellationToken = context.HttpContext.RequestAborted;
        context.HandleResponse();
        try
        {
            if (!await SecurityExtensions.TenantIsActiveAsync(services, tenantId, cancellationToken))
            {
                throw new AppException(AppError.Unauthorized("This organisation is not active."));
            }

            var session = await services.GetRequiredService<DirectorySignInService>().SignInAsync(tenantId, ReadIdentity(context.Principal!, settings), cancellationToken);
            context.Response.Cookies.Append(CookieName, session.Token.Token, CookieOptions(session.Token.ExpiresAt));
            context.Response.Redirect(context.ReturnUri ?? settings.AppPath);
        }
        catch (AppException ex)
        {
            await RefuseAsync(context.HttpContext, ex.Error.Message, ex.Error);
        }
    }

    /// <summary>A bad state, a replayed or stolen code, a wrong nonce, an expired or forged ID token: one 401, the reason only in the log.</summary>
    private static Task RefuseAsync(RemoteFailureContext context)
    {
        context.HandleResponse();
        return RefuseAsync(context.HttpContext, context.Failure?.Message, AppError.Unauthorized("Sign-in through the directory failed. Start again from /auth/login."));
    }

    private static Task RefuseAsync(HttpContext context, string? reason, AppError error)
    {
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DirectorySignIn)).LogWarning("Directory sign-in refused: {Reason}", reason);
        return ErrorRenderer.WriteAsync(context, error);
    }

    internal static DirectoryIdentity ReadIdentity(ClaimsPrincipal principal, OidcOptions settings)
    {
        var adminRoles = settings.AdminRoles.ToHashSet(StringComparer.Ordinal);
        return new DirectoryIdentity(
            Issuer: principal.FindFirstValue("iss") ?? throw new AppException(AppError.Unauthorized()),
            Subject: principal.FindFirstValue("sub") ?? throw new AppException(AppError.Unauthorized()),
            Email: principal.FindFirstValue("email"),
            EmailVerified: string.Equals(principal.FindFirstValue("email_verified"), "true", StringComparison.OrdinalIgnoreCase),
            Name: principal.FindFirstValue("name"),
            GivenName: principal.FindFirstValue("given_name"),
            FamilyName: principal.FindFirstValue("family_name"),
            IsAdmin: ClaimValues(principal, settings.RoleClaim).Any(adminRoles.Contains),
            Groups: ClaimValues(principal, settings.GroupsClaim).ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>
    /// The strings a claim holds, whichever way the provider shapes it: repeated claims (a JSON array),
    /// an object whose keys are the values (Zitadel roles), or a dotted path into an object claim
    /// (<c>realm_access.roles</c>). A claim type that itself contains dots (an Auth0 namespace URL) is matched whole first.
    /// </summary>
    internal static IEnumerable<string> ClaimValues(ClaimsPrincipal principal, string path)
    {
        var whole = principal.FindAll(path).ToList();
        if (whole.Count > 0)
        {
            return whole.SelectMany(c => Values(c.Value, []));
        }

        var dot = path.IndexOf('.');
        return dot <= 0 ? [] : principal.FindAll(path[..dot]).SelectMany(c => Values(c.Value, path[(dot + 1)..].Split('.')));
    }

    private static IEnumerable<string> Values(string value, string[] path)
    {
        if (value is not ['{' or '[', ..])
        {
            return path.Length == 0 ? [value] : [];
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(value);
        }
        catch (System.Text.Json.JsonException)
        {
            return [];
        }

        foreach (var segment in path)
        {
            node = node is JsonObject o ? o[segment] : null;
        }

        return node switch
        {
            JsonArray array => array.OfType<JsonValue>().Select(v => v.ToString()),
            JsonObject obj => obj.Select(p => p.Key),
            JsonValue v => [v.ToString()],
            _ => [],
        };
    }

    private static async Task<string?> EndSessionUrlAsync(OpenIdConnectOptions oidc, OidcOptions settings, CancellationToken cancellationToken)
    {
        var configuration = await oidc.ConfigurationManager!.GetConfigurationAsync(cancellationToken);
        if (string.IsNullOrEmpty(configuration.EndSessionEndpoint))
        {
            return null;
        }

        var query = new Dictionary<string, string?> { ["client_id"] = settings.ClientId, ["post_logout_redirect_uri"] = settings.PostLogoutRedirectUri };
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(configuration.EndSessionEndpoint, query.Where(p => p.Value is not null));
    }

    private static CookieOptions CookieOptions(DateTimeOffset expires) => new()
    {
        HttpOnly = true,
        Secure = true,
        SameSite = SameSiteMode.Lax,
        Path = "/",
        Expires = expires,
        IsEssential = true,
    };

    private static AppException NotConfigured() => new(AppError.NotFound("Sign-in through a directory is not configured."));
}
