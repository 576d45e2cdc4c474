using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;

namespace VirtualBanker.Api.Tests;

/// <summary>A real SMTP server on a free loopback port (npm smtp-server, <c>tests/js/smtp-sink.mjs</c>) that keeps the mails it receives.</summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly Process _process;

    private SmtpSink(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public ConcurrentQueue<JsonObject> Mails { get; } = new();

    public static async Task<SmtpSink> StartAsync()
    {
        var process = NodeTools.Start("js/smtp-sink.mjs", "");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var first = await process.StandardOutput.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException("The SMTP sink did not start.");
        var sink = new SmtpSink(process, JsonNode.Parse(first)!["port"]!.GetValue<int>());
        _ = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                sink.Mails.Enqueue(JsonNode.Parse(line)!.AsObject());
            }
        });
        return sink;
    }

    /// <summary>The first mail to <paramref name="address"/>, waiting up to ten seconds for it (the server sends from a queue).</summary>
    public async Task<JsonObject> MailToAsync(string address)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (Mails.FirstOrDefault(m => m["to"]!.AsArray().Any(t => string.Equals(t!.GetValue<string>(), address, StringComparison.OrdinalIgnoreCase))) is { } mail)
            {
                return mail;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"No mail to {address} arrived.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
