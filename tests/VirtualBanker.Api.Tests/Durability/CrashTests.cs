using System.Collections.Concurrent;
using System.Data.Common;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Npgsql;
using Xunit.Abstractions;

namespace VirtualBanker.Api.Tests.Durability;

/// <summary>
/// The server process is killed (SIGKILL, no shutdown) five times in the middle of a stream of transaction
/// ingests, transfers and chat messages, each with its own idempotency key; the client retries whatever it did not see
/// acknowledged, as a real client would. Afterwards every key is stored exactly once and the database's own
/// checker finds nothing wrong, and every transfer's ledger entries balance — on SQLite and on PostgreSQL, which is also stopped with
/// <c>pg_ctl stop -m immediate</c> while the server is under load. Each test brings its own stores.
/// </summary>
public sealed class CrashTests(ITestOutputHelper output)
{
    private const int Kills = 5;

    private static readonly Dictionary<string, string> Unlimited = new() { ["RateLimits__Enabled"] = "false" };

    [Fact]
    public async Task Sqlite_KilledUnderLoad_KeepsEveryAcknowledgedWriteExactlyOnce_AndPassesIntegrityCheck()
    {
        var data = Directory.CreateTempSubdirectory("vb-crash-sqlite-").FullName;
        try
        {
            var run = await CrashRun.StartAsync(() => ServerNode.StartProcessAsync(Unlimited, data));
            for (var i = 0; i < Kills; i++)
            {
                await run.LoadAsync(disrupt: node => node.Kill());
            }

            Assert.Equal(0, await run.FinishAsync());
            output.WriteLine(run.Summary);

            await using var connection = new SqliteConnection($"Data Source={Path.Combine(data, "virtualbanker.db")};Pooling=false");
            await connection.OpenAsync();
            Assert.Equal("ok", await ScalarAsync(connection, "PRAGMA integrity_check"));
            await run.AssertEachKeyStoredOnceAsync(connection);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Postgres_KilledUnderLoad_AndStoppedImmediate_KeepsEveryAcknowledgedWriteExactlyOnce_AndPassesAmCheck()
    {
        await using var cluster = await PostgresCluster.StartAsync();
        await using (var admin = new NpgsqlConnection(cluster.ConnectionString("postgres")))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand("CREATE DATABASE vb", admin);
            await create.ExecuteNonQueryAsync();
        }

        // PostgreSQL alone: cache and bus in memory, so the only durable store is the one being crashed.
        var settings = new Dictionary<string, string>(Unlimited)
        {
            ["Database__Provider"] = "postgres",
            ["Database__MigrateOnStart"] = "true",
            ["ConnectionStrings__Postgres"] = cluster.ConnectionString("vb"),
        };
        var run = await CrashRun.StartAsync(() => ServerNode.StartProcessAsync(settings));
        for (var i = 0; i < Kills; i++)
        {
            await run.LoadAsync(disrupt: node => node.Kill());
        }

        // The database dies under the running server and comes back a second later; the server carries on
        // (EF Core's retrying execution strategy rides out the gap; a longer one is a 503 with Retry-After).
        await run.LoadAsync(disrupt: async _ =>
        {
            await cluster.StopImmediateAsync();
            await Task.Delay(TimeSpan.FromSeconds(1));
            await cluster.StartServerAsync();
        });

        Assert.Equal(0, await run.FinishAsync());
        output.WriteLine(run.Summary);

        Assert.Equal("", await cluster.AmCheckAsync("vb"));
        await using var connection = new NpgsqlConnection(cluster.ConnectionString("vb"));
        await connection.OpenAsync();
        await run.AssertEachKeyStoredOnceAsync(connection);
    }

    internal static async Task<string?> ScalarAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (await command.ExecuteScalarAsync())?.ToString();
    }
}

/// <summary>The client side of a crash test: the work, who acknowledged what, and the retries.</summary>
internal sealed class CrashRun
{
    private const int Workers = 4;
    private const int PerCycle = 60;
    private const string Prefix = "crash-";

    /// <summary>Enough for six disruptions and some left for the final restart.</summary>
    private const int Total = 7 * PerCycle;

    private readonly Func<Task<ServerNode>> _start;
    private readonly ConcurrentQueue<Work> _pending = new();
    private readonly ConcurrentDictionary<string, int> _acknowledged = new();
    private readonly ConcurrentQueue<string> _refused = new();
    private readonly ConcurrentDictionary<string, int> _outcomes = new();
    private ServerNode? _node;
    private string _customer = "";
    private string _admin = "";
    private string _userId = "";
    private string _checking = "";
    private string _savings = "";

    private CrashRun(Func<Task<ServerNode>> start) => _start = start;

    /// <summary>How the attempts went, for the test's output: e.g. how many retries found their write already stored (200 rather than 201).</summary>
    public string Summary => string.Join(", ", _outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key}: {o.Value}"));

    private sealed record Work(string Key, string? SessionId, bool Transfer = false);

    public static async Task<CrashRun> StartAsync(Func<Task<ServerNode>> start)
    {
        var run = new CrashRun(start) { _node = await start() };
        run._customer = await run._node.CustomerTokenAsync();
        run._admin = await run._node.AdminTokenAsync();
        using var customer = run._node.Client(run._customer);
        run._userId = JsonNode.Parse(await customer.GetStringAsync("/api/auth/me"))!["user_id"]!.GetValue<string>();
        var accounts = JsonNode.Parse(await customer.GetStringAsync("/api/dashboard/overview"))!["accounts"]!.AsArray();
        string Account(string type) => accounts.Single(a => a!["type"]!.GetValue<string>() == type)!["id"]!.GetValue<string>();
        (run._checking, run._savings) = (Account("checking"), Account("savings"));

        // Three conversations to write into; then the work: of every five writes, three ingests, a transfer and a chat message.
        var sessions = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var opened = await customer.PostAsJsonAsync("/v1/session/message", new { message = "Hello" });
            sessions.Add(JsonNode.Parse(await opened.Content.ReadAsStringAsync())!["session_id"]!.GetValue<string>());
        }

        for (var i = 0; i < Total; i++)
        {
            run._pending.Enqueue(new Work($"{Prefix}{i:D4}-{Guid.NewGuid():N}", i % 5 == 4 ? sessions[i % 3] : null, Transfer: i % 5 == 3));
        }

        return run;
    }

    /// <summary>Runs the workers until <see cref="PerCycle"/> more writes are acknowledged, then <paramref name="disrupt"/>s mid-stream and waits for the workers to notice.</summary>
    public async Task LoadAsync(Func<ServerNode, Task> disrupt)
    {
        _node ??= await _start();
        var target = _acknowledged.Count + PerCycle;
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, Workers).Select(_ => Task.Run(() => WorkAsync(_node, stop.Token))).ToList();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (_acknowledged.Count < target && DateTime.UtcNow < deadline && !_pending.IsEmpty)
        {
            await Task.Delay(10);
        }

        Assert.False(_pending.IsEmpty, "the work ran out before the disruption: add more");
        await disrupt(_node);
        await Task.Delay(TimeSpan.FromSeconds(1)); // the workers keep trying against the disrupted server
        await stop.CancelAsync();
        await Task.WhenAll(workers);
        if (_node.HasExited)
        {
            await _node.DisposeAsync();
            _node = null;
        }
    }

    public Task LoadAsync(Action<ServerNode> disrupt) => LoadAsync(node =>
    {
        disrupt(node);
        return Task.CompletedTask;
    });

    /// <summary>Restarts the server if it is down, retries everything not yet acknowledged, then stops it with SIGTERM: its exit code.</summary>
    public async Task<int> FinishAsync()
    {
        _node ??= await _start();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (!_pending.IsEmpty && !timeout.IsCancellationRequested)
        {
            await Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => WorkAsync(_node, timeout.Token)));
        }

        Assert.True(_refused.IsEmpty, "Refused: " + string.Join("\n", _refused.Take(10)));
        Assert.True(_pending.IsEmpty, $"{_pending.Count} writes were never acknowledged");
        _node.Terminate();
        var exitCode = await _node.WaitForExitAsync(TimeSpan.FromSeconds(30));
        await _node.DisposeAsync();
        return exitCode;
    }

    /// <summary>Every key, including those whose first attempt was stored but never answered, is in the store exactly once.</summary>
    public async Task AssertEachKeyStoredOnceAsync(DbConnection connection)
    {
        var stored = new Dictionary<string, long>();
        foreach (var sql in new[]
        {
            $"SELECT \"ExternalId\", COUNT(*) FROM \"Transactions\" WHERE \"ExternalId\" LIKE '{Prefix}%' GROUP BY \"ExternalId\"",
            $"SELECT \"IdempotencyKey\", COUNT(*) FROM \"ConversationEvents\" WHERE \"IdempotencyKey\" LIKE '{Prefix}%' GROUP BY \"IdempotencyKey\"",
            $"SELECT \"IdempotencyKey\", COUNT(*) FROM \"ActionAudits\" WHERE \"IdempotencyKey\" LIKE '{Prefix}%' GROUP BY \"IdempotencyKey\"",
        })
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                stored[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        Assert.Equal(Total, _acknowledged.Count);
        Assert.Equal(_acknowledged.Keys.Order(), stored.Keys.Order());
        Assert.All(stored, s => Assert.Equal(1, s.Value));

        // One transfer per acknowledged transfer key, each on two ledger entries that balance.
        Assert.Equal(Total / 5, long.Parse(await CrashTests.ScalarAsync(connection, "SELECT COUNT(*) FROM \"Transfers\"") ?? "", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("0", await CrashTests.ScalarAsync(connection,
            "SELECT COUNT(*) FROM (SELECT \"TransferId\" FROM \"LedgerEntries\" GROUP BY \"TransferId\" HAVING SUM(\"AmountMinor\") <> 0 OR COUNT(*) <> 2) unbalanced"));
    }

    private async Task WorkAsync(ServerNode node, CancellationToken stop)
    {
        using var ingest = node.Client(_admin);
        using var chat = node.Client(_customer);
        ingest.Timeout = chat.Timeout = TimeSpan.FromSeconds(10);
        while (!stop.IsCancellationRequested && _pending.TryDequeue(out var work))
        {
            try
            {
                using var response = work.Transfer
                    ? await chat.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/transfers")
                    {
                        Headers = { { "Idempotency-Key", work.Key } },
                        Content = JsonContent.Create(new { from_account_id = _checking, to_account_id = _savings, amount = 1.00m }),
                    }, stop)
                    : work.SessionId is null
                    ? await ingest.PostAsJsonAsync("/api/transactions", new { external_id = work.Key, user_id = _userId, merchant = "Crash Test Store", amount = -1.25m }, stop)
                    : await chat.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/session/message")
                    {
                        Headers = { { "Idempotency-Key", work.Key } },
                        Content = JsonContent.Create(new { session_id = work.SessionId, message = $"What is my balance? ({work.Key[..10]})" }),
                    }, stop);
                _outcomes.AddOrUpdate($"{(work.Transfer ? "transfer" : work.SessionId is null ? "ingest" : "chat")} {(int)response.StatusCode}", 1, (_, n) => n + 1);
                if (response.IsSuccessStatusCode)
                {
                    _acknowledged.AddOrUpdate(work.Key, 1, (_, n) => n + 1);
                    continue;
                }

                // The server is up but its database is not (yet): a 503 with Retry-After, retried. Anything else is a bug.
                _pending.Enqueue(work);
                if ((int)response.StatusCode != 503 || response.Headers.RetryAfter is null)
                {
                    _refused.Enqueue($"{work.Key}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(CancellationToken.None)}");
                    return;
                }

                await Task.Delay(100, CancellationToken.None);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                // No answer: the server died (or the test stopped waiting). Whether or not it was stored, it is retried.
                _outcomes.AddOrUpdate("no answer", 1, (_, n) => n + 1);
                _pending.Enqueue(work);
                await Task.Delay(100, CancellationToken.None);
            }
        }
    }
}
