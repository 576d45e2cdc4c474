using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace VirtualBanker.Api.Tests.Hosting;

public sealed class HealthTests(VirtualBankerFactory factory) : IClassFixture<VirtualBankerFactory>
{
    [Fact]
    public async Task Liveness_IsPlainOk_ForAnyone()
    {
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Health_Anonymous_ReturnsTheSharedShape()
    {
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/health");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.Equal(factory.SharedStores is null ? "sqlite" : "postgres", body.GetProperty("db").GetString());
        Assert.Equal(factory.SharedStores is null ? "memory" : "redis", body.GetProperty("cache").GetString());
        Assert.Matches(@"^\d+\.\d+\.\d+", body.GetProperty("version").GetString());
        var timestamp = DateTime.Parse(body.GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
        Assert.InRange(timestamp, DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddMinutes(1));
        Assert.EndsWith("Z", body.GetProperty("timestamp").GetString(), StringComparison.Ordinal);
        Assert.True(body.GetProperty("uptime_s").GetDouble() >= 0);
    }

    [Fact]
    public async Task Status_ReportsTheDatabaseAndCacheInUse()
    {
        using var client = factory.CreateClient();

        var body = JsonDocument.Parse(await client.GetStringAsync("/api/status")).RootElement;

        Assert.Equal(factory.SharedStores is null ? "sqlite" : "postgres", body.GetProperty("db_type").GetString());
        Assert.Equal(factory.SharedStores is null ? "memory" : "redis", body.GetProperty("cache_type").GetString());
        Assert.True(body.GetProperty("ai_available").GetBoolean());
    }

    [Fact]
    public async Task Metrics_CountsRequestsByRouteTemplate_ForAdminsOnly()
    {
        var customer = factory.CreateClient(await factory.LoginAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await customer.GetAsync("/api/metrics")).StatusCode);
        await customer.GetAsync("/api/auth/me");

        var admin = factory.CreateClient(await factory.LoginAsync("admin@bankbot.dev", VirtualBankerFactory.AdminPassword));
        var body = JsonDocument.Parse(await admin.GetStringAsync("/api/metrics")).RootElement;

        Assert.True(body.GetProperty("requests").GetProperty("total").GetInt64() >= 3);
        Assert.True(body.GetProperty("requests").GetProperty("auth_failures").GetInt64() >= 1);
        var me = body.GetProperty("route_timings").GetProperty("/api/auth/me");
        Assert.True(me.GetProperty("calls").GetInt64() >= 1);
        Assert.True(me.GetProperty("max_ms").GetDouble() >= me.GetProperty("avg_ms").GetDouble());
    }

    [Fact]
    public async Task Docs_ServeOneOpenApiDocumentPerSurfaceAndTheInteractiveReference()
    {
        using var client = factory.CreateClient();

        var customer = JsonDocument.Parse(await client.GetStringAsync("/openapi/customer.json")).RootElement;
        Assert.True(customer.GetProperty("paths").TryGetProperty("/api/auth/login", out _));
        foreach (var surface in new[] { "portal", "gateway", "management", "workspace" })
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/openapi/{surface}.json")).StatusCode);
        }

        var docs = await client.GetAsync("/docs");
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        Assert.Contains("text/html", docs.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
    }
}

public sealed class SqliteDurabilityTests(SqliteFactory factory) : IClassFixture<SqliteFactory>
{
    [Fact]
    public async Task ConnectionsOfTheApp_RunInWalWithSynchronousFull()
    {
        using var client = factory.CreateClient();
        await client.GetAsync("/health");
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<VirtualBanker.Core.Data.VirtualBankerDbContext>();

        var journal = await db.Database.SqlQueryRaw<string>("PRAGMA journal_mode").ToListAsync();
        var synchronous = await db.Database.SqlQueryRaw<int>("PRAGMA synchronous").ToListAsync();
        var foreignKeys = await db.Database.SqlQueryRaw<int>("PRAGMA foreign_keys").ToListAsync();

        Assert.Equal(["wal"], journal);
        Assert.Equal([2], synchronous);
        Assert.Equal([1], foreignKeys);
    }
}
