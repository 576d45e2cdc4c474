using System.Net;
using System.Text;
using System.Text.Json;

namespace VirtualBanker.Api.Tests.Hosting;

/// <summary>Each surface answers refusals in its own contract's error shape, and never with exception text.</summary>
public sealed class ErrorShapeTests(VirtualBankerFactory factory) : IClassFixture<VirtualBankerFactory>
{
    [Fact]
    public async Task Portal_UnknownRoute_IsErrorMessageShape()
    {
        var (response, body) = await SendAsync(HttpMethod.Get, "/v1/sessions/sess-1/unknown");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("Not Found", body.GetProperty("error").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("message").GetString()));
        Assert.Equal(2, body.EnumerateObject().Count());
    }

    [Fact]
    public async Task Management_UnknownRoute_IsDetailStatusCodeTypeShape()
    {
        var (response, body) = await SendAsync(HttpMethod.Get, "/api/v1/unknown");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(404, body.GetProperty("status_code").GetInt32());
        Assert.Equal("not_found", body.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task Workspace_UnknownRoute_IsNestedErrorCodeShape()
    {
        var (response, body) = await SendAsync(HttpMethod.Get, "/api/bots/x/unknown");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = body.GetProperty("error");
        Assert.Equal("NOT_FOUND", error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.True(error.TryGetProperty("details", out _));
    }

    [Theory]
    [InlineData("/v1/unknown")]
    [InlineData("/api/unknown")]
    public async Task GatewayAndCustomer_UnknownRoute_AreProblemDetails(string path)
    {
        var (response, body) = await SendAsync(HttpMethod.Get, path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(404, body.GetProperty("status").GetInt32());
        Assert.Equal("Not Found", body.GetProperty("title").GetString());
        Assert.Equal("not_found", body.GetProperty("code").GetString());
    }

    [Fact]
    public async Task WrongMethod_Is405InTheSurfaceShape()
    {
        var (response, body) = await SendAsync(HttpMethod.Delete, "/api/auth/login");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("method_not_allowed", body.GetProperty("code").GetString());
    }

    [Fact]
    public async Task MissingToken_Is401InTheSurfaceShape()
    {
        var (response, body) = await SendAsync(HttpMethod.Get, "/api/auth/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("unauthorized", body.GetProperty("code").GetString());
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{\"email\": 5, \"password\": \"BankBot2026!x\", \"name\": \"n\"}")]
    [InlineData("[1,2,3]")]
    public async Task MalformedJson_Is400WithoutExceptionText(string json)
    {
        var (response, body) = await SendAsync(HttpMethod.Post, "/api/auth/register", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("bad_request", body.GetProperty("code").GetString());
    }

    /// <summary>
    /// A database out of reach beyond EF Core's retries (the crash tests show short gaps ridden out) is a 503
    /// with Retry-After in the surface's shape, logged as a warning; any other failure stays a 500.
    /// </summary>
    [Fact]
    public async Task UnreachableDatabase_Is503WithRetryAfter_OtherFailuresStay500()
    {
        var handler = new VirtualBanker.Api.Hosting.AppExceptionHandler(Microsoft.Extensions.Logging.Abstractions.NullLogger<VirtualBanker.Api.Hosting.AppExceptionHandler>.Instance);
        async Task<(int Status, string RetryAfter, JsonElement Body)> HandleAsync(string path, Exception exception)
        {
            var context = new Microsoft.AspNetCore.Http.DefaultHttpContext { Request = { Method = "GET", Path = path }, Response = { Body = new MemoryStream() } };
            Assert.True(await handler.TryHandleAsync(context, exception, CancellationToken.None));
            context.Response.Body.Position = 0;
            return (context.Response.StatusCode, context.Response.Headers.RetryAfter.ToString(), JsonDocument.Parse(context.Response.Body).RootElement.Clone());
        }

        var refused = new Npgsql.NpgsqlException("Failed to connect", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused));
        var (status, retryAfter, body) = await HandleAsync("/api/v1/agents", new InvalidOperationException("retry limit exceeded", refused));
        Assert.Equal((503, "1", "unavailable"), (status, retryAfter, body.GetProperty("type").GetString()));
        (status, _, body) = await HandleAsync("/api/dashboard/overview", refused);
        Assert.Equal((503, "unavailable"), (status, body.GetProperty("code").GetString()));

        (status, retryAfter, _) = await HandleAsync("/api/dashboard/overview", new InvalidOperationException("a bug"));
        Assert.Equal((500, ""), (status, retryAfter));
    }

    [Fact]
    public async Task DeeplyNestedJson_Is400()
    {
        var json = "{\"email\":" + new string('[', 200) + new string(']', 200) + "}";

        var (response, _) = await SendAsync(HttpMethod.Post, "/api/auth/register", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task InvalidUtf8_Is400()
    {
        var bytes = new byte[] { (byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}' };
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        var (response, _) = await SendAsync(HttpMethod.Post, "/api/auth/register", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("{\"email\":\"new@bankbot.dev\",\"name\":\"New\"}")]
    [InlineData("{\"email\":\"new@bankbot.dev\",\"password\":null,\"name\":\"New\"}")]
    public async Task MissingOrNullField_Is400NamingTheField(string json)
    {
        var (response, body) = await SendAsync(HttpMethod.Post, "/api/auth/register", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("validation_error", body.GetProperty("code").GetString());
        Assert.True(body.GetProperty("errors").TryGetProperty("password", out _), body.ToString());
    }

    [Fact]
    public async Task InvalidEmail_Is400NamingTheField()
    {
        var (response, body) = await SendAsync(HttpMethod.Post, "/api/auth/register",
            new StringContent("{\"email\":\"not-an-email\",\"password\":\"BankBot2026!x\",\"name\":\"New\"}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(body.GetProperty("errors").TryGetProperty("email", out _), body.ToString());
    }

    [Fact]
    public async Task WrongContentType_Is415()
    {
        var (json, _) = await SendAsync(HttpMethod.Post, "/api/auth/register", new StringContent("email=a", Encoding.UTF8, "text/plain"));
        var (form, _) = await SendAsync(HttpMethod.Post, "/api/auth/login",
            new StringContent("{\"username\":\"alex@bankbot.dev\"}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, json.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, form.StatusCode);
    }

    [Fact]
    public async Task BodyOverTheLimit_Is413AndNothingIsStored()
    {
        var huge = "{\"email\":\"big@bankbot.dev\",\"password\":\"BankBot2026!x\",\"name\":\"" + new string('a', 1024 * 1024 + 10) + "\"}";

        var (response, body) = await SendAsync(HttpMethod.Post, "/api/auth/register", new StringContent(huge, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("payload_too_large", body.GetProperty("code").GetString());
        using var client = factory.CreateClient();
        var login = await client.PostAsync("/api/auth/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = "big@bankbot.dev",
            ["password"] = "BankBot2026!x",
        }));
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
    }

    [Theory]
    [InlineData("POST", "/v1/keys", """{"label":"ci","scopes":[]}""", 400, "Scopes must not be empty.")]
    [InlineData("POST", "/v1/keys", """{"scopes":["chat"]}""", 400, "Label is required.")]
    [InlineData("POST", "/api/v1/agents", """{"name":"Helper","slug":"helper","system_prompt":"x","description":"%LONG%"}""", 422, "Description is too long: the limit is 1000.")]
    [InlineData("PUT", "/api/v1/clients/demo-bank", """{"settings":{"policy":{"rate_limit_per_minute":0}}}""", 422,
        "Rate limit per minute must be a whole number from 1 to 100000.")]
    [InlineData("PUT", "/api/v1/clients/demo-bank", """{"settings":{"greeting":7}}""", 422, "Greeting must be text.")]
    public async Task InvalidInput_IsExplainedInWordsNamingTheField(string method, string path, string body, int status, string message)
    {
        using var admin = await Surfaces.Management.Admin.ClientAsync(factory);
        using var request = new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = new StringContent(body.Replace("%LONG%", new string('x', 1001), StringComparison.Ordinal), Encoding.UTF8, "application/json"),
        };

        using var response = await admin.SendAsync(request);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(message, json.RootElement.GetProperty("detail").GetString());
    }

    private async Task<(HttpResponseMessage Response, JsonElement Body)> SendAsync(HttpMethod method, string path, HttpContent? content = null)
    {
        using var client = factory.CreateClient();
        var response = await client.SendAsync(new HttpRequestMessage(method, path) { Content = content });
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        return (response, JsonDocument.Parse(text).RootElement);
    }
}
