using System.Diagnostics;
using System.Text.Json.Nodes;

namespace VirtualBanker.Api.Tests.Surfaces.Workspace;

/// <summary>
/// A real OpenID provider (the npm package oidc-provider, <c>tests/js/oidc-provider.mjs</c>) on a free
/// loopback port, started for a test class and stopped with it. <c>./test.sh</c> installs its packages.
/// </summary>
public sealed class OidcProvider : IAsyncDisposable
{
    public const string ClientId = "virtualbanker-workspace";
    public const string ClientSecret = "test-client-secret-0123456789abcdef";
    public const string RedirectUri = "http://localhost/auth/callback";
    public const string ScimToken = "test-scim-token-0123456789";

    private readonly Process _process;
    private readonly HttpClient _http = new();

    private OidcProvider(Process process, Uri issuer)
    {
        _process = process;
        Issuer = issuer;
    }

    public Uri Issuer { get; }

    public Uri ScimEndpoint => new(Issuer, "/scim/v2");

    public static async Task<OidcProvider> StartAsync(JsonObject accounts)
    {
        var config = new JsonObject
        {
            ["client"] = new JsonObject
            {
                ["client_id"] = ClientId,
                ["client_secret"] = ClientSecret,
                ["redirect_uris"] = new JsonArray(RedirectUri),
                ["post_logout_redirect_uris"] = new JsonArray("http://localhost/"),
            },
            ["accounts"] = accounts,
            ["scim_token"] = ScimToken,
        };
        var process = NodeTools.Start("js/oidc-provider.mjs", config.ToJsonString());
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith('{'))
            {
                return new OidcProvider(process, new Uri(JsonNode.Parse(line)!["issuer"]!.GetValue<string>()));
            }
        }

        throw new InvalidOperationException($"The OpenID provider did not start (exit code {(process.HasExited ? process.ExitCode : -1)}).");
    }

    /// <summary>Replaces an account's claims in the directory, as an administrator of the directory would.</summary>
    public async Task SetAccountAsync(string login, JsonObject claims) =>
        (await _http.PutAsync(new Uri(Issuer, $"/__test/accounts/{login}"), new StringContent(claims.ToJsonString()))).EnsureSuccessStatusCode();

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
