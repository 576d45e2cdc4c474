using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VirtualBanker.Api.Hosting;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Errors;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Insights;
using VirtualBanker.Core.Tenancy;

namespace VirtualBanker.Api.Surfaces.Customer;

public sealed record RegisterRequest(
    [property: Required, StrictEmail, MaxLength(320)] string? Email,
    [property: Required, MaxLength(1024)] string? Password,
    [property: Required, MinLength(1), MaxLength(200), PlainText] string? Name);

public sealed record LoginForm(string? Username, string? Password);

public sealed record RefreshRequest([property: Required, MaxLength(512)] string? RefreshToken);

public sealed record AuthResponse(string AccessToken, string RefreshToken, string TokenType, Guid UserId, string Name, string Email);

/// <summary>Contract 001 shows access_token and token_type; the rotated refresh token is added because the old one is now spent.</summary>
public sealed record RefreshResponse(string AccessToken, string TokenType, string RefreshToken);

public sealed record MeResponse(Guid UserId, string Email, string Name, string FinancialPersonality, bool EmailVerified);

public sealed record EmailVerifiedResponse(string Email, bool EmailVerified);

public sealed record MessageResponse(string Message);

internal static class AuthEndpoints
{
    public static RouteGroupBuilder MapAuthEndpoints(this RouteGroupBuilder group)
    {
        group.MapPost("/register", RegisterAsync).AllowAnonymous();

        // A token endpoint, not a cookie form: there is no ambient credential for CSRF to abuse.
        group.MapPost("/login", LoginAsync).AllowAnonymous().DisableAntiforgery();
        group.MapPost("/refresh", RefreshAsync).AllowAnonymous();
        group.MapGet("/me", MeAsync).RequireAuthorization(AuthPolicies.User);

        // The link in the verification mail (its token is the credential), and "send it again" for the signed-in customer.
        group.MapGet("/verify-email", VerifyEmailAsync).AllowAnonymous();
        group.MapPost("/verify-email", ResendVerificationAsync).RequireAuthorization(AuthPolicies.User);
        group.MapPost("/logout", LogoutAsync).RequireAuthorization(AuthPolicies.User);
        return group;
    }

    /// <summary>Opens a customer account and signs it in. A link that verifies the e-mail address is mailed; the password must pass the policy.</summary>
    public static async Task<Created<AuthResponse>> RegisterAsync(
        RegisterRequest request, UserAuthService auth, EmailVerification verification, IOptions<TenancyOptions> tenancy, CancellationToken cancellationToken)
    {
        var result = await auth.RegisterAsync(tenancy.Value.DefaultTenantId, request.Email!, request.Password!, request.Name!, cancellationToken);
        await verification.SendAsync(result.User, cancellationToken);
        return TypedResults.Created("/api/auth/me", ToResponse(result));
    }

    /// <summary>Verifies an e-mail address with the single-use token from the mailed link. The link is valid 24 hours.</summary>
    public static async Task<Ok<EmailVerifiedResponse>> VerifyEmailAsync([FromQuery, Required, MaxLength(100)] string token, EmailVerification verification, CancellationToken cancellationToken)
    {
        var user = await verification.VerifyAsync(token, cancellationToken);
        return TypedResults.Ok(new EmailVerifiedResponse(user.Email, true));
    }

    /// <summary>Mails a new verification link to the signed-in customer's address.</summary>
    public static async Task<Accepted<EmailVerifiedResponse>> ResendVerificationAsync(
        ICurrentPrincipal principal, VirtualBankerDbContext db, EmailVerification verification, CancellationToken cancellationToken)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == principal.UserId, cancellationToken) ?? throw new AppException(AppError.Unauthorized());
        await verification.SendAsync(user, cancellationToken);
        return TypedResults.Accepted("/api/auth/me", new EmailVerifiedResponse(user.Email, user.EmailVerifiedAt is not null));
    }

    /// <summary>Signs a customer in with e-mail and password (a form post). Answers an access token and a refresh token; failed attempts are delayed progressively (429 with Retry-After).</summary>
    public static async Task<Results<Ok<AuthResponse>, ErrorResult>> LoginAsync(
        [FromForm] LoginForm form, UserAuthService auth, IOptions<TenancyOptions> tenancy, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(form.Username) || string.IsNullOrEmpty(form.Password) || form.Username.Length > 320 || form.Password.Length > 1024)
        {
            return new ErrorResult(AppError.Unauthorized("Incorrect email or password."));
        }

        var result = await auth.LoginAsync(tenancy.Value.DefaultTenantId, form.Username, form.Password, cancellationToken);
        return TypedResults.Ok(ToResponse(result));
    }

    /// <summary>Exchanges a refresh token for a new access token and a rotated refresh token. A superseded or revoked token revokes its whole family.</summary>
    public static async Task<Results<Ok<RefreshResponse>, ErrorResult>> RefreshAsync(
        RefreshRequest request, TokenService tokens, CancellationToken cancellationToken)
    {
        var pair = await tokens.RefreshAsync(request.RefreshToken!, cancellationToken);
        return pair is null
            ? new ErrorResult(AppError.Unauthorized("The refresh token is invalid, expired or revoked."))
            : TypedResults.Ok(new RefreshResponse(pair.AccessToken, "bearer", pair.RefreshToken));
    }

    /// <summary>The signed-in customer: id, e-mail, name, whether the e-mail is verified, and their money style.</summary>
    public static async Task<Results<Ok<MeResponse>, ErrorResult>> MeAsync(
        ICurrentPrincipal principal, VirtualBankerDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == principal.UserId, cancellationToken);
        if (user is null)
        {
            return new ErrorResult(AppError.Unauthorized());
        }

        var since = clock.GetUtcNow().UtcDateTime.AddDays(-90);
        var recent = await db.Transactions.AsNoTracking()
            .Where(t => t.UserId == user.Id && t.Timestamp >= since && t.Category != "Transfer")
            .Select(t => new { t.AmountMinor, t.Category })
            .ToListAsync(cancellationToken);
        var income = recent.Where(t => t.AmountMinor > 0).Sum(t => t.AmountMinor);
        var spending = -recent.Where(t => t.AmountMinor < 0).Sum(t => t.AmountMinor);
        var discretionary = -recent.Where(t => t.AmountMinor < 0 && t.Category is "Dining" or "Shopping" or "Travel").Sum(t => t.AmountMinor);
        var personality = FinancialPersonality.Classify(income, spending, spending == 0 ? 0 : discretionary / (double)spending);
        return TypedResults.Ok(new MeResponse(user.Id, user.Email, user.Name, personality, user.EmailVerifiedAt is not null));
    }

    /// <summary>Signs the customer out: the access token and its refresh tokens are revoked at once, on every node.</summary>
    public static async Task<Ok<MessageResponse>> LogoutAsync(ICurrentPrincipal principal, TokenService tokens, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(principal.SessionId, out var familyId))
        {
            await tokens.RevokeFamilyAsync(familyId, cancellationToken);
        }

        return TypedResults.Ok(new MessageResponse("Logged out successfully"));
    }

    private static AuthResponse ToResponse(AuthResult result) =>
        new(result.Tokens.AccessToken, result.Tokens.RefreshToken, "bearer", result.User.Id, result.User.Name, result.User.Email);
}
