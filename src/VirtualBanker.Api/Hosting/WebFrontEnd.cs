using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;

namespace VirtualBanker.Api.Hosting;

/// <summary>
/// The web front end (customer dashboard, admin console, staff workspace, widget, demo portal), built by Vite from
/// <c>src/VirtualBanker.Web</c> into <c>wwwroot</c> during <c>dotnet build</c>.
/// </summary>
internal static class WebFrontEnd
{
    // Our own pages load scripts and styles from this origin only and talk to this origin only; they
    // are never framed (the widget a bank embeds is a script, not a frame). Styles may be inline:
    // the widget puts its style sheet in its shadow root.
    private const string PagePolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

    // The top-level paths the front end owns. Only these look at the file system: every other request
    // (the APIs) would otherwise pay a directory and a file look-up before reaching its endpoint.
    private static readonly string[] Paths = ["/app", "/admin", "/staff", "/demo", "/assets", "/widget.js", "/index.html"];

    public static IApplicationBuilder UseVirtualBankerWeb(this IApplicationBuilder app) =>
        app.UseWhen(IsFrontEnd, web => web.UseDefaultFiles().UseStaticFiles(new StaticFileOptions { OnPrepareResponse = PrepareResponse }));

    private static bool IsFrontEnd(HttpContext context)
    {
        var path = context.Request.Path;
        return path == "/" || Paths.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase));
    }

    private static void PrepareResponse(StaticFileResponseContext context)
    {
        var headers = context.Context.Response.Headers;
        headers[HeaderNames.XContentTypeOptions] = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";

        // Vite puts a content hash in every name under /assets/, so those never change; pages and
        // widget.js (the stable URL banks embed) are revalidated on every load.
        headers[HeaderNames.CacheControl] = context.Context.Request.Path.StartsWithSegments("/assets")
            ? "public, max-age=31536000, immutable"
            : "no-cache";
        if (context.File.Name.EndsWith(".html", StringComparison.Ordinal))
        {
            headers[HeaderNames.ContentSecurityPolicy] = PagePolicy;
        }
    }
}
