using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using VirtualBanker.Api.Tests.Surfaces.Customer;
using VirtualBanker.Api.Tests.Surfaces.Management;

namespace VirtualBanker.Api.Tests.Surfaces.Workspace;

/// <summary>Contract 004's REST side: bots through groups, bot sessions, the profile, groups and admin views.</summary>
public sealed class WorkspaceApiTests(VirtualBankerFactory factory) : IClassFixture<VirtualBankerFactory>
{
    [Fact]
    public async Task Bots_AreThoseOfTheUsersGroups_AndOnlyThoseOpenSessions()
    {
        var member = await CustomerFixture.CreateAsync(factory);
        var outsider = await CustomerFixture.CreateAsync(factory);
        using var admin = await Admin.ClientAsync(factory);
        var botId = JsonNode.Parse(await admin.GetStringAsync("/api/v1/agents"))!.AsArray().Single(a => a!["slug"]!.GetValue<string>() == "assistant")!["id"]!.GetValue<string>();
        using var memberClient = factory.CreateClient(member.AccessToken);
        using var outsiderClient = factory.CreateClient(outsider.AccessToken);
        Assert.Empty(JsonNode.Parse(await memberClient.GetStringAsync("/api/bots"))!.AsArray());

        var group = await admin.PostAsJsonAsync("/api/groups/create", new { name = $"Retail {Guid.NewGuid():N}", description = "Retail customers", member_ids = new[] { member.UserId }, bot_ids = new[] { botId } });
        Assert.Equal(HttpStatusCode.Created, group.StatusCode);
        var groupId = JsonNode.Parse(await group.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();

        var bots = JsonNode.Parse(await memberClient.GetStringAsync("/api/bots"))!.AsArray();
        Assert.Equal(botId, bots.Single()!["id"]!.GetValue<string>());
        Assert.Equal("active", bots.Single()!["status"]!.GetValue<string>());
        var created = await memberClient.PostAsJsonAsync("/api/session/create", new { bot_id = botId });
        var session = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.True(session["active"]!.GetValue<bool>());
        var refused = await outsiderClient.PostAsJsonAsync("/api/session/create", new { bot_id = botId });
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal("NOT_FOUND", JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<string>());

        var current = JsonNode.Parse(await memberClient.GetStringAsync("/api/session"))!;
        Assert.Equal(botId, current["bot_id"]!.GetValue<string>());
        Assert.Equal(member.UserId.ToString(), current["user_id"]!.GetValue<string>());

        var sessionId = session["session_id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.NotFound, (await outsiderClient.DeleteAsync($"/api/session/{sessionId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsiderClient.GetAsync($"/api/groups/{groupId}/members")).StatusCode);
        Assert.Equal(member.UserId.ToString(), JsonNode.Parse(await memberClient.GetStringAsync($"/api/groups/{groupId}/members"))!.AsArray().Single()!["user_id"]!.GetValue<string>());
        Assert.Single(JsonNode.Parse(await memberClient.GetStringAsync("/api/groups/list"))!.AsArray());
        Assert.Empty(JsonNode.Parse(await outsiderClient.GetStringAsync("/api/groups/list"))!.AsArray());
        Assert.Equal(HttpStatusCode.OK, (await memberClient.DeleteAsync($"/api/session/{sessionId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await memberClient.PostAsJsonAsync("/api/groups/create", new { name = "Mine" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/api/groups/{groupId}/members", new { user_id = outsider.UserId })).StatusCode);
        Assert.Single(JsonNode.Parse(await outsiderClient.GetStringAsync("/api/bots"))!.AsArray());
    }

    [Fact]
    public async Task Profile_IsReadAndUpdated_WithValidation()
    {
        var customer = await CustomerFixture.CreateAsync(factory);
        using var client = factory.CreateClient(customer.AccessToken);

        var updated = await client.PutAsJsonAsync("/api/users/me", new { first_name = "Robin", last_name = "Banks" });
        var me = JsonNode.Parse(await client.GetStringAsync("/api/users/me"))!;
        var badEmail = await client.PutAsJsonAsync("/api/users/me", new { email = "not-an-email" });
        var taken = await client.PutAsJsonAsync("/api/users/me", new { email = "alex@bankbot.dev", current_password = CustomerFixture.Password });
        var empty = await client.PutAsJsonAsync("/api/users/me", new { });

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal("Robin", me["first_name"]!.GetValue<string>());
        Assert.Equal("Banks", me["last_name"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, badEmail.StatusCode);
        Assert.Equal("VALIDATION_ERROR", JsonNode.Parse(await badEmail.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
    }

    [Fact]
    public async Task AdminSystemViews_AreForAdminsOnly()
    {
        var customer = await CustomerFixture.CreateAsync(factory);
        using var client = factory.CreateClient(customer.AccessToken);
        using var admin = await Admin.ClientAsync(factory);
        using var anonymous = factory.CreateClient();

        var forbidden = await client.GetAsync("/api/admin/system/status");
        var status = JsonNode.Parse(await admin.GetStringAsync("/api/admin/system/status"))!;
        var metrics = await admin.GetAsync("/api/admin/system/metrics");
        var unauthorized = await anonymous.GetAsync("/api/admin/system/status");

        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("FORBIDDEN", JsonNode.Parse(await forbidden.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<string>());
        Assert.Equal("healthy", status["status"]!.GetValue<string>());
        Assert.Equal("healthy", status["components"]!["database"]!["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.Equal("UNAUTHORIZED", JsonNode.Parse(await unauthorized.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<string>());
    }
}
