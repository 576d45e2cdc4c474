using System.Diagnostics;

namespace VirtualBanker.Api.Tests;

/// <summary>
/// The node scripts the tests run: tools in <c>tests/js</c> (a real OpenID provider, a WebRTC pair) and
/// the browser tests in <c>tests/e2e</c>. Their packages (oidc-provider, playwright-core) are in
/// <c>tests/package.json</c>; <c>./test.sh</c> installs them.
/// </summary>
public static class NodeTools
{
    /// <summary>Starts <c>node tests/{script} {argument}</c> (script as <c>js/x.mjs</c> or <c>e2e/x.mjs</c>) with redirected standard streams.</summary>
    public static Process Start(string script, string argument)
    {
        var folder = Path.Combine(RepositoryRoot(), "tests");
        if (!Directory.Exists(Path.Combine(folder, "node_modules")))
        {
            throw new InvalidOperationException("tests has no node_modules: run ./test.sh (or npm ci --prefix tests).");
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
        return await WaitAsync(process, script, timeout);
    }

    /// <summary>Waits for a started process with redirected output; its standard output, or an exception carrying its standard error.</summary>
    public static async Task<string> WaitAsync(Process process, string script, TimeSpan timeout)
    {
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

        return process.ExitCode == 0 ? await output : throw new InvalidOperationException($"{script} failed ({process.ExitCode}): {await error}{await output}");
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
