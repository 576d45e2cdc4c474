using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

// Usage: ChatLoad --url ws://127.0.0.1:PORT/api/ai/chat/ws[,ws://...] --tokens FILE [--sessions 100] [--messages 20] [--interval-ms 0]
// Each session is its own WebSocket (token per line in FILE, reused round-robin; with several URLs, the
// sessions are spread over them round-robin: one per node of a scaled-out deployment). Every session sends
// its messages one after the other, starting a new one every interval (0: as soon as the last answer
// ended); for each we time send → first chat_chunk, then wait for chat_end.
string url = "", tokensFile = "";
int sessions = 100, messages = 20, intervalMs = 0;
for (var i = 0; i < args.Length - 1; i++)
{
    switch (args[i])
    {
        case "--url": url = args[i + 1]; break;
        case "--tokens": tokensFile = args[i + 1]; break;
        case "--sessions": sessions = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--messages": messages = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--interval-ms": intervalMs = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
    }
}

var tokens = File.ReadAllLines(tokensFile).Where(l => l.Length > 0).ToArray();
var questions = new[] { "What is my balance?", "What is my savings rate?", "hello", "how much did I spend on groceries?", "any suspicious transactions?" };
var samples = new List<double>();
var steady = new List<double>(); // every message but each socket's first (JIT, first queries, connection warm-up)
var failures = 0;
var gate = new object();

async Task RunSession(int index)
{
    using var socket = new ClientWebSocket();
    var urls = url.Split(',');
    await socket.ConnectAsync(new Uri($"{urls[index % urls.Length]}?access_token={tokens[index % tokens.Length]}"), CancellationToken.None);
    var buffer = new byte[64 * 1024];

    // Spread the sessions' first messages over one interval so paced load is even, not in bursts.
    await Task.Delay(intervalMs == 0 ? 0 : Random.Shared.Next(intervalMs));
    for (var m = 0; m < messages; m++)
    {
        var next = Task.Delay(intervalMs);
        var payload = JsonSerializer.SerializeToUtf8Bytes(new { type = "chat", message = questions[(index + m) % questions.Length] });
        var started = Stopwatch.GetTimestamp();
        await socket.SendAsync(payload, WebSocketMessageType.Text, true, CancellationToken.None);
        double? firstChunk = null;
        while (true)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var count = 0;
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(new ArraySegment<byte>(buffer, count, buffer.Length - count), timeout.Token);
                count += result.Count;
            }
            while (!result.EndOfMessage);

            using var frame = JsonDocument.Parse(Encoding.UTF8.GetString(buffer, 0, count));
            var type = frame.RootElement.GetProperty("type").GetString();
            if (type == "chat_chunk" && firstChunk is null)
            {
                firstChunk = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
            else if (type == "chat_end")
            {
                break;
            }
            else if (type == "error")
            {
                Interlocked.Increment(ref failures);
                break;
            }
        }

        if (firstChunk is { } ms)
        {
            lock (gate)
            {
                samples.Add(ms);
                if (m > 0)
                {
                    steady.Add(ms);
                }
            }
        }

        await next;
    }

    await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
}

var wall = Stopwatch.StartNew();
await Task.WhenAll(Enumerable.Range(0, sessions).Select(RunSession));
samples.Sort();
steady.Sort();
static double P(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100 * sorted.Count) - 1)];
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"sessions={sessions} interval_ms={intervalMs} messages={samples.Count} failures={failures} ttfc_p50_ms={P(samples, 50):0.00} ttfc_p99_ms={P(samples, 99):0.00} ttfc_max_ms={samples[^1]:0.00} steady_p50_ms={P(steady, 50):0.00} steady_p99_ms={P(steady, 99):0.00} wall_s={wall.Elapsed.TotalSeconds:0.0} messages_per_s={samples.Count / wall.Elapsed.TotalSeconds:0.0}"));
