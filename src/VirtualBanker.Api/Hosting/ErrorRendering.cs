using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.WebUtilities;
using VirtualBanker.Core.Errors;

namespace VirtualBanker.Api.Hosting;

/// <summary>
/// Renders the one internal <see cref="AppError"/> in the shape of the surface the request belongs to:
/// 000 <c>{error,message}</c>, 003 <c>{detail,status_code,type}</c>, 004 <c>{error:{code,message,details}}</c>,
/// 001 and 002 RFC 9457 problem+json. Every error of the host goes through here.
/// </summary>
internal static class ErrorRenderer
{
    public static Task WriteAsync(HttpContext context, AppError error)
    {
        var surface = ApiSurfaces.Resolve(context.Request.Path);

        // Contract 003 reports invalid input as 422; the others use 400.
        if (surface == ApiSurface.Management && error.Code == ErrorCodes.Validation)
        {
            error = error with { Status = 422 };
        }

        var response = context.Response;
        response.StatusCode = error.Status;
        response.Headers.CacheControl = "no-store";
        response.Headers.XContentTypeOptions = "nosniff"; // set again: the exception handler clears what the pipeline set
        if (error.RetryAfterSeconds is { } retryAfter)
        {
            response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var body = Render(surface, error, context.TraceIdentifier);
        response.ContentType = surface is ApiSurface.Customer or ApiSurface.Gateway ? "application/problem+json" : "application/json";
        return response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    internal static JsonObject Render(ApiSurface surface, AppError error, string traceId) => surface switch
    {
        ApiSurface.Portal => new JsonObject
        {
            ["error"] = ReasonPhrases.GetReasonPhrase(error.Status),
            ["message"] = error.Message,
        },
        ApiSurface.Management => new JsonObject
        {
            ["detail"] = error.Message,
            ["status_code"] = error.Status,
            ["type"] = error.Code,
        },
        ApiSurface.Workspace => new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["code"] = error.Code.ToUpperInvariant(),
                ["message"] = error.Message,
                ["details"] = Details(error),
            },
        },
        _ => Problem(error, traceId),
    };

    private static JsonObject Problem(AppError error, string traceId)
    {
        var problem = new JsonObject
        {
            ["type"] = "about:blank",
            ["title"] = ReasonPhrases.GetReasonPhrase(error.Status),
            ["status"] = error.Status,
            ["detail"] = error.Message,
            ["code"] = error.Code,
            ["trace_id"] = traceId,
        };
        if (error.Details is not null)
        {
            problem["errors"] = Details(error);
        }

        return problem;
    }

    private static JsonObject? Details(AppError error) => error.Details is null
        ? null
        : new JsonObject(error.Details.Select(d => KeyValuePair.Create(d.Key, (JsonNode?)new JsonArray([.. d.Value.Select(v => (JsonNode)v)]))));
}

/// <summary>An endpoint result that renders an <see cref="AppError"/> in the surface's shape.</summary>
internal sealed class ErrorResult(AppError error) : IResult
{
    public AppError Error => error;

    public Task ExecuteAsync(HttpContext httpContext) => ErrorRenderer.WriteAsync(httpContext, error);
}

/// <summary>
/// The one exception handler. Expected failures become their error; malformed requests become a 4xx;
/// anything else is logged and answered with a bare 500 — no exception text ever reaches the client.
/// </summary>
internal sealed partial class AppExceptionHandler(ILogger<AppExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (httpContext.Response.HasStarted)
        {
            return false;
        }

        var error = exception switch
        {
            AppException app => app.Error,
            BadHttpRequestException bad => FromBadRequest(bad),
            JsonException json => InvalidJson(json),
            TenantIsolationException => AppError.NotFound(),
            OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested => null,
            _ when DatabaseUnreachable(exception) => AppError.Unavailable(),
            _ => null,
        };

        if (error is null && httpContext.RequestAborted.IsCancellationRequested)
        {
            httpContext.Response.StatusCode = 499;
            return true;
        }

        if (error is null || exception is TenantIsolationException)
        {
            LogUnhandled(logger, httpContext.Request.Method, httpContext.Request.Path, exception);
        }
        else if (error.Status == StatusCodes.Status503ServiceUnavailable)
        {
            LogUnavailable(logger, httpContext.Request.Method, httpContext.Request.Path, exception.GetType().Name);
            httpContext.Response.Headers.RetryAfter = "1";
        }

        await ErrorRenderer.WriteAsync(httpContext, error ?? AppError.Server());
        return true;
    }

    /// <summary>
    /// The database is restarting, failing over or out of connections — a transient failure by the driver's
    /// own judgement, or a connection-level or shutdown SQLSTATE (classes 08 and 57P) — and not a bug: 503.
    /// </summary>
    private static bool DatabaseUnreachable(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is System.Data.Common.DbException db && (db.IsTransient || db.SqlState is { } state && (state.StartsWith("08", StringComparison.Ordinal) || state.StartsWith("57P", StringComparison.Ordinal))))
            {
                return true;
            }
        }

        return false;
    }

    private static AppError FromBadRequest(BadHttpRequestException bad) => bad.InnerException switch
    {
        JsonException json => InvalidJson(json),
        _ when bad.StatusCode == 400 => AppError.BadRequest("The request is malformed: a parameter or the body could not be read."),
        _ => AppError.FromStatus(bad.StatusCode),
    };

    private static AppError InvalidJson(JsonException json) => AppError.BadRequest(
        "The request body is not valid JSON for this operation.",
        json.Path is { Length: > 0 } path ? new Dictionary<string, string[]> { [path] = ["Invalid or missing value."] } : null);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database unreachable for {Method} {Path} ({Failure}): answered 503")]
    private static partial void LogUnavailable(ILogger logger, string method, PathString path, string failure);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception for {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, string method, PathString path, Exception exception);
}

/// <summary>
/// Framework code that reports problems through <see cref="IProblemDetailsService"/> (request validation)
/// is turned into the surface's shape here, so there is no second error format. The framework's messages
/// ("The field Scopes must be a string or array type with a minimum length of '1'.") are rewritten for people.
/// </summary>
internal sealed partial class SurfaceProblemDetailsWriter : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var status = context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode;
        AppError error;
        if (context.ProblemDetails is HttpValidationProblemDetails validation)
        {
            var details = validation.Errors.ToDictionary(e => ToSnakeCase(e.Key), e => e.Value);
            foreach (var (field, messages) in details)
            {
                details[field] = [.. messages.Select(m => Humanize(field, m))];
            }

            error = new AppError(ErrorCodes.Validation, 400, details.Count == 1 ? details.First().Value.FirstOrDefault() ?? "The request is not valid." : "The request is not valid.", details);
        }
        else
        {
            error = AppError.FromStatus(status);
        }

        return new ValueTask(ErrorRenderer.WriteAsync(context.HttpContext, error));
    }

    /// <summary>A DataAnnotations default message said about <paramref name="field"/> in words a person reads; others are kept.</summary>
    internal static string Humanize(string field, string message)
    {
        var name = FieldLabel.Of(field);
        if (Required().IsMatch(message))
        {
            return $"{name} is required.";
        }

        if (MinLength().Match(message) is { Success: true } min)
        {
            return min.Groups[1].Value == "1" ? $"{name} must not be empty." : $"{name} is too short: it needs at least {min.Groups[1].Value}.";
        }

        if (MaxLength().Match(message) is { Success: true } max)
        {
            return $"{name} is too long: the limit is {max.Groups[1].Value}.";
        }

        if (Between().Match(message) is { Success: true } range)
        {
            return $"{name} must be between {range.Groups[1].Value} and {range.Groups[2].Value}.";
        }

        return Pattern().IsMatch(message) || Invalid().IsMatch(message) ? $"{name} is not in the expected form." : message;
    }

    private static string ToSnakeCase(string name) => JsonNamingPolicy.SnakeCaseLower.ConvertName(name);

    [GeneratedRegex(@"^The \S+ field is required\.$")]
    private static partial Regex Required();

    [GeneratedRegex(@"^The field \S+ must be a string or array type with a minimum length of '(\d+)'\.$")]
    private static partial Regex MinLength();

    [GeneratedRegex(@"^The field \S+ must be a string or array type with a maximum length of '(\d+)'\.$")]
    private static partial Regex MaxLength();

    [GeneratedRegex(@"^The field \S+ must be between (\S+) and (\S+)\.$")]
    private static partial Regex Between();

    [GeneratedRegex(@"^The field \S+ must match the regular expression '.*'\.$", RegexOptions.Singleline)]
    private static partial Regex Pattern();

    [GeneratedRegex(@"^The \S+ field is not a valid .+\.$|^The field \S+ is invalid\.$")]
    private static partial Regex Invalid();
}
