using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using VirtualBanker.Api.Tests.Agents;

namespace VirtualBanker.Api.Tests.ScaleOut;

/// <summary>Two server processes, A and B, on one fresh PostgreSQL database and one Redis key space.</summary>
public sealed class TwoNodes : IAsyncLifetime
{
    /// <summary>Small enough to reach in a test, per customer and minute, shared by both nodes.</summary>
    public const int CustomerLimit = 8;

    public ServerNode A { get; private set; } = null!;
    public ServerNode B { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var stores = VirtualBankerFactory.NewSharedStores();
        VirtualBankerFactory.CreateDatabase(stores);
        var settings = new Dictionary<string, string> { ["RateLimits__Customer__Limit"] = CustomerLimit.ToString(System.Globalization.CultureInfo.InvariantCulture) };

        // A migrates and seeds; B starts on what A made.
        A = await ServerNode.StartAsync(stores, settings);
        B = await ServerNode.StartAsync(stores, settings);
    }

    public async Task DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
    }
}

/// <summary>
/// Scale-out through real processes: no sticky sessions, streams and limits shared through Redis, the
/// log numbered across nodes, and a dead node's work taken over by another.
/// </summary>
public sealed class MultiNodeTests(TwoNodes nodes) : IClassFixture<TwoNodes>
{
    [Fact]
    public async Task AMessagePostedOnA_StreamsToAnSseClientOnB_InOrder_AndResumesOnEitherNode()
    {
        var token = await nodes.A.CustomerTokenAsync();
        using var onA = nodes.A.Client(token);
        var first = await PostMessageAsync(onA, null, "What is my balance?");
        var sessionId = first["session_id"]!.GetValue<string>();

        using var onB = nodes.B.Client(token);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/session/{sessionId}/events");
        request.Headers.Add("Last-Event-ID", "0");
        using var stream = await onB.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(timeout.Token));

        // The first answer is replayed from the log; the second is produced while B's client listens.
        var firstAnswer = await ReadUntilChatEndAsync(reader, long.Parse(first["event_id"]!.GetValue<string>()), timeout.Token);
        var second = await PostMessageAsync(onA, sessionId, "How much did I spend on groceries this month?");
        var secondAnswer = await ReadUntilChatEndAsync(reader, long.Parse(second["event_id"]!.GetValue<string>()), timeout.Token);

        var ids = firstAnswer.Concat(secondAnswer).Select(e => e.Id).ToList();
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(ids.Distinct().Count(), ids.Count);
        Assert.Contains(secondAnswer, e => e.Type == "chat_chunk");

        // Resuming from the middle of the second answer, on A this time, gives exactly the rest.
        var middle = secondAnswer[secondAnswer.Count / 2].Id;
        using var resume = new HttpRequestMessage(HttpMethod.Get, $"/v1/session/{sessionId}/events");
        resume.Headers.Add("Last-Event-ID", middle.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var resumed = await onA.SendAsync(resume, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        using var resumedReader = new StreamReader(await resumed.Content.ReadAsStreamAsync(timeout.Token));
        var rest = await ReadUntilChatEndAsync(resumedReader, long.Parse(second["event_id"]!.GetValue<string>()), timeout.Token);
        Assert.Equal(secondAnswer.Where(e => e.Id > middle).Select(e => e.Id), rest.Select(e => e.Id));
    }

    [Fact]
    public async Task APerUserRateLimit_HoldsAcrossNodes()
    {
        var token = await RegisterAsync(nodes.A);
        using var onA = nodes.A.Client(token);
        using var onB = nodes.B.Client(token);

        // The windows are clock minutes shared through Redis (real time here): start early in one, or a
        // new minute in the middle of the loop resets the count and the test fails for no fault.
        var now = DateTime.UtcNow;
        if (now.Second >= 45)
        {
            await Task.Delay(TimeSpan.FromSeconds(60 - now.Second) - TimeSpan.FromMilliseconds(now.Millisecond) + TimeSpan.FromMilliseconds(100));
        }

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < TwoNodes.CustomerLimit + 2; i++)
        {
            statuses.Add((await (i % 2 == 0 ? onA : onB).GetAsync("/api/auth/me")).StatusCode);
        }

        Assert.All(statuses.Take(TwoNodes.CustomerLimit), s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal([HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses.Skip(TwoNodes.CustomerLimit));
    }

    [Fact]
    public async Task LogoutOnA_InvalidatesTheTokenOnB_AtOnce()
    {
        var token = await RegisterAsync(nodes.A);
        using var onA = nodes.A.Client(token);
        using var onB = nodes.B.Client(token);
        Assert.Equal(HttpStatusCode.OK, (await onB.GetAsync("/api/auth/me")).StatusCode);

        Assert.True((await onA.PostAsync("/api/auth/logout", null)).IsSuccessStatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await onB.GetAsync("/api/auth/me")).StatusCode);
    }

    [Fact]
    public async Task AnIngestOnA_InvalidatesTheDashboardBCached()
    {
        using var onB = nodes.B.Client(await nodes.A.CustomerTokenAsync());
        var userId = JsonNode.Parse(await onB.GetStringAsync("/api/auth/me"))!["user_id"]!.GetValue<string>();
        var before = JsonNode.Parse(await onB.GetStringAsync("/api/dashboard/overview"))!["total_balance"]!.GetValue<decimal>();

        using var admin = nodes.A.Client(await nodes.A.AdminTokenAsync());
        var ingest = await admin.PostAsJsonAsync("/api/transactions", new { external_id = $"core-{Guid.NewGuid():N}", user_id = userId, merchant = "Whole Foods Market", amount = -12.34m });
        Assert.Equal(HttpStatusCode.Created, ingest.StatusCode);

        // B had the dashboard in its own memory for two minutes; A's eviction reached it.
        Assert.Equal(before - 12.34m, JsonNode.Parse(await onB.GetStringAsync("/api/dashboard/overview"))!["total_balance"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task AnAssertionUsedOnB_IsRefusedOnA_AndTheTwoSidesOfACall_SignalThroughDifferentNodes()
    {
        // The tenant's portal secret is set through A and used by B to verify the assertion: Data Protection keys are shared.
        using var admin = nodes.A.Client(await nodes.A.AdminTokenAsync());
        await Surfaces.Management.Admin.ConfigureAsync(admin, "demo-bank", Surfaces.Portal.PortalIssuer.Hs256Settings());
        using var anonymous = nodes.B.Client();
        var assertion = Surfaces.Portal.PortalIssuer.Hs256($"u-{Guid.NewGuid():N}");
        var session = await Surfaces.Portal.PortalIssuer.OpenSessionAsync(anonymous, "demo-bank", assertion);

        // The assertion was used on B: replayed to A, it opens nothing (its jti is marked used in Redis).
        using var onNodeA = nodes.A.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await onNodeA.PostAsJsonAsync("/v1/sessions", new { tenant_id = "demo-bank", auth_assertion = assertion })).StatusCode);

        async Task<System.Net.WebSockets.ClientWebSocket> JoinAsync(ServerNode node)
        {
            var socket = new System.Net.WebSockets.ClientWebSocket();
            await socket.ConnectAsync(new Uri($"ws://{node.Address.Authority}/v1/realtime/{session["session_id"]}?access_token={session["ephemeral_token"]}"), CancellationToken.None);
            await Surfaces.Customer.ChatTests.SendAsync(socket, new { type = "join" });
            return socket;
        }

        using var onA = await JoinAsync(nodes.A);
        var joinedA = await Surfaces.Customer.ChatTests.ReceiveAsync(onA);
        using var onB = await JoinAsync(nodes.B);
        var joinedB = await Surfaces.Customer.ChatTests.ReceiveAsync(onB);
        var (idA, idB) = (joinedA["participant_id"]!.GetValue<string>(), joinedB["participant_id"]!.GetValue<string>());
        Assert.Equal(idA, joinedB["participants"]!.AsArray().Single()!["id"]!.GetValue<string>());
        Assert.Equal(idB, (await Surfaces.Customer.ChatTests.ReceiveAsync(onA))["participant"]!["id"]!.GetValue<string>());

        await Surfaces.Customer.ChatTests.SendAsync(onA, new { type = "offer", to = idB, sdp = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n" });
        var offer = await Surfaces.Customer.ChatTests.ReceiveAsync(onB);
        Assert.Equal(("offer", idA), (offer["type"]!.GetValue<string>(), offer["from"]!.GetValue<string>()));
        await Surfaces.Customer.ChatTests.SendAsync(onB, new { type = "leave" });
        Assert.Equal(("participant-left", idB), ((await Surfaces.Customer.ChatTests.ReceiveAsync(onA))["type"]!.GetValue<string>(), idB));
    }

    [Fact]
    public async Task MessagesHeldByAKilledNode_AreRunByAnother_NoneLost_NoneDuplicated()
    {
        await using var upstream = await FakeOpenAiServer.StartAsync();
        upstream.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stores = VirtualBankerFactory.NewSharedStores();
        VirtualBankerFactory.CreateDatabase(stores);
        var settings = new Dictionary<string, string> { ["Redis__ClaimIdleSeconds"] = "2" };
        await using var doomed = await ServerNode.StartAsync(stores, settings);

        using var admin = doomed.Client(await doomed.AdminTokenAsync());
        var profile = await admin.PostAsJsonAsync("/v1/model-profiles", new
        {
            role = "chat", deployment_mode = "default", provider = "openai", model = "fake-gpt", base_url = upstream.BaseUrl, api_key = "test-key",
            parameters = new { timeout_seconds = 120 },
        });
        Assert.True(profile.IsSuccessStatusCode, await profile.Content.ReadAsStringAsync());

        // The doomed node takes the messages and starts their runs, which wait on the model.
        var token = await doomed.CustomerTokenAsync();
        using var client = doomed.Client(token);
        var sessionId = (await PostMessageAsync(client, null, "What is my balance?"))["session_id"]!.GetValue<string>();
        await PostMessageAsync(client, sessionId, "And my savings?");
        await PostMessageAsync(client, sessionId, "Thanks!");
        await WaitForAsync(() => !upstream.Requests.IsEmpty);
        doomed.Kill();

        // The model answers again; a new node finds the dead node's pending messages and runs them.
        upstream.Hold.SetResult();
        await using var survivor = await ServerNode.StartAsync(stores, settings);
        using var onSurvivor = survivor.Client(token);
        JsonArray events = [];
        await WaitForAsync(async () =>
        {
            events = JsonNode.Parse(await onSurvivor.GetStringAsync($"/api_log_get?session_id={sessionId}"))!["events"]!.AsArray();
            return events.Count(e => e!["type"]!.GetValue<string>() == "chat_end") >= 3;
        });

        var inbound = events.Where(e => e!["type"]!.GetValue<string>() == "message").Select(e => e!["id"]!.GetValue<long>()).ToList();
        Assert.Equal(3, inbound.Count);
        var answered = events.Where(e => e!["type"]!.GetValue<string>() == "chat_end").Select(e => e!["reply_to"]!.GetValue<long>()).ToList();
        Assert.Equal(inbound, answered.Order());
        var ids = events.Select(e => e!["id"]!.GetValue<long>()).ToList();
        Assert.Equal(ids.Distinct().Count(), ids.Count);
        Assert.Contains(survivor.Output, line => line.Contains("Took over bus message", StringComparison.Ordinal));
    }

    private static async Task<string> RegisterAsync(ServerNode node)
    {
        using var client = node.Client();
        var response = await client.PostAsJsonAsync("/api/auth/register", new { email = $"node-{Guid.NewGuid():N}@bankbot.dev", password = "Node-Pass-2026!", name = "Node Test" });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonNode.Parse(body)!["access_token"]!.GetValue<string>();
    }

    private static async Task<JsonObject> PostMessageAsync(HttpClient client, string? sessionId, string message)
    {
        var response = await client.PostAsJsonAsync("/v1/session/message", new { session_id = sessionId, message });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>SSE events (id, type, data) until the <c>chat_end</c> replying to <paramref name="inbound"/>. An event's fields end at a blank line.</summary>
    private static async Task<List<(long Id, string Type, JsonObject Data)>> ReadUntilChatEndAsync(StreamReader reader, long inbound, CancellationToken cancellationToken)
    {
        var events = new List<(long, string, JsonObject)>();
        var fields = new Dictionary<string, string>();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length > 0)
            {
                var colon = line.IndexOf(':');
                fields[line[..colon]] = line[(colon + 1)..].TrimStart();
                continue;
            }

            if (fields.TryGetValue("data", out var json))
            {
                var data = JsonNode.Parse(json)!.AsObject();
                events.Add((long.Parse(fields["id"]), fields["event"], data));
                if (fields["event"] == "chat_end" && data["reply_to"]?.GetValue<long>() == inbound)
                {
                    return events;
                }
            }

            fields.Clear();
        }

        throw new InvalidOperationException("The stream ended before the answer did.");
    }

    private static Task WaitForAsync(Func<bool> condition) => WaitForAsync(() => Task.FromResult(condition()));

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting.");
            await Task.Delay(200);
        }
    }
}
