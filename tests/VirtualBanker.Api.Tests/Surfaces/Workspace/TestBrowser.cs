using System.Net;
using System.Text.RegularExpressions;

namespace VirtualBanker.Api.Tests.Surfaces.Workspace;

/// <summary>
/// Just enough of a browser to run an OpenID Connect flow over HTTP: a cookie jar per host, redirects
/// followed one hop at a time, and HTML forms submitted. Requests to <c>http://localhost</c> go to the
/// in-process server; everything else (the OpenID provider) goes over the network. Like a browser on
/// localhost, it sends Secure cookies over plain http to loopback.
/// </summary>
internal sealed partial class TestBrowser(HttpMessageHandler server) : IDisposable
{
    private readonly HttpClient _server = new(server) { BaseAddress = new Uri("http://localhost") };
    private readonly HttpClient _network = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });

    /// <summary>Cookies by host (with port), then by name.</summary>
    public Dictionary<string, Dictionary<string, string>> Cookies { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, string> ServerCookies => Jar(new Uri("http://localhost"));

    /// <summary>One request: sends this host's cookies and stores the ones the response sets.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri url, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        var jar = Jar(url);
        if (jar.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", jar.Select(c => $"{c.Key}={c.Value}")));
        }

        var response = await (url.Host == "localhost" && url.IsDefaultPort ? _server : _network).SendAsync(request);
        foreach (var header in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
        {
            var (name, value) = header.Split(';')[0].Split('=', 2) switch { [var n, var v] => (n.Trim(), v.Trim()), _ => ("", "") };
            var deleted = header.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase) || header.Contains("max-age=0", StringComparison.OrdinalIgnoreCase);
            if (deleted || value.Length == 0)
            {
                jar.Remove(name);
            }
            else
            {
                jar[name] = value;
            }
        }

        return response;
    }

    /// <summary>Follows redirects from <paramref name="url"/> until a page answers, or until the next hop would be <paramref name="stopBefore"/>.</summary>
    public async Task<Page> NavigateAsync(Uri url, Func<Uri, bool>? stopBefore = null, HttpMethod? method = null, HttpContent? content = null)
    {
        for (var hop = 0; hop < 20; hop++)
        {
            if (stopBefore?.Invoke(url) == true)
            {
                return new Page(url, null, "");
            }

            var response = await SendAsync(method ?? HttpMethod.Get, url, content);
            if (response.StatusCode is HttpStatusCode.Found or HttpStatusCode.SeeOther or HttpStatusCode.Redirect or HttpStatusCode.TemporaryRedirect
                && response.Headers.Location is { } location)
            {
                url = new Uri(url, location);
                method = null;
                content = null;
                continue;
            }

            return new Page(url, response, await response.Content.ReadAsStringAsync());
        }

        throw new InvalidOperationException("Too many redirects.");
    }

    /// <summary>Submits the page's (first) form with the given fields plus its hidden inputs, then follows redirects.</summary>
    public Task<Page> SubmitAsync(Page page, IReadOnlyDictionary<string, string> fields, Func<Uri, bool>? stopBefore = null)
    {
        var form = FormPattern().Match(page.Html);
        if (!form.Success)
        {
            throw new InvalidOperationException($"No form on {page.Url}: {page.Html[..Math.Min(300, page.Html.Length)]}");
        }

        var values = HiddenPattern().Matches(form.Value).ToDictionary(m => m.Groups["name"].Value, m => WebUtility.HtmlDecode(m.Groups["value"].Value));
        foreach (var (key, value) in fields)
        {
            values[key] = value;
        }

        var action = new Uri(page.Url, WebUtility.HtmlDecode(form.Groups["action"].Value));
        return NavigateAsync(action, stopBefore, HttpMethod.Post, new FormUrlEncodedContent(values));
    }

    public void Dispose()
    {
        _server.Dispose();
        _network.Dispose();
    }

    private Dictionary<string, string> Jar(Uri url)
    {
        var key = url.Authority;
        if (!Cookies.TryGetValue(key, out var jar))
        {
            Cookies[key] = jar = new Dictionary<string, string>(StringComparer.Ordinal);
        }

        return jar;
    }

    [GeneratedRegex("""<form[^>]*action="(?<action>[^"]*)"[^>]*>.*?</form>""", RegexOptions.Singleline)]
    private static partial Regex FormPattern();

    [GeneratedRegex("""<input type="hidden" name="(?<name>[^"]+)" value="(?<value>[^"]*)"\s*/?>""")]
    private static partial Regex HiddenPattern();

    public sealed record Page(Uri Url, HttpResponseMessage? Response, string Html)
    {
        /// <summary>The provider's interaction a page asks for (<c>login</c>, <c>consent</c>), if it is one.</summary>
        public string? Prompt => PromptPattern().Match(Html) is { Success: true } m ? m.Groups[1].Value : null;
    }

    [GeneratedRegex("""name="prompt" value="(\w+)""")]
    private static partial Regex PromptPattern();
}
