using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace VirtualBanker.Api.Tests.Hosting;

/// <summary>
/// The published server as a bank runs it, in Production: no demo bank and no demo portal (their passwords are published), and the
/// first platform admin from <c>Bootstrap:*</c>, created once. Other banks' admins sign in without a tenant header.
/// </summary>
public sealed class ProductionStartTests
{
    private const string AdminEmail = "root@acme-bank.example", AdminPassword = "Acme-Bootstrap-2026!";

    [Fact]
    public async Task InProduction_TheDemoIsOff_AndTheBootstrapAdminRunsThePlatform_AndEachBanksAdminSignsInWithoutAHeader()
    {
        await using var node = await ServerNode.StartProcessAsync(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Tenancy__DefaultTenantId"] = "acme-bank",
            ["Bootstrap__TenantName"] = "Acme Bank",
            ["Bootstrap__AdminEmail"] = AdminEmail,
            ["Bootstrap__AdminPassword"] = AdminPassword,
        });
        using var anonymous = node.Client();

        // No demo customer, no demo admin with the published password, no demo portal.
        var alex = await anonymous.PostAsync("/api/auth/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "alex@bankbot.dev", ["password"] = "BankBot2026!" }));
        Assert.Equal(HttpStatusCode.Unauthorized, alex.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.PostAsJsonAsync("/demo/portal/login", new { email = "alex@bankbot.dev", password = "BankBot2026!" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = "admin@bankbot.dev", password = VirtualBankerFactory.AdminPassword })).StatusCode);

        // The bootstrap admin runs the platform: the first bank is there, with its assistant, and they onboard a second bank.
        using var root = node.Client(await TokenAsync(anonymous, AdminEmail, AdminPassword));
        var clients = JsonNode.Parse(await root.GetStringAsync("/api/v1/clients"))!.AsArray();
        Assert.Equal(["acme-bank"], clients.Select(c => c!["id"]!.GetValue<string>()));
        Assert.Single(JsonNode.Parse(await root.GetStringAsync("/api/v1/agents"))!.AsArray());
        var second = await root.PostAsJsonAsync("/api/v1/clients", new
        {
            id = "beta-bank", name = "Beta Bank", admin = new { email = "admin@beta-bank.example", password = "Beta-Owner-Pass-2026!", name = "Beta Admin" },
        });
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);

        // Beta's admin signs in with the contract's body alone (no X-Client-ID), and sees Beta only.
        using var beta = node.Client(await TokenAsync(anonymous, "admin@beta-bank.example", "Beta-Owner-Pass-2026!"));
        Assert.Equal(["beta-bank"], JsonNode.Parse(await beta.GetStringAsync("/api/v1/clients"))!.AsArray().Select(c => c!["id"]!.GetValue<string>()));
    }

    private static async Task<string> TokenAsync(HttpClient client, string email, string password)
    {
        var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonNode.Parse(body)!["access_token"]!.GetValue<string>();
    }
}
