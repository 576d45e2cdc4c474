using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VirtualBanker.Api.Tests.Surfaces.Management;

/// <summary>Admin sign-in and client configuration through contract 003, for tests of every surface.</summary>
public static class Admin
{
    /// <summary>The demo tenant's admin (also platform admin), signed in through POST /api/v1/auth/login.</summary>
    public static async Task<HttpClient> ClientAsync(VirtualBankerFactory factory, string email = "admin@bankbot.dev", string password = VirtualBankerFactory.AdminPassword,
        string? clientId = null)
    {
        var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login") { Content = JsonContent.Create(new { email, password }) };
        if (clientId is not null)
        {
            request.Headers.Add("X-Client-ID", clientId);
        }

        var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var token = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>PUT /api/v1/clients/{id} with the given settings; fails the test unless it succeeds.</summary>
    public static async Task<JsonObject> ConfigureAsync(HttpClient admin, string clientId, JsonObject settings)
    {
        var response = await admin.PutAsJsonAsync($"/api/v1/clients/{clientId}", new JsonObject { ["settings"] = settings });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>POST /v1/keys as <paramref name="admin"/>: the new key's secret, shown this once.</summary>
    public static async Task<string> CreateKeyAsync(HttpClient admin, string label, params string[] scopes)
    {
        var response = await admin.PostAsJsonAsync("/v1/keys", new { label, scopes });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonNode.Parse(body)!["secret"]!.GetValue<string>();
    }

    /// <summary>A second bank with its own admin, created by the platform admin.</summary>
    public static async Task<HttpClient> CreateTenantAsync(VirtualBankerFactory factory, HttpClient platformAdmin, string id)
    {
        var created = await platformAdmin.PostAsJsonAsync("/api/v1/clients", new
        {
            id,
            name = $"Bank {id}",
            domain = $"{id}.example",
            admin = new { email = $"admin@{id}.example", password = "Other-Bank-Pass-2026!", name = "Other Admin" },
        });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        return await ClientAsync(factory, $"admin@{id}.example", "Other-Bank-Pass-2026!", clientId: id);
    }
}
