using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using VirtualBanker.Api.Hosting;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Errors;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Sessions;

namespace VirtualBanker.Api.Surfaces.Portal;

public sealed record DemoPortalLoginRequest(string? Email, string? Password);

public sealed record DemoPortalUser(string Name);

public sealed record DemoAssertionResponse(string Assertion);

/// <summary>
/// The back end of the demo bank portal (<c>/demo/portal.html</c>), standing in for a bank's own: a
/// cookie sign-in of its own, and <c>POST /demo/portal/assertion</c>, which the widget's
/// <c>data-assertion-url</c> calls to get the assertion it presents to <c>POST /v1/sessions</c>. Only
/// with the demo data, and only for the demo bank's customers.
/// </summary>
internal static class DemoPortalEndpoints
{
    private const string Cookie = "vb_demo_portal";
    private static readonly TimeSpan CookieLifetime = TimeSpan.FromHours(1);

    public static IEndpointRouteBuilder MapDemoPortal(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetRequiredService<IOptions<DemoOptions>>().Value.Enabled)
        {
            var demo = app.MapGroup("/demo/portal").AllowAnonymous().ExcludeFromDescription();
            demo.MapPost("/login", LoginAsync);
            demo.MapPost("/logout", Logout);
            demo.MapGet("/me", MeAsync);
            demo.MapPost("/assertion", AssertionAsync);
        }

        return app;
    }

    public static async Task<Ok<DemoPortalUser>> LoginAsync(DemoPortalLoginRequest request, UserAuthService auth, TokenService tokens, IDataProtectionProvider protection,
        HttpContext context, CancellationToken cancellationToken)
    {
        if (request.Email is not { Length: > 0 and <= 320 } email || request.Password is not { Length: > 0 and <= 1024 } password)
        {
            throw new AppException(AppError.Unauthorized("Incorrect email or password."));
        }

        // The portal keeps its own cookie session; the token pair a login issues is not needed, so its family is revoked at once.
        var result = await auth.LoginAsync(DemoDataSeeder.TenantId, email, password, cancellationToken);
        await tokens.RevokeFamilyAsync(result.Tokens.FamilyId, cancellationToken);
        if (!result.User.Roles.Any(r => r.Role == Roles.Customer))
        {
            throw new AppException(AppError.Unauthorized("Incorrect email or password."));
        }

        context.Response.Cookies.Append(Cookie, Protector(protection).Protect(result.User.Id.ToString(), CookieLifetime), new CookieOptions
        {
            HttpOnly = true,
            Secure = context.Request.IsHttps,
            SameSite = SameSiteMode.Strict,
            Path = "/demo/portal",
            MaxAge = CookieLifetime,
        });
        return TypedResults.Ok(new DemoPortalUser(result.User.Name));
    }

    public static NoContent Logout(HttpContext context)
    {
        context.Response.Cookies.Delete(Cookie, new CookieOptions { Path = "/demo/portal" });
        return TypedResults.NoContent();
    }

    public static async Task<Ok<DemoPortalUser>> MeAsync(HttpContext context, IDataProtectionProvider protection, DemoPortal portal, CancellationToken cancellationToken) =>
        SignedIn(context, protection) is { } userId && await portal.CustomerAsync(userId, cancellationToken) is { } user
            ? TypedResults.Ok(new DemoPortalUser(user.Name))
            : throw new AppException(AppError.Unauthorized("Sign in to the demo portal first."));

    public static async Task<Ok<DemoAssertionResponse>> AssertionAsync(HttpContext context, IDataProtectionProvider protection, DemoPortal portal, CancellationToken cancellationToken) =>
        SignedIn(context, protection) is { } userId && await portal.SignAssertionAsync(userId, cancellationToken) is { } assertion
            ? TypedResults.Ok(new DemoAssertionResponse(assertion))
            : throw new AppException(AppError.Unauthorized("Sign in to the demo portal first."));

    private static Guid? SignedIn(HttpContext context, IDataProtectionProvider protection)
    {
        if (context.Request.Cookies[Cookie] is not { Length: > 0 and < 2048 } cookie)
        {
            return null;
        }

        try
        {
            return Guid.TryParse(Protector(protection).Unprotect(cookie), out var id) ? id : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    private static ITimeLimitedDataProtector Protector(IDataProtectionProvider protection) =>
        protection.CreateProtector("VirtualBanker.DemoPortal.v1").ToTimeLimitedDataProtector();
}
