namespace VirtualBanker.Core.Errors;

/// <summary>
/// The one internal error. Each API surface renders it in its contract's shape; the message is
/// written for the caller and never carries exception text.
/// </summary>
public sealed record AppError(string Code, int Status, string Message, IReadOnlyDictionary<string, string[]>? Details = null)
{
    public static AppError BadRequest(string message, IReadOnlyDictionary<string, string[]>? details = null) => new(ErrorCodes.BadRequest, 400, message, details);
    public static AppError Validation(string field, string message) => new(ErrorCodes.Validation, 400, message, new Dictionary<string, string[]> { [field] = [message] });
    public static AppError Unauthorized(string message = "Authentication is required.") => new(ErrorCodes.Unauthorized, 401, message);
    public static AppError Forbidden(string message = "You are not allowed to do this.") => new(ErrorCodes.Forbidden, 403, message);
    public static AppError NotFound(string message = "The resource was not found.") => new(ErrorCodes.NotFound, 404, message);
    public static AppError Conflict(string message) => new(ErrorCodes.Conflict, 409, message);
    /// <summary>An idempotency key (or external id) sent again with a different request: the IETF Idempotency-Key draft's 422.</summary>
    public static AppError IdempotencyKeyReused(string key) => new(ErrorCodes.IdempotencyKeyReused, 422, $"{key} was already used for a different request.");
    public static AppError RateLimited(string message = "Too many requests. Retry later.") => new(ErrorCodes.RateLimited, 429, message);

    /// <summary>When to try again, sent as <c>Retry-After</c> (a 429 or 503).</summary>
    public int? RetryAfterSeconds { get; init; }
    /// <summary>A store the request needs is briefly out of reach (restarting, failing over): the client may retry.</summary>
    public static AppError Unavailable() => new(ErrorCodes.Unavailable, 503, "The service is temporarily unavailable. Retry shortly.");
    public static AppError Server() => new(ErrorCodes.Server, 500, "An unexpected error occurred.");

    /// <summary>The canonical error for a bare HTTP status (an unknown route, a wrong method, a framework refusal).</summary>
    public static AppError FromStatus(int status) => status switch
    {
        400 => BadRequest("The request is malformed."),
        401 => Unauthorized(),
        403 => Forbidden(),
        404 => NotFound(),
        405 => new(ErrorCodes.MethodNotAllowed, 405, "This method is not allowed on this resource."),
        406 => new(ErrorCodes.BadRequest, 406, "The requested representation is not available."),
        408 => new(ErrorCodes.BadRequest, 408, "The request took too long to arrive."),
        409 => Conflict("The request conflicts with the current state."),
        411 => new(ErrorCodes.BadRequest, 411, "A Content-Length is required."),
        413 => new(ErrorCodes.PayloadTooLarge, 413, "The request body is too large."),
        414 => new(ErrorCodes.BadRequest, 414, "The request URI is too long."),
        415 => new(ErrorCodes.UnsupportedMediaType, 415, "The content type is not supported."),
        422 => new(ErrorCodes.Validation, 422, "The request is not valid."),
        429 => RateLimited(),
        >= 400 and < 500 => new(ErrorCodes.BadRequest, status, "The request was refused."),
        503 => Unavailable(),
        _ => Server() with { Status = status },
    };
}

public static class ErrorCodes
{
    public const string BadRequest = "bad_request";
    public const string Validation = "validation_error";
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string NotFound = "not_found";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string Conflict = "conflict";
    public const string IdempotencyKeyReused = "idempotency_key_reused";
    public const string PayloadTooLarge = "payload_too_large";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string RateLimited = "rate_limited";
    public const string Unavailable = "unavailable";
    public const string Server = "server_error";
}

/// <summary>Thrown by Core services for an expected failure; the Api renders <see cref="Error"/>.</summary>
public class AppException(AppError error) : Exception(error.Message)
{
    public AppError Error { get; } = error;
}

/// <summary>A write that would cross tenants. Always a bug in the caller, never shown in detail.</summary>
public sealed class TenantIsolationException(string message) : InvalidOperationException(message);
