using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace VirtualBanker.Api.Tests;

/// <summary>
/// The real host over a private SQLite file in a temp directory, migrated and seeded with the demo data
/// as on first start. Every log line is captured so tests can check that no secret is ever written.
/// </summary>
public class VirtualBankerFactory : WebApplicationFactory<Program>
{
    public const string AdminPassword = "Admin-Test-Pass-2026!";
    public const string StaffPassword = "Staff-Test-Pass-2026!";
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "vb-tests", Guid.NewGuid().ToString("N"));

    /// <summary>
    /// On the shared stores (PostgreSQL + Redis from ./test.sh), the database and key prefix this node uses.
    /// Another factory given the same name is another node of the same deployment.
    /// </summary>
    private readonly string? _sharedStores;

    /// <summary>A node on SQLite and memory, or on PostgreSQL + Redis when the suite runs scaled out (VB_TEST_SCALEOUT=1).</summary>
    public VirtualBankerFactory()
        : this(System.Environment.GetEnvironmentVariable("VB_TEST_SCALEOUT") == "1" ? NewSharedStores() : null)
    {
    }

    /// <summary>A node on the named shared stores (see <see cref="NewSharedStores"/>), or on SQLite when null.</summary>
    protected VirtualBankerFactory(string? sharedStores) => _sharedStores = sharedStores;

    /// <summary>A fresh database and key prefix on the throwaway PostgreSQL and Redis.</summary>
    public static string NewSharedStores() => $"vbt_{Guid.NewGuid():N}";

    public string? SharedStores => _sharedStores;

    public ConcurrentQueue<string> Logs { get; } = new();

    /// <summary>The hosting environment; Development unless a test class needs production behaviour.</summary>
    protected virtual string Environment => "Development";

    /// <summary>Extra configuration for a test class (e.g. tiny rate limits).</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // The builtin classifier is trained once per machine (some 30 s on a fresh one) and shared by every host of the
        // process: waiting for it here keeps the first chat of a run from timing out behind the training.
        Core.Agents.Builtin.IntentModelCache.BuiltinAsync(new Core.Agents.NluOptions()).GetAwaiter().GetResult();
        builder.UseEnvironment(Environment);
        builder.UseSetting("Database:DataDirectory", _dataDirectory);
        builder.UseSetting("Demo:AdminPassword", AdminPassword);
        builder.UseSetting("Demo:StaffPassword", StaffPassword);
        builder.UseSetting("RateLimits:CustomerAuth:Limit", "1000");
        builder.UseSetting("RateLimits:ManagementAuth:Limit", "1000"); // every test signs its admin in, all from one address
        builder.UseSetting("Portal:RequireHttpsJwks", "false");
        builder.UseSetting("Outbound:AllowedHosts:0", "127.0.0.1"); // the tests' JWKS servers and fake model endpoints listen on loopback
        if (_sharedStores is not null)
        {
            var postgres = new Npgsql.NpgsqlConnectionStringBuilder(Required("VB_TEST_POSTGRES")) { Database = _sharedStores };
            CreateDatabase(_sharedStores);
            builder.UseSetting("Database:Provider", "postgres");
            builder.UseSetting("Database:MigrateOnStart", "true");
            builder.UseSetting("ConnectionStrings:Postgres", postgres.ConnectionString);
            builder.UseSetting("ConnectionStrings:Redis", Required("VB_TEST_REDIS"));
            builder.UseSetting("Redis:KeyPrefix", $"{_sharedStores}:");
        }

        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Debug);
            logging.AddProvider(new CapturingLoggerProvider(Logs));
        });
    }

    public async Task<string> LoginAsync(string email = "alex@bankbot.dev", string password = "BankBot2026!")
    {
        using var client = CreateClient();
        var response = await client.PostAsync("/api/auth/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = email,
            ["password"] = password,
        }));
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        return body.GetProperty("access_token").GetString()!;
    }

    public HttpClient CreateClient(string accessToken)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    public T Service<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>Creates the node's database up front (the first node of a deployment does it), so no start-up logs a missing database.</summary>
    public static void CreateDatabase(string name)
    {
        using var connection = new Npgsql.NpgsqlConnection(Required("VB_TEST_POSTGRES"));
        connection.Open();
        using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        try
        {
            create.ExecuteNonQuery();
        }
        catch (Npgsql.PostgresException ex) when (ex.SqlState == Npgsql.PostgresErrorCodes.DuplicateDatabase)
        {
        }
    }

    public static string Required(string variable) => System.Environment.GetEnvironmentVariable(variable)
        ?? throw new InvalidOperationException($"{variable} is not set: ./test.sh starts the throwaway PostgreSQL and Redis and sets it.");

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open by a finishing request: the OS temp cleanup will take it.
            }
        }
    }

    private sealed class CapturingLoggerProvider(ConcurrentQueue<string> sink) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, sink);

        public void Dispose()
        {
        }
    }

    private sealed class CapturingLogger(string category, ConcurrentQueue<string> sink) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            sink.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}

/// <summary>A node on SQLite and memory whatever mode the suite runs in: for tests of the embedded default itself.</summary>
public sealed class SqliteFactory() : VirtualBankerFactory(sharedStores: null);
