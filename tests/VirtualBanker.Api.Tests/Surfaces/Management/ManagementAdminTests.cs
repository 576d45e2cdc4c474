using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Tenancy;

namespace VirtualBanker.Api.Tests.Surfaces.Management;

/// <summary>Contract 003's admin side: JSON login, agents and clients CRUD, protected settings, site keys.</summary>
public sealed class ManagementAdminTests(VirtualBankerFactory factory) : IClassFixture<VirtualBankerFactory>
{
    [Fact]
    public async Task Login_IsForAdminsOnly_AndFailuresAreUniform()
    {
        using var anonymous = factory.CreateClient();

        var admin = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = "admin@bankbot.dev", password = VirtualBankerFactory.AdminPassword });
        var customer = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = "alex@bankbot.dev", password = "BankBot2026!" });
        var wrong = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = "admin@bankbot.dev", password = "nope" });
        var invalid = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = "admin@bankbot.dev" });

        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Equal("bearer", JsonNode.Parse(await admin.Content.ReadAsStringAsync())!["token_type"]!.GetValue<string>());
        var customerBody = await customer.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, customer.StatusCode);
        Assert.Equal(customerBody, await wrong.Content.ReadAsStringAsync());
        var error = JsonNode.Parse(await invalid.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.StatusCode);
        Assert.Equal(["detail", "status_code", "type"], error.Select(p => p.Key).Order());
        Assert.Equal(422, error["status_code"]!.GetValue<int>());
    }

    [Fact]
    public async Task Agents_Crud_WithFiltersAndVoiceSettings()
    {
        using var admin = await Admin.ClientAsync(factory);
        var created = await admin.PostAsJsonAsync("/api/v1/agents", new
        {
            name = "Mortgage Helper",
            slug = "mortgage-helper",
            description = "Answers mortgage questions",
            system_prompt = "You help with mortgages.",
            voice_settings = new { provider = "openai", voice_id = "alloy", temperature = 0.4 },
            allowed_tools = new[] { "search_faq" },
        });
        var agent = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        var id = agent["id"]!.GetValue<string>();

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("demo-bank", agent["client_id"]!.GetValue<string>());
        Assert.Equal(0.4, agent["voice_settings"]!["temperature"]!.GetValue<double>());
        Assert.Equal("You help with mortgages.", JsonNode.Parse(await admin.GetStringAsync($"/api/v1/agents/{id}"))!["system_prompt"]!.GetValue<string>());

        var updated = await admin.PutAsJsonAsync($"/api/v1/agents/{id}", new { name = "Mortgage Desk", enabled = false });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var active = JsonNode.Parse(await admin.GetStringAsync("/api/v1/agents?active=true"))!.AsArray().Select(a => a!["slug"]!.GetValue<string>()).ToList();
        var inactive = JsonNode.Parse(await admin.GetStringAsync("/api/v1/agents?active=false&client_id=demo-bank"))!.AsArray().Select(a => a!["name"]!.GetValue<string>()).ToList();
        Assert.Contains("assistant", active);
        Assert.DoesNotContain("mortgage-helper", active);
        Assert.Equal(["Mortgage Desk"], inactive);

        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync("/api/v1/agents", new { name = "Again", slug = "assistant" })).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await admin.PostAsJsonAsync("/api/v1/agents", new { name = "Bad", slug = "Bad Slug!" })).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await admin.PostAsJsonAsync("/api/v1/agents", new { name = "T", slug = "t", allowed_tools = new[] { "rm_rf" } })).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity,
            (await admin.PostAsJsonAsync("/api/v1/agents", new { name = "V", slug = "v", voice_settings = new { provider = "openai", voice_id = "alloy", temperature = 9 } })).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/agents/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/agents/{id}")).StatusCode);
    }

    [Fact]
    public async Task ClientSecrets_AreEncryptedAtRest_RedactedInAnswers_AndKeptWhenSentBackRedacted()
    {
        using var platform = await Admin.ClientAsync(factory);
        var created = await platform.PostAsJsonAsync("/api/v1/clients", new
        {
            id = "secret-bank",
            name = "Secret Bank",
            domain = "secret.example",
            settings = new
            {
                supabase = new { url = "https://project.supabase.co", anon_key = "anon-key-value", service_role_key = "service-key-value" },
                livekit = new { server_url = "wss://livekit.cloud", api_key = "lk-api-key", api_secret = "lk-api-secret-value" },
            },
        });
        var body = await created.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.DoesNotContain("service-key-value", body, StringComparison.Ordinal);
        Assert.DoesNotContain("lk-api-secret-value", body, StringComparison.Ordinal);
        var settings = JsonNode.Parse(body)!["settings"]!;
        Assert.Equal("https://project.supabase.co", settings["supabase"]!["url"]!.GetValue<string>());
        Assert.Equal("********", settings["livekit"]!["api_secret"]!.GetValue<string>());

        // Round trip: send back what was read, change one plain field.
        settings["livekit"]!["server_url"] = "wss://eu.livekit.cloud";
        await Admin.ConfigureAsync(platform, "secret-bank", new JsonObject { ["livekit"] = settings["livekit"]!.DeepClone() });

        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<VirtualBankerDbContext>();
        var raw = await db.Database.SqlQueryRaw<string>("SELECT \"Settings\" AS \"Value\" FROM \"Tenants\" WHERE \"Id\" = 'secret-bank'").SingleAsync();
        Assert.DoesNotContain("lk-api-secret-value", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("service-key-value", raw, StringComparison.Ordinal);
        var stored = (await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == "secret-bank")).Settings.Integrations["livekit"];
        var protector = scope.ServiceProvider.GetRequiredService<ISecretProtector>();
        Assert.Equal("lk-api-secret-value", TenantSettingsDocument.Reveal(stored["api_secret"]!.GetValue<string>(), protector));
        Assert.Equal("wss://eu.livekit.cloud", stored["server_url"]!.GetValue<string>());
        Assert.DoesNotContain(factory.Logs, l => l.Contains("lk-api-secret-value", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TenantAdmin_SeesAndConfiguresOnlyTheirOwnClient()
    {
        using var platform = await Admin.ClientAsync(factory);
        using var other = await Admin.CreateTenantAsync(factory, platform, "own-bank");

        var list = JsonNode.Parse(await other.GetStringAsync("/api/v1/clients"))!.AsArray().Select(c => c!["id"]!.GetValue<string>()).ToList();
        Assert.Equal(["own-bank"], list);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync("/api/v1/clients/demo-bank")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PutAsJsonAsync("/api/v1/clients/demo-bank", new { name = "Mine now" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.PutAsJsonAsync("/api/v1/clients/own-bank", new { active = false })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.PostAsJsonAsync("/api/v1/clients", new { id = "third-bank", name = "Third" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await other.PutAsJsonAsync("/api/v1/clients/own-bank", new { settings = new { greeting = "Welcome to Own Bank" } })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync("/api/v1/agents?client_id=demo-bank")).StatusCode);
        Assert.Equal(["assistant"], JsonNode.Parse(await other.GetStringAsync("/api/v1/agents"))!.AsArray().Select(a => a!["slug"]!.GetValue<string>()));
        Assert.Equal("Demo Bank", JsonNode.Parse(await platform.GetStringAsync("/api/v1/clients/demo-bank"))!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task SwitchedOffClient_LosesItsTokensAndKeysAtOnce()
    {
        using var platform = await Admin.ClientAsync(factory);
        using var other = await Admin.CreateTenantAsync(factory, platform, "off-bank");
        var key = await Admin.CreateKeyAsync(other, "site", "chat");

        Assert.Equal(HttpStatusCode.OK, (await platform.PutAsJsonAsync("/api/v1/clients/off-bank", new { active = false })).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await other.GetAsync("/api/v1/agents")).StatusCode);
        using var site = factory.CreateClient();
        site.DefaultRequestHeaders.Add("X-API-Key", key);
        Assert.Equal(HttpStatusCode.Unauthorized, (await site.PostAsJsonAsync("/trigger-agent", new { message = "hi", session_id = "s-1", mode = "text" })).StatusCode);
    }

    [Fact]
    public async Task SiteKey_MustBelongToTheClientNamedByXClientId()
    {
        using var platform = await Admin.ClientAsync(factory);
        using var other = await Admin.CreateTenantAsync(factory, platform, "site-bank");
        var key = await Admin.CreateKeyAsync(other, "wordpress", "chat");

        async Task<HttpStatusCode> TriggerAsync(string clientId)
        {
            using var site = factory.CreateClient();
            site.DefaultRequestHeaders.Add("X-API-Key", key);
            site.DefaultRequestHeaders.Add("X-Client-ID", clientId);
            return (await site.PostAsJsonAsync("/trigger-agent", new { message = "hello", agent_slug = "assistant", session_id = "wp-1", mode = "text" })).StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await TriggerAsync("site-bank"));
        Assert.Equal(HttpStatusCode.Unauthorized, await TriggerAsync("demo-bank"));
    }
}
