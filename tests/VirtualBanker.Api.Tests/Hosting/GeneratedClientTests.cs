using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace VirtualBanker.Api.Tests.Hosting;

/// <summary>
/// A client nobody here wrote: Kiota (pinned in dotnet-tools.json) generates C# clients from the server's live OpenAPI
/// documents, and <c>tests/kiota/Program.cs</c> uses them as an integrator would against the running server.
/// </summary>
public sealed class GeneratedClientTests(KestrelFactory factory) : IClassFixture<KestrelFactory>
{
    private static readonly TimeSpan Step = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task AKiotaClient_SignsIn_ReadsTheDashboard_PagesTransactions_PostsAGatewayMessageAndReadsItsEvents_AndListsAgents()
    {
        var root = NodeTools.RepositoryRoot();
        var folder = Directory.CreateTempSubdirectory("vb-kiota-");
        try
        {
            foreach (var file in new[] { "KiotaClient.csproj", "Program.cs" })
            {
                File.Copy(Path.Combine(root, "tests", "kiota", file), Path.Combine(folder.FullName, file));
            }

            using var http = new HttpClient { BaseAddress = factory.Address };
            foreach (var surface in new[] { "customer", "gateway", "management" })
            {
                var document = Path.Combine(folder.FullName, $"{surface}.json");
                await File.WriteAllTextAsync(document, await http.GetStringAsync($"/openapi/{surface}.json"));
                var name = char.ToUpperInvariant(surface[0]) + surface[1..];
                await RunAsync(root, loopbackOnly: true, "dotnet", "kiota", "generate", "-l", "CSharp", "-d", document, "-c", $"{name}Client", "-n", $"Vb.{name}",
                    "-o", Path.Combine(folder.FullName, name), "--log-level", "Error");
            }

            // Restoring the Kiota runtime packages is an install, like ./test.sh's npm ci: from the package feed.
            await RunAsync(folder.FullName, loopbackOnly: false, "dotnet", "build", "-nologo", "-v", "q", "-nodeReuse:false", "-p:UseSharedCompilation=false");
            var output = await RunAsync(folder.FullName, loopbackOnly: true, "dotnet", Path.Combine("bin", "Debug", "net10.0", "KiotaClient.dll"),
                factory.Address.ToString().TrimEnd('/'), "alex@bankbot.dev", "BankBot2026!", "admin@bankbot.dev", VirtualBankerFactory.AdminPassword);

            using var customer = factory.CreateClient(await factory.LoginAsync());
            var overview = JsonDocument.Parse(await customer.GetStringAsync("/api/dashboard/overview")).RootElement;
            var total = JsonDocument.Parse(await customer.GetStringAsync("/api/transactions/?page=2&limit=5")).RootElement.GetProperty("total").GetInt32();
            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"dashboard {overview.GetProperty("total_balance").GetDecimal()} 3 last 30 days"), lines[0]);
            Assert.Equal($"transactions 2 5 {total}", lines[1]);
            Assert.StartsWith("gateway ", lines[2], StringComparison.Ordinal);
            Assert.StartsWith("Your total balance is", JsonDocument.Parse(lines[2][8..]).RootElement.GetProperty("content").GetString(), StringComparison.Ordinal);
            Assert.Contains("assistant", lines[3].Split(' ')[1].Split(','));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Runs a program to its end and returns its output. With <paramref name="loopbackOnly"/>, every HTTP request it makes
    /// to anything but loopback goes to a closed loopback port instead (Kiota checks for updates and sends telemetry unless
    /// told not to): tests reach nothing but loopback.
    /// </summary>
    private static async Task<string> RunAsync(string directory, bool loopbackOnly, string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The test host's MSBuild settings would steer the nested build; it starts clean.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        if (loopbackOnly)
        {
            start.Environment["HTTPS_PROXY"] = start.Environment["HTTP_PROXY"] = "http://127.0.0.1:9";
            start.Environment["NO_PROXY"] = "127.0.0.1,localhost";
        }

        start.Environment["KIOTA_TELEMETRY__OPTOUT"] = "true";
        start.Environment["KIOTA_UPDATE__DISABLED"] = "true";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        using var process = Process.Start(start)!;
        return await NodeTools.WaitAsync(process, $"{program} {string.Join(' ', arguments)}", Step);
    }
}
