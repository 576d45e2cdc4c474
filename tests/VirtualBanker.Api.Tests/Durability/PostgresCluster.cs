using System.Diagnostics;

namespace VirtualBanker.Api.Tests.Durability;

/// <summary>
/// A PostgreSQL cluster of this test's own (Debian's binaries, a temp directory, a loopback port), with
/// fsync on — unlike the suite's shared throwaway server — because this one is crashed on purpose and
/// must recover from its write-ahead log.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _directory;
    private readonly int _port;

    private PostgresCluster(string bin, string directory, int port)
    {
        _bin = bin;
        _directory = directory;
        _port = port;
    }

    public string ConnectionString(string database) => $"Host=127.0.0.1;Port={_port};Username=vb;Database={database};Pooling=true;Timeout=5";

    public static async Task<PostgresCluster> StartAsync()
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
            .OrderBy(d => int.Parse(Path.GetFileName(Path.GetDirectoryName(d))!, System.Globalization.CultureInfo.InvariantCulture)).LastOrDefault()
            ?? throw new InvalidOperationException("PostgreSQL is not installed: ./test.sh installs Debian's postgresql package.");
        var directory = Directory.CreateTempSubdirectory("vb-crash-pg-").FullName;
        var cluster = new PostgresCluster(bin, directory, ServerNode.FreePort());
        if (Environment.UserName == "root")
        {
            // initdb refuses to run as root: the cluster runs as the postgres system user.
            await RunAsync("chown", ["postgres:", directory]);
        }

        await cluster.PgAsync("initdb", "-D", cluster.Data, "-U", "vb", "-A", "trust", "-E", "UTF8", "--no-sync");
        await cluster.StartServerAsync();
        return cluster;
    }

    private string Data => Path.Combine(_directory, "data");

    public Task StartServerAsync() => PgAsync("pg_ctl", "-D", Data, "-l", Path.Combine(_directory, "server.log"), "-w", "-t", "60",
        "-o", $"-c listen_addresses=127.0.0.1 -p {_port} -k {_directory} -c fsync=on -c max_connections=100", "start");

    /// <summary><c>pg_ctl stop -m immediate</c>: every server process quits at once, as in a power cut of the database alone.</summary>
    public Task StopImmediateAsync() => PgAsync("pg_ctl", "-D", Data, "-m", "immediate", "-w", "stop");

    /// <summary><c>pg_amcheck</c> over every table and index of the database; its output, empty when clean.</summary>
    public Task<string> AmCheckAsync(string database) =>
        PgAsync("pg_amcheck", "--install-missing", "--heapallindexed", "-h", "127.0.0.1", "-p", _port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "vb", "-d", database);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopImmediateAsync();
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        Directory.Delete(_directory, recursive: true);
    }

    private Task<string> PgAsync(string tool, params string[] arguments) =>
        Environment.UserName == "root"
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. arguments], _directory)
            : RunAsync(Path.Combine(_bin, tool), arguments, _directory);

    /// <summary>
    /// Runs a tool in <paramref name="workingDirectory"/>: the cluster's own directory, which the postgres user
    /// may enter. Inheriting the test's directory (a checkout under a private temp directory) made the tools
    /// print "could not change directory" on stderr.
    /// </summary>
    private static async Task<string> RunAsync(string file, string[] arguments, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? "" };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var text = (await output + await error).Trim();
        return process.ExitCode == 0 ? text : throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', arguments)} exited {process.ExitCode}: {text}");
    }
}
