using System.Diagnostics;

namespace VirtualBanker.Api.Tests;

/// <summary>The node scripts of <c>tests/js</c> (a real OpenID provider, the Playwright browser driver); <c>./test.sh</c> installs their packages.</summary>
public static class NodeTools
{
    /// <summary>Starts <c>node tests/js/{script} {argument}</c> with redirected standard streams.</summary>
    public static Process Start(string script, string argument)
    {
        var folder = Path.Combine(RepositoryRoot(), "tests", "js");
        if (!Directory.Exists(Path.Combine(folder, "node_modules")))
        {
            throw new InvalidOperationException("tests/js has no node_modules: run ./test.sh (or npm ci --prefix tests/js).");
        }

        var start = new ProcessStartInfo("node") { WorkingDirectory = folder, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(folder, script));
        start.ArgumentList.Add(argument);
        return Process.Start(start)!;
    }

    /// <summary>Runs a script to its end; its standard output, or an exception carrying its standard error.</summary>
    public static async Task<string> RunAsync(string script, string argument, TimeSpan timeout)
    {
        using var process = Start(script, argument);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} did not finish in {timeout}: {await error}");
        }

        return process.ExitCode == 0 ? await output : throw new InvalidOperationException($"{script} failed ({process.ExitCode}): {await error}");
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "VirtualBanker.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Repository root not found.");
    }
}
