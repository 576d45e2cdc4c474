using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

// WebSocket load on WS /api/ai/chat/ws. Modes:
//   chat  time each message → first chat_chunk (builtin or any provider), then wait for chat_end
//   ping  time {"type":"ping"} → {"type":"pong"}: the socket layer's round trip under many active sessions
//   idle  open the sockets, print "opened", hold them --hold-s seconds, then check each still answers a ping
//   direct  no VirtualBanker: time a streaming POST {url}/chat/completions → first content chunk, straight to an
//           OpenAI-compatible upstream (the baseline the openai provider's added latency is measured against)
// Callers: --tokens FILE (one access token per line, reused round-robin), or --portal BASE_URL --assertions FILE
// (one single-use assertion per line, bench/lib.sh portal_assertions) to open one portal session per socket
// (contract 000; each socket is then its own caller and session).
// Usage: ChatLoad --url ws://HOST:PORT/api/ai/chat/ws[,ws://...] (--tokens FILE | --portal URL --assertions FILE)
//                 [--mode chat] [--sessions 100] [--messages 20] [--interval-ms 0] [--hold-s 30] [--warmup-s 0]
// --warmup-s: each session first sends the same paced load for that long, unrecorded. On two cores the JIT
// recompiles hot code for the first 15-30 s of load; without a warm-up the tail measures the compiler.
// With several URLs the sessions are spread over them round-robin (one per node of a scaled-out deployment).
string url = "", tokensFile = "", portal = "", assertionsFile = "", mode = "chat";
int sessions = 100, messages = 20, intervalMs = 0, holdSeconds = 30, warmupSeconds = 0;
for (var i = 0; i < args.Length - 1; i++)
{
    switch (args[i])
    {
        case "--url": url = args[i + 1]; break;
        case "--tokens": tokensFile = args[i + 1]; break;
        case "--portal": portal = args[i + 1]; break;
        case "--assertions": assertionsFile = args[i + 1]; break;
        case "--mode": mode = args[i + 1]; break;
        case "--sessions": sessions = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--messages": messages = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--interval-ms": intervalMs = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--hold-s": holdSeconds = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--warmup-s": warmupSeconds = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
    }
}

var tokens = tokensFile.Length > 0 ? File.ReadAllLines(tokensFile).Where(l => l.Length > 0).ToArray()
    : portal.Length > 0 ? await OpenPortalSessionsAsync(portal, File.ReadAllLines(assertionsFile), sessions) : [];
using var upstream = new HttpClient();
var urls = url.Split(',');
var questions = new[] { "What is my balance?", "What is my savings rate?", "hello", "how much did I spend on groceries?", "any suspicious transactions?" };
var samples = new List<double>();
var steady = new List<double>(); // every message but each socket's first (JIT, first queries, connection warm-up)
var failures = 0;
var gate = new object();
var wall = Stopwatch.StartNew();

if (mode == "idle")
{
    var sockets = new ClientWebSocket[sessions];
    using (var throttle = new SemaphoreSlim(64))
    {
        await Task.WhenAll(Enumerable.Range(0, sessions).Select(async i =>
        {
            await throttle.WaitAsync();
            try
            {
                sockets[i] = await ConnectAsync(i);
            }
            finally
            {
                throttle.Release();
            }
        }));
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"opened={sessions} open_s={wall.Elapsed.TotalSeconds:0.0}"));
    await Task.Delay(TimeSpan.FromSeconds(holdSeconds));

    // Still there after the hold: every socket answers a ping.
    var alive = 0;
    using (var throttle = new SemaphoreSlim(64))
    {
        await Task.WhenAll(sockets.Select(async socket =>
        {
            await throttle.WaitAsync();
            try
            {
                await PingAsync(socket, new byte[4096]);
                Interlocked.Increment(ref alive);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or JsonException)
            {
            }
            finally
            {
                throttle.Release();
            }
        }));
    }

    Console.WriteLine($"idle sessions={sessions} held_s={holdSeconds} alive_after_hold={alive}");
    foreach (var socket in sockets)
    {
        socket.Abort();
        socket.Dispose();
    }

    return;
}

var warmUntil = TimeSpan.FromSeconds(warmupSeconds);
await Task.WhenAll(Enumerable.Range(0, sessions).Select(RunSession));
wall.Stop();
var measured = wall.Elapsed - warmUntil;
samples.Sort();
steady.Sort();
var what = mode switch { "ping" => "rtt", "direct" => "ttft", _ => "ttfc" };
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{mode} sessions={sessions} interval_ms={intervalMs} messages={samples.Count} failures={failures} {what}_p50_ms={P(samples, 50):0.00} {what}_p99_ms={P(samples, 99):0.00} {what}_max_ms={samples[^1]:0.00} steady_p50_ms={P(steady, 50):0.00} steady_p99_ms={P(steady, 99):0.00} warmup_s={warmupSeconds} wall_s={measured.TotalSeconds:0.0} messages_per_s={samples.Count / measured.TotalSeconds:0.0}"));

async Task RunSession(int index)
{
    using var socket = mode == "direct" ? null : await ConnectAsync(index);
    var buffer = new byte[64 * 1024];

    // Spread the sessions' first messages over one interval so paced load is even, not in bursts.
    await Task.Delay(intervalMs == 0 ? 0 : Random.Shared.Next(intervalMs));
    var warmups = 0;
    for (var m = 0; m < messages; m++)
    {
        var warmingUp = wall.Elapsed < warmUntil;
        var next = Task.Delay(intervalMs);
        double? sample;
        try
        {
            var question = questions[(index + m) % questions.Length];
            sample = mode switch
            {
                "ping" => await PingAsync(socket!, buffer),
                "direct" => await DirectAsync(question),
                _ => await ChatAsync(socket!, buffer, question),
            };
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or HttpRequestException)
        {
            Interlocked.Increment(ref failures);
            return;
        }

        if (warmingUp)
        {
            m--; // warm-up messages do not count against --messages
            warmups++;
        }
        else if (sample is { } ms)
        {
            lock (gate)
            {
                samples.Add(ms);
                if (m > 0 || warmups > 0)
                {
                    steady.Add(ms);
                }
            }
        }

        await next;
    }

    if (socket is not null)
    {
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
    }
}

// Straight to the upstream: send → first SSE line carrying content, in ms.
async Task<double?> DirectAsync(string question)
{
    var started = Stopwatch.GetTimestamp();
    using var request = new HttpRequestMessage(HttpMethod.Post, url.TrimEnd('/') + "/chat/completions")
    {
        Content = JsonContent.Create(new { model = "bench", stream = true, messages = new[] { new { role = "user", content = question } } }),
    };
    using var response = await upstream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    response.EnsureSuccessStatusCode();
    using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
    double? first = null;
    while (await reader.ReadLineAsync() is { } line)
    {
        if (first is null && line.StartsWith("data:", StringComparison.Ordinal) && line.Contains("\"content\"", StringComparison.Ordinal))
        {
            first = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
    }

    return first;
}

async Task<ClientWebSocket> ConnectAsync(int index)
{
    var socket = new ClientWebSocket();
    await socket.ConnectAsync(new Uri($"{urls[index % urls.Length]}?access_token={tokens[index % tokens.Length]}"), CancellationToken.None);
    return socket;
}

// send → first chat_chunk in ms, or null when the answer was an error.
async Task<double?> ChatAsync(ClientWebSocket socket, byte[] buffer, string question)
{
    var started = Stopwatch.GetTimestamp();
    await socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(new { type = "chat", message = question }), WebSocketMessageType.Text, true, CancellationToken.None);
    double? firstChunk = null;
    while (true)
    {
        using var frame = await ReceiveAsync(socket, buffer);
        switch (frame.RootElement.GetProperty("type").GetString())
        {
            case "chat_chunk" when firstChunk is null:
                firstChunk = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                break;
            case "chat_end":
                return firstChunk;
            case "error":
                Interlocked.Increment(ref failures);
                return null;
        }
    }
}

// ping → pong in ms (other frames in between are skipped).
static async Task<double?> PingAsync(ClientWebSocket socket, byte[] buffer)
{
    var started = Stopwatch.GetTimestamp();
    await socket.SendAsync("{\"type\":\"ping\"}"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
    while (true)
    {
        using var frame = await ReceiveAsync(socket, buffer);
        if (frame.RootElement.GetProperty("type").GetString() == "pong")
        {
            return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
    }
}

static async Task<JsonDocument> ReceiveAsync(ClientWebSocket socket, byte[] buffer)
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

    return result.MessageType == WebSocketMessageType.Close
        ? throw new WebSocketException($"closed by the server: {result.CloseStatus} {result.CloseStatusDescription}")
        : JsonDocument.Parse(buffer.AsMemory(0, count));
}

// One portal session per socket (POST /v1/sessions, each with its own assertion): their ephemeral tokens.
static async Task<string[]> OpenPortalSessionsAsync(string portal, string[] assertions, int count)
{
    using var http = new HttpClient { BaseAddress = new Uri(portal) };
    var tokens = new string[count];
    using var throttle = new SemaphoreSlim(16);
    await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
    {
        await throttle.WaitAsync();
        try
        {
            var response = await http.PostAsJsonAsync("/v1/sessions", new { tenant_id = "demo-bank", auth_assertion = assertions[i] });
            response.EnsureSuccessStatusCode();
            tokens[i] = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ephemeral_token").GetString()!;
        }
        finally
        {
            throttle.Release();
        }
    }));
    return tokens;
}

static double P(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100 * sorted.Count) - 1)];
