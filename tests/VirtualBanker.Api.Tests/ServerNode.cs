using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace VirtualBanker.Api.Tests;

/// <summary>
/// One VirtualBanker server as its own process (the built VirtualBanker.Api.dll) on a loopback port: on shared
/// PostgreSQL + Redis stores (several of them with the same stores are the nodes of one deployment), or on
/// any stores its settings name, for tests that kill and restart it.
/// </summary>
public sealed class ServerNode : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string? _ownDataDirectory;

    private ServerNode(Process process, Uri address, string? ownDataDirectory)
    {
        _process = process;
        Address = address;
        _ownDataDirectory = ownDataDirectory;
    }

    public Uri Address { get; }

    public ConcurrentQueue<string> Output { get; } = new();

    public bool HasExited => _process.HasExited;

    /// <summary>A node of the deployment on the named shared stores (see <see cref="VirtualBankerFactory.NewSharedStores"/>).</summary>
    public static Task<ServerNode> StartAsync(string stores, IReadOnlyDictionary<string, string>? settings = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["Database__Provider"] = "postgres",
            ["Database__MigrateOnStart"] = "true",
            ["ConnectionStrings__Postgres"] = new Npgsql.NpgsqlConnectionStringBuilder(VirtualBankerFactory.Required("VB_TEST_POSTGRES")) { Database = stores }.ConnectionString,
            ["ConnectionStrings__Redis"] = VirtualBankerFactory.Required("VB_TEST_REDIS"),
            ["Redis__KeyPrefix"] = $"{stores}:",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        return StartProcessAsync(environment);
    }

    /// <summary>
    /// A server with the given settings (environment variables) over <paramref name="dataDirectory"/>; a
    /// restart over the same directory finds what the last one stored. Without one, a fresh directory that
    /// goes when the node does.
    /// </summary>
    public static async Task<ServerNode> StartProcessAsync(IReadOnlyDictionary<string, string> settings, string? dataDirectory = null)
    {
        var port = FreePort();
        var build = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var api = Path.Combine(NodeTools.RepositoryRoot(), "src", "VirtualBanker.Api", "bin", build.Parent!.Name, build.Name, "VirtualBanker.Api.dll");
        var data = dataDirectory ?? Path.Combine(Path.GetTempPath(), "vb-nodes", Guid.NewGuid().ToString("N"));
        // Started from another folder, as an operator does: the server finds its settings and pages in its own (Hosting/AppFolder.cs).
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetTempPath(), RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(api);
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Urls"] = $"http://127.0.0.1:{port}",
            ["Database__DataDirectory"] = data,
            ["Demo__AdminPassword"] = VirtualBankerFactory.AdminPassword,
            ["Demo__StaffPassword"] = VirtualBankerFactory.StaffPassword,
            ["RateLimits__CustomerAuth__Limit"] = "1000",
            ["RateLimits__ManagementAuth__Limit"] = "1000",
            ["Outbound__AllowedHosts__0"] = "127.0.0.1", // the fake model endpoints listen on loopback
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        var node = new ServerNode(process, new Uri($"http://127.0.0.1:{port}"), dataDirectory is null ? data : null);
        process.OutputDataReceived += (_, e) => node.Output.Enqueue(e.Data ?? "");
        process.ErrorDataReceived += (_, e) => node.Output.Enqueue(e.Data ?? "");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                if ((await http.GetAsync(new Uri(node.Address, "/health"))).StatusCode == HttpStatusCode.OK)
                {
                    return node;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200);
        }

        await node.DisposeAsync();
        throw new InvalidOperationException($"Node did not start: {string.Join('\n', node.Output)}");
    }

    public HttpClient Client(string? token = null)
    {
        var client = new HttpClient { BaseAddress = Address };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    /// <summary>The demo customer, signed in through contract 001 (form-encoded): an access token.</summary>
    public Task<string> CustomerTokenAsync() =>
        TokenAsync("/api/auth/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "alex@bankbot.dev", ["password"] = "BankBot2026!" }));

    /// <summary>The demo tenant's admin (also platform admin), signed in through contract 003 (JSON): an access token.</summary>
    public Task<string> AdminTokenAsync() =>
        TokenAsync("/api/v1/auth/login", System.Net.Http.Json.JsonContent.Create(new { email = "admin@bankbot.dev", password = VirtualBankerFactory.AdminPassword }));

    private async Task<string> TokenAsync(string path, HttpContent credentials)
    {
        using var client = Client();
        var response = await client.PostAsync(path, credentials);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return System.Text.Json.Nodes.JsonNode.Parse(body)!["access_token"]!.GetValue<string>();
    }

    /// <summary>SIGKILL: no shutdown, no flush, its unacknowledged bus messages left pending.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>SIGTERM, as a service manager stops it: the server drains and exits on its own (see <see cref="WaitForExitAsync"/>).</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>The process's exit code, once it has exited within <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var wait = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(wait.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        if (_ownDataDirectory is not null && Directory.Exists(_ownDataDirectory))
        {
            Directory.Delete(_ownDataDirectory, recursive: true);
        }
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
