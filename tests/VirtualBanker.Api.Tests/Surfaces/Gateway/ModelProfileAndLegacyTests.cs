using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VirtualBanker.Api.Tests.Surfaces.Customer;

namespace VirtualBanker.Api.Tests.Surfaces.Gateway;

public sealed class ModelProfileAndLegacyTests(VirtualBankerFactory factory) : IClassFixture<VirtualBankerFactory>
{
    [Fact]
    public async Task ModelProfiles_Crud_KeyIsNeverReturned_AndRouteScoresByTheDocumentedRule()
    {
        using var admin = factory.CreateClient(await factory.LoginAsync("admin@bankbot.dev", VirtualBankerFactory.AdminPassword));
        Assert.Equal("builtin", (await JsonAsync(await admin.PostAsJsonAsync("/v1/route", new { role = "chat" }))).GetProperty("chosen").GetString());

        var created = await admin.PostAsJsonAsync("/v1/model-profiles", new
        {
            role = "chat", deployment_mode = "cloud", provider = "openai", model = "gpt-4o-mini", base_url = "https://api.openai.com/v1",
            api_key = "sk-test-secret-123", parameters = new { temperature = 0.2, timeout_seconds = 20 },
        });
        var body = await JsonAsync(created, HttpStatusCode.Created);
        Assert.True(body.GetProperty("has_api_key").GetBoolean());
        Assert.DoesNotContain("sk-test-secret-123", body.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync("/v1/model-profiles", new { role = "chat", deployment_mode = "cloud", provider = "builtin", model = "nlu" })).StatusCode);
        await JsonAsync(await admin.PostAsJsonAsync("/v1/model-profiles", new { role = "chat", deployment_mode = "local", provider = "builtin", model = "nlu" }), HttpStatusCode.Created);
        await JsonAsync(await admin.PostAsJsonAsync("/v1/model-profiles", new { role = "briefing", deployment_mode = "local", provider = "builtin", model = "nlu" }), HttpStatusCode.Created);

        // chat + local: 0.5 + 0.3 + 0.2 = 1.0 beats chat/cloud (0.7) and briefing/local (0.5).
        var route = await JsonAsync(await admin.PostAsJsonAsync("/v1/route", new { role = "chat", deployment_mode = "local" }));
        Assert.Equal("builtin:nlu", route.GetProperty("chosen").GetString());
        Assert.Equal(1.0, route.GetProperty("score").GetDouble());
        Assert.Equal("local", route.GetProperty("profile").GetProperty("deployment_mode").GetString());

        var updated = await JsonAsync(await admin.PutAsJsonAsync("/v1/model-profiles/chat/cloud", new { provider = "openai", model = "gpt-4.1", base_url = "https://api.groq.com/openai/v1" }));
        Assert.Equal("gpt-4.1", updated.GetProperty("model").GetString());
        Assert.True(updated.GetProperty("has_api_key").GetBoolean()); // omitted key: the stored one stays
        var list = await JsonAsync(await admin.GetAsync("/v1/model-profiles"));
        Assert.Equal(3, list.GetArrayLength());
        Assert.DoesNotContain("sk-test", list.ToString(), StringComparison.Ordinal);

        Assert.Equal("deleted", (await JsonAsync(await admin.DeleteAsync("/v1/model-profiles/chat/cloud"))).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync("/v1/model-profiles/chat/cloud")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PutAsJsonAsync("/v1/model-profiles/none/none", new { provider = "builtin", model = "nlu" })).StatusCode);
    }

    [Theory]
    [InlineData("{\"role\":\"chat\",\"deployment_mode\":\"x\",\"provider\":\"anthropic\",\"model\":\"m\"}", "provider")]
    [InlineData("{\"role\":\"chat\",\"deployment_mode\":\"x\",\"provider\":\"openai\",\"model\":\"m\",\"base_url\":\"file:///etc/passwd\"}", "base_url")]
    [InlineData("{\"role\":\"Chat Role!\",\"deployment_mode\":\"x\",\"provider\":\"builtin\",\"model\":\"m\"}", "role")]
    [InlineData("{\"role\":\"chat\",\"deployment_mode\":\"x\",\"provider\":\"builtin\",\"model\":\"m\",\"parameters\":{\"temperature\":9}}", "parameters.temperature")]
    public async Task ModelProfiles_InvalidInput_Is400NamingTheField(string json, string field)
    {
        using var admin = factory.CreateClient(await factory.LoginAsync("admin@bankbot.dev", VirtualBankerFactory.AdminPassword));

        var response = await admin.PostAsync("/v1/model-profiles", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var body = await JsonAsync(response, HttpStatusCode.BadRequest);

        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), body.ToString());
    }

    [Fact]
    public async Task ModelProfiles_CustomersAreForbidden()
    {
        using var customer = factory.CreateClient(await factory.LoginAsync());

        Assert.Equal(HttpStatusCode.Forbidden, (await customer.GetAsync("/v1/model-profiles")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await customer.PostAsJsonAsync("/v1/route", new { role = "chat" })).StatusCode);
    }

    [Fact]
    public async Task Legacy_Message_Log_Reset_Terminate()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var client = factory.CreateClient(fixture.AccessToken);

        var message = await JsonAsync(await client.PostAsJsonAsync("/api_message", new { message = "what's my balance?" }));
        var sessionId = message.GetProperty("session_id").GetString()!;
        var log = await JsonAsync(await client.GetAsync($"/api_log_get?session_id={sessionId}"));
        var reset = await JsonAsync(await client.PostAsJsonAsync("/api_reset_chat", new { session_id = sessionId }));
        var terminated = await JsonAsync(await client.PostAsJsonAsync("/api_terminate_chat", new { session_id = reset.GetProperty("session_id").GetString() }));
        var afterEnd = await client.PostAsJsonAsync("/api_message", new { session_id = sessionId, message = "hello?" });

        Assert.StartsWith("Your total balance is $5,800.00.", message.GetProperty("response").GetString(), StringComparison.Ordinal);
        Assert.Equal(["message", "chat_start", "tool_call", "tool_result"], log.GetProperty("events").EnumerateArray().Take(4).Select(e => e.GetProperty("type").GetString()));
        Assert.NotEqual(sessionId, reset.GetProperty("session_id").GetString());
        Assert.Equal("terminated", terminated.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Gone, afterEnd.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.CreateClient(await factory.LoginAsync()).GetAsync($"/api_log_get?session_id={sessionId}")).StatusCode);
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }
}
