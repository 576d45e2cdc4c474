using System.Net.Http.Json;
using System.Text.Json.Nodes;
using VirtualBanker.Api.Tests.Surfaces.Customer;

namespace VirtualBanker.Api.Tests.Surfaces.Management;

/// <summary>A customer left waiting past the tenant's <c>handoff.sla_seconds</c>: the item is escalated once and counted in the metrics.</summary>
public sealed class HandoffSlaTests(FakeClockFactory factory) : IClassFixture<FakeClockFactory>
{
    [Fact]
    public async Task WaitingPastTheSla_RaisesThePriorityOnce_AndIsCounted()
    {
        using var admin = await Admin.ClientAsync(factory);
        await Admin.ConfigureAsync(admin, "demo-bank", new JsonObject { ["handoff"] = new JsonObject { ["sla_seconds"] = 60 } });
        var invalid = await admin.PutAsJsonAsync("/api/v1/clients/demo-bank", new { settings = new { handoff = new { sla_seconds = 0 } } });
        Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, invalid.StatusCode);

        var fixture = await CustomerFixture.CreateAsync(factory);
        using var customer = factory.CreateClient(fixture.AccessToken);
        await CustomerFixture.AskAsync(customer, "I'd like to speak to a person");
        using var staff = await StaffTests.StaffAsync(factory);
        Assert.Equal("normal", (await StaffTests.ItemOfAsync(staff, fixture.Email))!["priority"]!.GetValue<string>());
        var breachesBefore = await BreachesAsync(admin);

        factory.Clock.Advance(TimeSpan.FromSeconds(30));
        await Task.Delay(300);
        Assert.False((await StaffTests.ItemOfAsync(staff, fixture.Email))!["escalated"]!.GetValue<bool>());

        for (var i = 0; i < 8; i++)
        {
            factory.Clock.Advance(TimeSpan.FromSeconds(5)); // past 60 s: the watcher's next ticks escalate it, once
        }

        JsonNode item = null!;
        for (var attempt = 0; attempt < 50 && item?["escalated"]?.GetValue<bool>() != true; attempt++)
        {
            await Task.Delay(100);
            item = (await StaffTests.ItemOfAsync(staff, fixture.Email))!;
        }

        Assert.True(item["escalated"]!.GetValue<bool>());
        Assert.Equal("high", item["priority"]!.GetValue<string>());
        factory.Clock.Advance(TimeSpan.FromSeconds(10));
        await Task.Delay(300);
        Assert.Equal("high", (await StaffTests.ItemOfAsync(staff, fixture.Email))!["priority"]!.GetValue<string>());
        Assert.Equal(breachesBefore + 1, await BreachesAsync(admin));
    }

    private static async Task<long> BreachesAsync(HttpClient client) =>
        JsonNode.Parse(await client.GetStringAsync("/api/metrics"))!["handoff"]!["sla_breaches"]!.GetValue<long>();
}
