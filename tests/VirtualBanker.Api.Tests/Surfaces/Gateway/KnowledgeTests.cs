using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using VirtualBanker.Api.Tests.Surfaces.Customer;
using VirtualBanker.Api.Tests.Surfaces.Management;

namespace VirtualBanker.Api.Tests.Surfaces.Gateway;

/// <summary>A tenant's knowledge base: written by its admins, read by its assistant, invisible to other tenants.</summary>
public sealed class KnowledgeTests(VirtualBankerFactory factory) : IClassFixture<VirtualBankerFactory>
{
    [Fact]
    public async Task Articles_AreWrittenByAdmins_AnsweredFrom_AndStayInTheirTenant()
    {
        using var platform = await Admin.ClientAsync(factory);
        using var bank = await Admin.CreateTenantAsync(factory, platform, "knowledge-bank");

        var created = await platform.PostAsJsonAsync("/v1/knowledge/articles", new
        {
            title = "Replacement cards: the new timetable",
            body = "From January a replacement card arrives within 3 business days.",
            topics = new[] { "card_arrival", "card_delivery_estimate" },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var article = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        var id = article["id"]!.GetValue<string>();
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", article["updated_at"]!.GetValue<string>());

        // The assistant answers from it (tagged with the question's intent, best worded first) and names it.
        var customer = await CustomerFixture.CreateAsync(factory);
        using var client = factory.CreateClient(customer.AccessToken);
        var answer = await CustomerFixture.AskAsync(client, "how many days until my replacement card arrives?");
        Assert.Contains("(From our help article \"Replacement cards: the new timetable\".)", answer, StringComparison.Ordinal);

        var updated = await platform.PutAsJsonAsync($"/v1/knowledge/articles/{id}", new { title = "Replacement cards", body = "Within 2 business days.", topics = new[] { "card_arrival" } });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Contains(JsonNode.Parse(await platform.GetStringAsync("/v1/knowledge/articles"))!.AsArray(), a => a!["title"]!.GetValue<string>() == "Replacement cards");

        // Another tenant neither sees nor touches it.
        Assert.Empty(JsonNode.Parse(await bank.GetStringAsync("/v1/knowledge/articles"))!.AsArray());
        Assert.Equal(HttpStatusCode.NotFound, (await bank.PutAsJsonAsync($"/v1/knowledge/articles/{id}", new { title = "x", body = "y" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bank.DeleteAsync($"/v1/knowledge/articles/{id}")).StatusCode);

        // Bad input is a 400 naming the field, and stores nothing; customers can't write.
        var before = JsonNode.Parse(await platform.GetStringAsync("/v1/knowledge/articles"))!.AsArray().Count;
        Assert.Equal(HttpStatusCode.BadRequest, (await platform.PostAsJsonAsync("/v1/knowledge/articles", new { body = "no title" })).StatusCode);
        var badTopic = await platform.PostAsJsonAsync("/v1/knowledge/articles", new { title = "t", body = "b", topics = new[] { "<script>" } });
        Assert.Equal(HttpStatusCode.BadRequest, badTopic.StatusCode);
        Assert.Contains("topics", await badTopic.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, JsonNode.Parse(await platform.GetStringAsync("/v1/knowledge/articles"))!.AsArray().Count);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/v1/knowledge/articles", new { title = "t", body = "b" })).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await platform.DeleteAsync($"/v1/knowledge/articles/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await platform.DeleteAsync($"/v1/knowledge/articles/{id}")).StatusCode);
    }
}
