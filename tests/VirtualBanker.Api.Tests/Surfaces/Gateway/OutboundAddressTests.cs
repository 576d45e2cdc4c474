using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using VirtualBanker.Api.Tests.Surfaces.Customer;

namespace VirtualBanker.Api.Tests.Surfaces.Gateway;

/// <summary>
/// With the production setting (no <c>Outbound:AllowedHosts</c>), a model profile that points into the server's own network
/// is never dialled, by chat or by the health probe: the builtin answers, the probe says unhealthy, and only an admin sees
/// the probe at all. The "internal" endpoint is a listener on loopback that counts the connections it is offered.
/// </summary>
public sealed class OutboundAddressTests(OutboundAddressTests.ProductionOutboundFactory factory) : IClassFixture<OutboundAddressTests.ProductionOutboundFactory>
{
    public sealed class ProductionOutboundFactory : VirtualBankerFactory
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Outbound:AllowedHosts:0"] = "" };
    }

    [Fact]
    public async Task AModelProfileOnAnInternalAddress_IsNeverDialled_TheBuiltinAnswers_AndOnlyAnAdminSeesTheProbe()
    {
        using var internalService = new TcpListener(IPAddress.Loopback, 0);
        internalService.Start();
        var port = ((IPEndPoint)internalService.LocalEndpoint).Port;
        using var admin = factory.CreateClient(await factory.LoginAsync("admin@bankbot.dev", VirtualBankerFactory.AdminPassword));
        var profile = new { provider = "openai", model = "internal-gpt", base_url = $"http://127.0.0.1:{port}/v1", api_key = "tenant-key" };
        var saved = await admin.PutAsJsonAsync("/v1/model-profiles/chat/default", profile);
        if (saved.StatusCode == HttpStatusCode.NotFound)
        {
            saved = await admin.PostAsJsonAsync("/v1/model-profiles", new { role = "chat", deployment_mode = "default", profile.provider, profile.model, profile.base_url, profile.api_key });
        }

        Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync());

        var fixture = await CustomerFixture.CreateAsync(factory);
        using var customer = factory.CreateClient(fixture.AccessToken);
        var chat = JsonNode.Parse(await (await customer.PostAsJsonAsync("/api/ai/chat", new { message = "what's my balance?" })).Content.ReadAsStringAsync())!;
        var adminHealth = JsonNode.Parse(await admin.GetStringAsync("/v1/health"))!;
        var customerHealth = JsonNode.Parse(await customer.GetStringAsync("/v1/health"))!;

        Assert.StartsWith("Your total balance is", chat["response"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(adminHealth["providers"]!.AsArray(), p => p!["provider"]!.GetValue<string>() == "openai" && p["status"]!.GetValue<string>() == "unhealthy");
        Assert.Equal(["builtin"], customerHealth["providers"]!.AsArray().Select(p => p!["provider"]!.GetValue<string>()));
        Assert.False(internalService.Pending(), "the server connected to the internal address");
    }

    [Theory]
    [InlineData("builtin", "javascript:alert(1)")]
    [InlineData("openai", "gopher://127.0.0.1:6379/_INFO")]
    [InlineData("openai", "https://models.bank/v1#/../admin")]
    public async Task AProfileUrlThatIsNotPlainHttp_IsRefusedAndNotStored(string provider, string url)
    {
        using var admin = factory.CreateClient(await factory.LoginAsync("admin@bankbot.dev", VirtualBankerFactory.AdminPassword));

        var response = await admin.PostAsJsonAsync("/v1/model-profiles", new { role = "probe", deployment_mode = "hostile", provider, model = "m", base_url = url });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!["base_url"]);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/v1/health")).StatusCode);
        Assert.DoesNotContain("hostile", await admin.GetStringAsync("/v1/model-profiles"), StringComparison.Ordinal);
    }
}
