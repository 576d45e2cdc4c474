using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using VirtualBanker.Core.Errors;

namespace VirtualBanker.Api.Hosting;

internal static class HostingExtensions
{
    /// <summary>JSON conventions, error handling, request limits and rate limiting shared by all five surfaces.</summary>
    public static WebApplicationBuilder AddVirtualBankerHost(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.Configure<JsonOptions>(o =>
        {
            // The contracts speak snake_case. A null in a non-nullable field is a 400; required fields are
            // nullable in request records and carry [Required], so validation can name the missing one.
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.RespectNullableAnnotations = true;
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
            o.SerializerOptions.Converters.Add(new Core.Data.UtcDateTimeConverter());
            o.SerializerOptions.Converters.Add(new NoNulStringConverter());
            o.SerializerOptions.MaxDepth = 32;
        });

        // Binding failures throw, so the exception handler renders them in the surface's shape.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddValidation();
        services.AddSingleton<IProblemDetailsWriter, SurfaceProblemDetailsWriter>();
        services.AddProblemDetails();
        services.AddExceptionHandler<AppExceptionHandler>();

        services.AddOptions<RequestLimitOptions>().BindConfiguration(RequestLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.WebHost.ConfigureKestrel(k =>
            k.Limits.MaxRequestBodySize = builder.Configuration.GetValue<long?>($"{RequestLimitOptions.Section}:MaxRequestBodyBytes") ?? new RequestLimitOptions().MaxRequestBodyBytes);

        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IRateLimitStore, InMemoryRateLimitStore>();
        services.AddSingleton<RateLimiter>();
        services.AddSingleton<ConnectionCounter>();
        services.AddSingleton<SocketWatch>();
        services.AddHostedService(sp => sp.GetRequiredService<SocketWatch>());

        services.AddOptions<MemoryOptions>().BindConfiguration(MemoryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<EventStreamOptions>().BindConfiguration(EventStreamOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHostedService<MemoryTrimmer>();
        return builder;
    }

    /// <summary>The middleware order matters: errors outermost, limits before work, rate limits once the caller is known.</summary>
    public static WebApplication UseVirtualBankerPipeline(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages(context =>
            ErrorRenderer.WriteAsync(context.HttpContext, AppError.FromStatus(context.HttpContext.Response.StatusCode)));
        app.UseVirtualBankerWeb(); // pages and assets before the API's metrics, limits and auth: they are public
        app.UseMiddleware<RequestMetricsMiddleware>();
        app.UseMiddleware<ApiResponseHeadersMiddleware>();
        app.UseMiddleware<BodySizeLimitMiddleware>();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(25) });
        app.UseMiddleware<WebSocketOriginMiddleware>();
        app.UseRouting();
        app.UseCors();
        app.UseAuthentication();
        app.UseMiddleware<RateLimitMiddleware>();
        app.UseAuthorization();
        return app;
    }
}

/// <summary>
/// Every API answer is <c>nosniff</c> (a JSON body is never run as a script or styled as CSS), and one to a request that carries a
/// credential is <c>no-store</c> unless its endpoint says otherwise (a shared cache or the browser's disk never keeps a customer's data).
/// </summary>
internal sealed class ApiResponseHeadersMiddleware(RequestDelegate next)
{
    private static readonly Microsoft.Extensions.Primitives.StringValues NoSniff = "nosniff";
    private static readonly Microsoft.Extensions.Primitives.StringValues NoStore = "no-store";

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = NoSniff;
        var request = context.Request.Headers;
        // (A socket's token in the query is not looked for: parsing the query would keep a copy for the socket's life, and a 101 is not cached.)
        if (request.Authorization.Count > 0 || request.ContainsKey("X-API-Key") || request.Cookie.Count > 0)
        {
            headers.CacheControl = NoStore;
        }

        return next(context);
    }
}
