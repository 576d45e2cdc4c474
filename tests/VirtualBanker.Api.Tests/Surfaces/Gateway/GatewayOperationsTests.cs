using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using VirtualBanker.Api.Tests.Surfaces.Customer;
using VirtualBanker.Api.Tests.Surfaces.Management;

namespace VirtualBanker.Api.Tests.Surfaces.Gateway;

/// <summary>Contract 002's operations: API keys, capsules, component health and the legacy file download.</summary>
public sealed class GatewayOperationsTests(VirtualBankerFactory factory) : IClassFixture<VirtualBankerFactory>
{
    [Fact]
    public async Task Keys_SecretShownOnce_ListedWithoutIt_RevokedKeysStopWorking()
    {
        using var admin = await Admin.ClientAsync(factory);
        var created = await admin.PostAsJsonAsync("/v1/keys", new { label = "crm", scopes = new[] { "chat", "admin" } });
        var key = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        var secret = key["secret"]!.GetValue<string>();
        var keyId = key["key_id"]!.GetValue<string>();

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.StartsWith("vbk_" + key["prefix"]!.GetValue<string>(), secret, StringComparison.Ordinal);
        var listed = await admin.GetStringAsync("/v1/keys");
        Assert.Contains(keyId, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, listed, StringComparison.Ordinal);
        Assert.Null(JsonNode.Parse(listed)!.AsArray().First(k => k!["key_id"]!.GetValue<string>() == keyId)!["secret"]);

        using var machine = factory.CreateClient();
        machine.DefaultRequestHeaders.Add("X-API-Key", secret);
        Assert.Equal(HttpStatusCode.OK, (await machine.GetAsync("/v1/keys")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await machine.PostAsJsonAsync("/v1/keys", new { label = "wider", scopes = new[] { "transactions:ingest" } })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsJsonAsync("/v1/keys", new { label = "x", scopes = new[] { "root" } })).StatusCode);

        var revoked = await admin.DeleteAsync($"/v1/keys/{keyId}");
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await machine.GetAsync("/v1/keys")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/v1/keys/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task AKeyCreatedWithOnlyALabel_GetsTheChatScope_AndChats()
    {
        using var admin = await Admin.ClientAsync(factory);

        var created = await admin.PostAsJsonAsync("/v1/keys", new { label = "label only" });
        var key = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        using var keyed = factory.CreateClient();
        keyed.DefaultRequestHeaders.Add("X-API-Key", key["secret"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(["chat"], key["scopes"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, (await keyed.PostAsJsonAsync("/v1/session/action", new { action = "open" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await keyed.GetAsync("/v1/keys")).StatusCode);
    }

    [Fact]
    public async Task Capsules_InstallAddsTheirToolsToTheTenant()
    {
        using var platform = await Admin.ClientAsync(factory);
        using var bank = await Admin.CreateTenantAsync(factory, platform, "capsule-bank");

        var catalog = JsonNode.Parse(await bank.GetStringAsync("/v1/capsules"))!.AsArray();
        Assert.Equal(["banking", "cards", "disputes", "knowledge-base", "payments", "ticketing"], catalog.Select(c => c!["id"]!.GetValue<string>()));
        Assert.All(catalog, c => Assert.False(c!["installed"]!.GetValue<bool>()));

        var installed = await bank.PostAsync("/v1/capsules/knowledge-base/install", null);
        var body = JsonNode.Parse(await installed.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.OK, installed.StatusCode);
        Assert.Contains("search_faq", body["allowed_tools"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.True(JsonNode.Parse(await bank.GetStringAsync("/v1/capsules/knowledge-base"))!["installed"]!.GetValue<bool>());
        var client = JsonNode.Parse(await bank.GetStringAsync("/api/v1/clients/capsule-bank"))!;
        Assert.Equal(["search_faq"], client["settings"]!["allowed_tools"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.NotFound, (await bank.PostAsync("/v1/capsules/no-such/install", null)).StatusCode);

        // The other tenant's installation is its own.
        Assert.True(JsonNode.Parse(await platform.GetStringAsync("/v1/capsules/ticketing"))!["installed"]!.GetValue<bool>());
        Assert.False(JsonNode.Parse(await bank.GetStringAsync("/v1/capsules/ticketing"))!["installed"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Health_ReportsEachComponent_AndAnUnreachableProviderAsDegraded()
    {
        using var platform = await Admin.ClientAsync(factory);
        using var bank = await Admin.CreateTenantAsync(factory, platform, "health-bank");

        var healthy = JsonNode.Parse(await bank.GetStringAsync("/v1/health"))!;
        Assert.Equal("healthy", healthy["status"]!.GetValue<string>());
        foreach (var component in new[] { "database", "cache", "bus" })
        {
            Assert.Equal("healthy", healthy["components"]![component]!["status"]!.GetValue<string>());
        }

        // The components contract 002 names: checked when this deployment uses them, "not configured" when it does not.
        var scaledOut = Environment.GetEnvironmentVariable("VB_TEST_SCALEOUT") == "1";
        Assert.Equal(scaledOut ? "healthy" : "not configured", healthy["components"]!["postgres"]!["status"]!.GetValue<string>());
        Assert.Equal(scaledOut ? "healthy" : "not configured", healthy["components"]!["redis"]!["status"]!.GetValue<string>());
        Assert.Equal("not configured", healthy["components"]!["kafka"]!["status"]!.GetValue<string>());

        Assert.Equal("builtin", healthy["providers"]![0]!["provider"]!.GetValue<string>());
        await bank.PostAsJsonAsync("/v1/model-profiles", new { role = "chat", deployment_mode = "default", provider = "openai", model = "m", base_url = "http://127.0.0.1:9/v1" });
        var degraded = JsonNode.Parse(await bank.GetStringAsync("/v1/health"))!;
        Assert.Equal("degraded", degraded["status"]!.GetValue<string>());
        Assert.Equal("unhealthy", degraded["providers"]!.AsArray().Single(p => p!["provider"]!.GetValue<string>() == "openai")!["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.CreateClient().GetAsync("/v1/health")).StatusCode);
    }

    [Fact]
    public async Task FilesGet_ReturnsTheCallersTranscripts_AndNothingOfOthers()
    {
        var owner = await CustomerFixture.CreateAsync(factory);
        var other = await CustomerFixture.CreateAsync(factory);
        using var ownerClient = factory.CreateClient(owner.AccessToken);
        var sent = JsonNode.Parse(await (await ownerClient.PostAsJsonAsync("/api_message", new { message = "what is my balance?" })).Content.ReadAsStringAsync())!;
        var sessionId = sent["session_id"]!.GetValue<string>();

        var mine = JsonNode.Parse(await (await ownerClient.PostAsJsonAsync("/api_files_get", new { paths = new[] { $"{sessionId}/transcript.txt", "../../etc/passwd" } })).Content.ReadAsStringAsync())!;
        using var otherClient = factory.CreateClient(other.AccessToken);
        var theirs = JsonNode.Parse(await (await otherClient.PostAsJsonAsync("/api_files_get", new { paths = new[] { $"{sessionId}/transcript.txt" } })).Content.ReadAsStringAsync())!;

        var transcript = Encoding.UTF8.GetString(Convert.FromBase64String(mine["files"]![$"{sessionId}/transcript.txt"]!.GetValue<string>()));
        Assert.Contains("customer: what is my balance?", transcript, StringComparison.Ordinal);
        Assert.Contains("assistant: Your total balance is $5,800.00.", transcript, StringComparison.Ordinal);
        Assert.Equal(["../../etc/passwd"], mine["missing"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Empty(theirs["files"]!.AsObject());
    }
}
