using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace VirtualBanker.Api.Tests.ScaleOut;

/// <summary>
/// One VirtualBanker server as its own process (the built VirtualBanker.Api.dll) on a loopback port, on
/// shared PostgreSQL + Redis stores. Several of them with the same stores are the nodes of one deployment.
/// </summary>
public sealed class ServerNode : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dataDirectory;

    private ServerNode(Process process, Uri address, string dataDirectory)
    {
        _process = process;
        Address = address;
        _dataDirectory = dataDirectory;
    }

    public Uri Address { get; }

    public ConcurrentQueue<string> Output { get; } = new();

    public static async Task<ServerNode> StartAsync(string stores, IReadOnlyDictionary<string, string>? settings = null)
    {
        var port = FreePort();
        var build = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var api = Path.Combine(NodeTools.RepositoryRoot(), "src", "VirtualBanker.Api", "bin", build.Parent!.Name, build.Name, "VirtualBanker.Api.dll");
        var data = Path.Combine(Path.GetTempPath(), "vb-nodes", Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(api)!, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(api);
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Urls"] = $"http://127.0.0.1:{port}",
            ["Database__Provider"] = "postgres",
            ["Database__MigrateOnStart"] = "true",
            ["Database__DataDirectory"] = data,
            ["ConnectionStrings__Postgres"] = new Npgsql.NpgsqlConnectionStringBuilder(VirtualBankerFactory.Required("VB_TEST_POSTGRES")) { Database = stores }.ConnectionString,
            ["ConnectionStrings__Redis"] = VirtualBankerFactory.Required("VB_TEST_REDIS"),
            ["Redis__KeyPrefix"] = $"{stores}:",
            ["Demo__AdminPassword"] = VirtualBankerFactory.AdminPassword,
            ["RateLimits__CustomerAuth__Limit"] = "1000",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        var node = new ServerNode(process, new Uri($"http://127.0.0.1:{port}"), data);
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

    /// <summary>SIGKILL: no shutdown, no flush, its unacknowledged bus messages left pending.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
