using Microsoft.Extensions.Options;
using VirtualBanker.Core.Errors;

namespace VirtualBanker.Api.Hosting;

/// <summary>
/// Cross-site WebSocket hijacking: CORS does not apply to a WebSocket handshake, so a page of any site
/// could open one and ride on what the browser sends along. A browser always sends its page's Origin
/// with the handshake; that origin must be this server's own or one in <c>Cors:AllowedOrigins</c>
/// (a bank portal embedding the widget). Clients that are not browsers send no Origin and are judged
/// by their credentials alone. Development allows any origin, as CORS does.
/// </summary>
internal sealed class WebSocketOriginMiddleware(RequestDelegate next, IOptions<CorsOptions> cors, IHostEnvironment environment)
{
    // No browser sends two Origin headers: a request that does is refused, in every environment, rather than left unchecked.
    public Task InvokeAsync(HttpContext context) =>
        context.WebSockets.IsWebSocketRequest && context.Request.Headers.Origin is { Count: > 0 } origins
            && (origins.Count > 1 || !Allowed(context.Request, origins[0]!))
            ? ErrorRenderer.WriteAsync(context, AppError.Forbidden("Sockets may not be opened from this origin."))
            : next(context);

    private bool Allowed(HttpRequest request, string origin) =>
        environment.IsDevelopment()
        || (Uri.TryCreate(origin, UriKind.Absolute, out var uri) && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase))
        || cors.Value.AllowedOrigins.Contains(origin, StringComparer.OrdinalIgnoreCase);
}
