using System.Net;

namespace VirtualBanker.Api.Tests.Hosting;

public sealed class ProductionFactory : VirtualBankerFactory
{
    protected override string Environment => "Production";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Cors:AllowedOrigins:0"] = "https://portal.bank.example",
    };
}

public sealed class CorsTests(VirtualBankerFactory development, ProductionFactory production)
    : IClassFixture<VirtualBankerFactory>, IClassFixture<ProductionFactory>
{
    [Fact]
    public async Task Development_AllowsAnyOrigin()
    {
        var response = await PreflightAsync(development, "https://anything.example");

        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task Production_AllowsOnlyTheListedOrigins()
    {
        var listed = await PreflightAsync(production, "https://portal.bank.example");
        var other = await PreflightAsync(production, "https://evil.example");

        Assert.Equal("https://portal.bank.example", listed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.False(other.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("https://evil.example", 403)]
    [InlineData("https://portal.bank.example", 401)]
    [InlineData("http://localhost", 401)]
    [InlineData(null, 401)]
    public async Task Production_WebSocketHandshake_FromAForeignOrigin_Is403_BeforeAnythingElse(string? origin, int expected)
    {
        var client = production.Server.CreateWebSocketClient();
        client.ConfigureRequest = request =>
        {
            if (origin is not null)
            {
                request.Headers.Origin = origin;
            }
        };

        var refused = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => client.ConnectAsync(new Uri("ws://localhost/api/ai/chat/ws"), CancellationToken.None));

        Assert.Contains($"status code: {expected}", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WebSocketHandshake_WithTwoOrigins_Is403_EvenWhereEachAloneIsAllowed()
    {
        var client = production.Server.CreateWebSocketClient();
        client.ConfigureRequest = request => request.Headers.Origin = new Microsoft.Extensions.Primitives.StringValues(["http://localhost", "https://portal.bank.example"]);

        var refused = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => client.ConnectAsync(new Uri("ws://localhost/api/ai/chat/ws"), CancellationToken.None));

        Assert.Contains("status code: 403", refused.Message, StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> PreflightAsync(VirtualBankerFactory factory, string origin)
    {
        using var client = factory.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/auth/me");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "GET");
        request.Headers.Add("Access-Control-Request-Headers", "authorization");
        var response = await client.SendAsync(request);
        Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
        return response;
    }
}
