using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;

namespace VirtualBanker.Api.Tests.Hosting;

/// <summary>
/// The five OpenAPI documents as a generated client reads them: every operation named (a unique operationId), explained
/// (summary and description), secured as it really is, and with its errors in its surface's shape.
/// </summary>
public sealed class ApiDescriptionTests(VirtualBankerFactory factory) : IClassFixture<VirtualBankerFactory>
{
    public static TheoryData<string> Surfaces() => new() { "customer", "portal", "gateway", "management", "workspace" };

    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    private async Task<JsonObject> DocumentAsync(string surface)
    {
        using var client = factory.CreateClient();
        return JsonNode.Parse(await client.GetStringAsync($"/openapi/{surface}.json"))!.AsObject();
    }

    private static IEnumerable<(string Path, string Method, JsonObject Operation)> Operations(JsonObject document) =>
        document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject()
            .Where(op => Methods.Contains(op.Key))
            .Select(op => (path.Key, op.Key, op.Value!.AsObject())));

    [Theory]
    [MemberData(nameof(Surfaces))]
    public async Task EveryOperation_HasAUniqueOperationId_ASummaryAndADescription(string surface)
    {
        var operations = Operations(await DocumentAsync(surface)).ToList();

        Assert.NotEmpty(operations);
        Assert.All(operations, o => Assert.False(string.IsNullOrWhiteSpace(o.Operation["operationId"]?.GetValue<string>()), $"{o.Method} {o.Path}: no operationId"));
        Assert.All(operations, o => Assert.False(string.IsNullOrWhiteSpace(o.Operation["summary"]?.GetValue<string>()), $"{o.Method} {o.Path}: no summary"));
        Assert.All(operations, o => Assert.False(string.IsNullOrWhiteSpace(o.Operation["description"]?.GetValue<string>()), $"{o.Method} {o.Path}: no description"));
        var ids = operations.Select(o => o.Operation["operationId"]!.GetValue<string>()).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [MemberData(nameof(Surfaces))]
    public async Task EverySuccessHasASchema_SocketsUpgrade_AndTwoShapedAnswersShowBoth(string surface)
    {
        var operations = Operations(await DocumentAsync(surface)).ToList();

        foreach (var (path, method, operation) in operations)
        {
            var responses = operation["responses"]!.AsObject();
            var success = responses.Where(r => r.Key.StartsWith('2') && r.Key != "204").ToList();
            Assert.All(success, r => Assert.True(r.Value!["content"]?.AsObject().Count > 0, $"{method} {path} {r.Key}: no schema"));
            Assert.True(success.Count > 0 || responses.ContainsKey("101") || responses.ContainsKey("204") || responses.ContainsKey("302"), $"{method} {path}: no success answer");
        }

        if (surface == "gateway")
        {
            var events = operations.Single(o => o.Path == "/v1/session/{sessionId}/events").Operation;
            Assert.NotNull(events["responses"]!["200"]!["content"]!["text/event-stream"]);
            Assert.Contains(events["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "Last-Event-ID" && p["in"]!.GetValue<string>() == "header");
            Assert.Contains("chat_end", events["description"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        if (surface == "management")
        {
            var trigger = operations.Single(o => o.Path == "/trigger-agent").Operation["responses"]!["200"]!["content"]!["application/json"]!["schema"]!;
            Assert.Equal(2, trigger["oneOf"]!.AsArray().Count);
        }
    }

    [Theory]
    [MemberData(nameof(Surfaces))]
    public async Task NumbersAreNumbers_AndNoPatternIsOneAGeneratorRejects(string surface)
    {
        var text = (await DocumentAsync(surface)).ToJsonString();

        Assert.DoesNotMatch("\"type\":\\[[^\\]]*\"(integer|number)\"[^\\]]*\"string\"", text);
        Assert.DoesNotMatch("\"type\":\\[[^\\]]*\"string\"[^\\]]*\"(integer|number)\"", text);
        Assert.DoesNotContain("\\\\p{", text, StringComparison.Ordinal);
        Assert.Contains("\"integer\"", text, StringComparison.Ordinal);
        var document = JsonNode.Parse(text)!.AsObject();
        var queries = Operations(document).SelectMany(o => o.Operation["parameters"]?.AsArray() ?? []).Where(p => p!["in"]!.GetValue<string>() == "query");
        Assert.All(queries.Where(q => q!["name"]!.GetValue<string>() is "page" or "limit" or "months"), q => Assert.Equal("integer", q!["schema"]!["type"]!.GetValue<string>()));
        Assert.All(queries.Where(q => q!["name"]!.GetValue<string>() == "user_id"), q => Assert.Equal("uuid", q!["schema"]!["format"]!.GetValue<string>()));
    }

    [Fact]
    public async Task ANullableOptionalField_IsNotRequired_ARequiredOneIs()
    {
        var schemas = (await DocumentAsync("management"))["components"]!["schemas"]!;
        var trigger = schemas["TriggerAgentRequest"]!["required"]?.AsArray().Select(n => n!.GetValue<string>()).ToList() ?? [];
        var login = schemas["ManagementLoginRequest"]!["required"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();

        Assert.DoesNotContain("session_id", trigger);
        Assert.DoesNotContain("room_name", trigger);
        Assert.Equal(["email", "password"], login.Order(StringComparer.Ordinal));
    }

    public static TheoryData<string, string, string, string> Secured() => new()
    {
        { "customer", "post", "/api/transfers", "bearer" },
        { "customer", "post", "/api/ai/chat", "bearer|portalSession" },
        { "customer", "post", "/api/transactions", "bearer|apiKey+clientId" },
        { "portal", "post", "/v1/sessions/{sessionId}/consent", "portalSession" },
        { "gateway", "post", "/v1/session/message", "bearer|apiKey+clientId|portalSession" },
        { "management", "get", "/api/v1/agents", "bearer|apiKey+clientId" },
        { "workspace", "get", "/api/users/me", "bearer" },
        { "customer", "post", "/api/auth/login", "" },
        { "portal", "post", "/v1/sessions", "" },
        { "customer", "get", "/health", "" },
    };

    [Theory]
    [MemberData(nameof(Secured))]
    public async Task AnOperation_SaysWhichCredentialsItTakes_AndItsErrorsInItsSurfacesShape(string surface, string method, string path, string schemes)
    {
        var document = await DocumentAsync(surface);
        var operation = document["paths"]![path]![method]!.AsObject();

        var required = operation["security"]!.AsArray().Select(r => string.Join('+', r!.AsObject().Select(s => s.Key).Order(StringComparer.Ordinal))).Where(r => r.Length > 0);
        Assert.Equal(schemes, string.Join('|', required));
        var responses = operation["responses"]!.AsObject();
        var expected = schemes.Length > 0 ? new[] { "401", "403", "429" } : ["429"];
        Assert.All(expected, status => Assert.EndsWith("/Error", responses[status]!["content"]!.AsObject().Single().Value!["schema"]!["$ref"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.True(responses.ContainsKey(surface == "management" ? "422" : "400"));
        var idempotent = (operation["parameters"]?.AsArray() ?? []).Any(p => p!["name"]!.GetValue<string>() == "Idempotency-Key" && p["in"]!.GetValue<string>() == "header");
        Assert.Equal(path is "/api/transfers" or "/v1/session/message", idempotent);
        Assert.NotNull(document["components"]!["schemas"]!["Error"]);
    }

    [Fact]
    public async Task TheManagementErrorShape_IsWhatTheServerSends()
    {
        var shape = (await DocumentAsync("management"))["components"]!["schemas"]!["Error"]!["required"]!.AsArray().Select(n => n!.GetValue<string>()).Order(StringComparer.Ordinal);
        using var client = factory.CreateClient();

        var body = JsonNode.Parse(await (await client.GetAsync("/api/v1/agents")).Content.ReadAsStringAsync())!.AsObject();

        Assert.Equal(shape, body.Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RedoclyLint_RecommendedRules_FindNoErrorInAnyDocument()
    {
        var folder = Directory.CreateTempSubdirectory("vb-openapi-");
        try
        {
            var files = new JsonArray();
            foreach (var surface in Surfaces())
            {
                var file = Path.Combine(folder.FullName, $"{surface}.json");
                await File.WriteAllTextAsync(file, (await DocumentAsync(surface)).ToJsonString());
                files.Add(file);
            }

            var output = await NodeTools.RunAsync("js/lint-openapi.mjs", new JsonObject { ["files"] = files }.ToJsonString(), TimeSpan.FromMinutes(1));

            Assert.DoesNotContain("error ", output, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task TheDocsPage_WorksOffline_EverythingItLoadsIsServedHere_WithNoTelemetryFontsOrAgent()
    {
        using var client = factory.CreateClient();
        var html = await client.GetStringAsync("/docs/");

        var urls = System.Text.RegularExpressions.Regex.Matches(html, "(?:src|href)=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(urls);
        Assert.All(urls, url => Assert.False(url.StartsWith("http", StringComparison.OrdinalIgnoreCase) || url.StartsWith("//", StringComparison.Ordinal), url));
        foreach (var script in urls.Where(u => u.EndsWith(".js", StringComparison.Ordinal)))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync(new Uri(new Uri(client.BaseAddress!, "/docs/"), script))).StatusCode);
        }

        Assert.DoesNotContain("fonts.scalar.com", html, StringComparison.Ordinal);
        Assert.Contains("\"telemetry\":false", html.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheAsyncApiDocument_IsValid_AndDescribesEverySocketAndEveryEventTheServerSends()
    {
        using var client = factory.CreateClient();
        var text = await client.GetStringAsync("/asyncapi/virtualbanker.json");
        var document = JsonNode.Parse(text)!.AsObject();
        var file = Path.Combine(Path.GetTempPath(), $"vb-asyncapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, text);
        try
        {
            await NodeTools.RunAsync("js/validate-asyncapi.mjs", new JsonObject { ["file"] = file }.ToJsonString(), TimeSpan.FromMinutes(1));
        }
        finally
        {
            File.Delete(file);
        }

        // Each channel is a socket the server has, and the server's sockets are all described.
        var routes = factory.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>().Select(e => Regex.Replace(e.RoutePattern.RawText!, ":[a-z]+}", "}")).ToHashSet(StringComparer.Ordinal);
        var channels = document["channels"]!.AsObject().Select(c => c.Value!["address"]!.GetValue<string>()).ToList();
        Assert.All(channels, address => Assert.Contains(address, routes));
        Assert.Equal(["/api/ai/chat/ws", "/v1/session/{sessionId}/stream", "/ws/chat/{sessionId}", "/ws", "/v1/realtime/{sessionId}"], channels);

        // Every event a conversation stream sends has a message in the customer channel.
        var titles = document["channels"]!["customerChat"]!["messages"]!.AsObject()
            .Select(m => document["components"]!["messages"]![m.Value!["$ref"]!.GetValue<string>().Split('/')[^1]]!["title"]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        var sent = typeof(Core.Conversations.EventTypes).GetFields().Select(f => (string)f.GetValue(null)!)
            .Except([Core.Conversations.EventTypes.Action, Core.Conversations.EventTypes.Confirmation]);
        Assert.All(sent, type => Assert.Contains(type, titles));
    }
}
