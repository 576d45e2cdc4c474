using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using VirtualBanker.Api.Tests.Surfaces.Management;

namespace VirtualBanker.Api.Tests.Authorization;

/// <summary>
/// Mass assignment (OWASP API3): fields a caller may not set — a role, a tenant, a balance — are ignored or
/// refused wherever they are sent, and answers carry their documented fields only.
/// </summary>
public sealed class MassAssignmentTests(VirtualBankerFactory factory) : IClassFixture<VirtualBankerFactory>
{
    private static readonly object Privileges = new
    {
        role = "platform_admin", roles = new[] { "platform_admin", "tenant_admin" }, tenant_id = "rival-bank", tid = "rival-bank",
        is_admin = true, balance = 1_000_000m, total_balance = 1_000_000m, scopes = new[] { "admin" }, password_hash = "x", id = Guid.NewGuid(),
        email_verified = true, email_verified_at = "2026-01-01T00:00:00Z",
    };

    /// <summary>A body holding every privileged field, to add the fields the route does take to.</summary>
    private static JsonObject Privileged() => System.Text.Json.JsonSerializer.SerializeToNode(Privileges)!.AsObject();

    [Fact]
    public async Task SignUpAndProfileEdits_CannotGrantRolesTenantsOrMoney()
    {
        using var anonymous = factory.CreateClient();
        var email = $"mass-{Guid.NewGuid():N}@bankbot.dev";
        var body = Privileged();
        body["email"] = email;
        body["password"] = "Mass-Assign-Pass-9";
        body["name"] = "Mass Assign";
        var registered = await anonymous.PostAsJsonAsync("/api/auth/register", body);
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        using var customer = factory.CreateClient(JsonNode.Parse(await registered.Content.ReadAsStringAsync())!["access_token"]!.GetValue<string>());

        var edit = Privileged();
        edit["first_name"] = "Mallory";
        Assert.True((await customer.PutAsJsonAsync("/api/users/me", edit)).IsSuccessStatusCode);

        // Still a customer of the demo bank, with nothing in the bank.
        Assert.Equal(HttpStatusCode.Forbidden, (await customer.GetAsync("/api/v1/agents")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await customer.GetAsync("/api/metrics")).StatusCode);
        Assert.Equal(0m, JsonNode.Parse(await customer.GetStringAsync("/api/dashboard/overview"))!["total_balance"]!.GetValue<decimal>());

        // And the answers hold exactly their documented fields.
        var me = JsonNode.Parse(await customer.GetStringAsync("/api/auth/me"))!.AsObject();
        Assert.Equal(["email", "email_verified", "financial_personality", "name", "user_id"], me.Select(p => p.Key).Order());
        Assert.False(me["email_verified"]!.GetValue<bool>()); // only the mailed link verifies
        var profile = JsonNode.Parse(await customer.GetStringAsync("/api/users/me"))!.AsObject();
        Assert.Equal(["created_at", "email", "first_name", "id", "last_name", "username"], profile.Select(p => p.Key).Order());
        Assert.Equal("Mallory", profile["first_name"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnAdminCannotCreateOrMoveObjectsIntoAnotherTenant()
    {
        using var platform = await Admin.ClientAsync(factory);
        var rival = $"mass-{Guid.NewGuid():N}"[..20];
        using var rivalAdmin = await Admin.CreateTenantAsync(factory, platform, rival);

        var agent = Privileged();
        agent["name"] = "Planted";
        agent["slug"] = $"planted-{Guid.NewGuid():N}"[..20];
        agent["client_id"] = "demo-bank";
        var created = await rivalAdmin.PostAsJsonAsync("/api/v1/agents", agent);
        Assert.True(created.StatusCode is HttpStatusCode.Created or HttpStatusCode.Forbidden or HttpStatusCode.NotFound or HttpStatusCode.UnprocessableEntity,
            $"{(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        if (created.IsSuccessStatusCode)
        {
            Assert.Equal(rival, JsonNode.Parse(await created.Content.ReadAsStringAsync())!["client_id"]!.GetValue<string>());
        }

        // Nothing planted in the demo bank, whatever the answer was.
        Assert.DoesNotContain(JsonNode.Parse(await platform.GetStringAsync("/api/v1/agents?client_id=demo-bank"))!.AsArray(),
            a => a!["slug"]!.GetValue<string>() == agent["slug"]!.GetValue<string>());
    }
}
