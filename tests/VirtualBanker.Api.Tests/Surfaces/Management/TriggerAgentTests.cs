using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using VirtualBanker.Api.Tests.Surfaces.Customer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Tenancy;

namespace VirtualBanker.Api.Tests.Surfaces.Management;

/// <summary>Contract 003's agent triggers: POST /trigger-agent (text and LiveKit voice) and WS /ws/chat/{session_id}.</summary>
public sealed class TriggerAgentTests(VirtualBankerFactory factory) : IClassFixture<VirtualBankerFactory>
{
    [Fact]
    public async Task TextTrigger_AsAdmin_RepliesWithTheConversationIds()
    {
        using var admin = factory.CreateClient(await factory.LoginAsync("admin@bankbot.dev", VirtualBankerFactory.AdminPassword));

        var response = await admin.PostAsJsonAsync("/trigger-agent", new
        {
            message = "Hello, how are you?", agent_slug = "assistant", session_id = "session-123", user_id = "user-123", conversation_id = "conv-123", mode = "text",
        });
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(body.GetProperty("success").GetBoolean());
        Assert.Equal("session-123", body.GetProperty("session_id").GetString());
        Assert.Equal("conv-123", body.GetProperty("conversation_id").GetString());
        Assert.StartsWith("Hello!", body.GetProperty("response").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TextTrigger_SiteKey_MustMatchItsClient_CustomersAreForbidden()
    {
        string key;
        using (var scope = factory.Services.CreateScope())
        {
            scope.ServiceProvider.GetRequiredService<TenantContext>().UseTenant("demo-bank");
            key = (await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync("site", ["chat"], null, null, CancellationToken.None)).Secret;
        }

        async Task<HttpStatusCode> TriggerAsync(string clientId)
        {
            using var client = factory.CreateClient();
            var request = new HttpRequestMessage(HttpMethod.Post, "/trigger-agent") { Content = JsonContent.Create(new { message = "hi", mode = "text" }) };
            request.Headers.Add("X-API-Key", key);
            request.Headers.Add("X-Client-ID", clientId);
            return (await client.SendAsync(request)).StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await TriggerAsync("demo-bank"));
        Assert.Equal(HttpStatusCode.Unauthorized, await TriggerAsync("another-bank"));
        using var customer = factory.CreateClient(await factory.LoginAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await customer.PostAsJsonAsync("/trigger-agent", new { message = "hi" })).StatusCode);
    }

    [Fact]
    public async Task MissingMessage_IsRefusedInTheManagementShape()
    {
        using var admin = factory.CreateClient(await factory.LoginAsync("admin@bankbot.dev", VirtualBankerFactory.AdminPassword));

        var empty = await admin.PostAsJsonAsync("/trigger-agent", new { mode = "text" });
        var emptyBody = JsonDocument.Parse(await empty.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.UnprocessableEntity, empty.StatusCode);
        Assert.Equal("validation_error", emptyBody.GetProperty("type").GetString());
    }

    [Fact]
    public async Task AnUnknownAgentOnAnExistingSession_Is404_AndAnUnknownMode422()
    {
        using var admin = factory.CreateClient(await factory.LoginAsync("admin@bankbot.dev", VirtualBankerFactory.AdminPassword));
        var sessionId = $"existing-{Guid.NewGuid():N}";
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync("/trigger-agent", new { message = "hello", session_id = sessionId })).StatusCode);

        var unknownAgent = await admin.PostAsJsonAsync("/trigger-agent", new { message = "hello", session_id = sessionId, agent_slug = "no-such-agent" });
        var unknownMode = await admin.PostAsJsonAsync("/trigger-agent", new { message = "hello", session_id = sessionId, mode = "telepathy" });

        Assert.Equal(HttpStatusCode.NotFound, unknownAgent.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknownMode.StatusCode);
        Assert.Equal("validation_error", JsonNode.Parse(await unknownMode.Content.ReadAsStringAsync())!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task VoiceTrigger_IssuesALiveKitRoomToken_AndRecordsTheDispatch()
    {
        const string secret = "livekit-api-secret-0123456789abcdef";
        using var platform = await Admin.ClientAsync(factory);
        using var admin = await Admin.CreateTenantAsync(factory, platform, "voice-bank");
        var trigger = new { room_name = "room-123", agent_slug = "assistant", user_id = "user-123", conversation_id = "conv-123", platform = "livekit" };

        // Without the client's LiveKit keys nothing is issued, and nothing is stored.
        var unconfigured = await admin.PostAsJsonAsync("/trigger-agent", trigger);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unconfigured.StatusCode);
        Assert.Equal("validation_error", JsonDocument.Parse(await unconfigured.Content.ReadAsStringAsync()).RootElement.GetProperty("type").GetString());
        Assert.Equal(0, await CountAsync("voice-bank", db => db.Sessions.Count()));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await admin.PostAsJsonAsync("/trigger-agent", new { room_name = "room-123", platform = "twilio" })).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await admin.PostAsJsonAsync("/trigger-agent", new { room_name = "../../etc", platform = "livekit" })).StatusCode);

        await Admin.ConfigureAsync(platform, "voice-bank", new JsonObject
        {
            ["livekit"] = new JsonObject { ["server_url"] = "wss://livekit.bank.test", ["api_key"] = "APIvoicebank", ["api_secret"] = secret },
        });
        var response = await admin.PostAsJsonAsync("/trigger-agent", trigger);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("voice", body.GetProperty("mode").GetString());
        Assert.Equal("wss://livekit.bank.test", body.GetProperty("server_url").GetString());

        // A LiveKit server holding the same key pair admits this token to this room only.
        var validated = await new JsonWebTokenHandler().ValidateTokenAsync(body.GetProperty("token").GetString(), new TokenValidationParameters
        {
            ValidIssuer = "APIvoicebank",
            ValidateAudience = false,
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        });
        Assert.True(validated.IsValid, validated.Exception?.Message);
        var video = JsonDocument.Parse(((JsonWebToken)validated.SecurityToken).GetPayloadValue<JsonElement>("video").GetRawText()).RootElement;
        Assert.Equal("room-123", video.GetProperty("room").GetString());
        Assert.True(video.GetProperty("roomJoin").GetBoolean());
        Assert.Equal(body.GetProperty("identity").GetString(), ((JsonWebToken)validated.SecurityToken).Subject);

        var dispatchId = body.GetProperty("dispatch_id").GetString()!;
        Assert.Equal(1, await CountAsync("voice-bank", db => db.ConversationEvents.Count(e => e.Type == "voice_dispatch" && e.Payload.Contains(dispatchId))));
    }

    private Task<int> CountAsync(string tenant, Func<VirtualBankerDbContext, int> count)
    {
        using var scope = factory.Services.CreateScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().UseTenant(tenant);
        var db = scope.ServiceProvider.GetRequiredService<VirtualBankerDbContext>();
        return Task.FromResult(count(db));
    }

    [Fact]
    public async Task ChatSocket_AnswersInTheContractsMessageForm()
    {
        var token = await factory.LoginAsync("admin@bankbot.dev", VirtualBankerFactory.AdminPassword);
        var ws = factory.Server.CreateWebSocketClient();
        using var socket = await ws.ConnectAsync(new Uri($"ws://localhost/ws/chat/site-session-8?access_token={token}"), CancellationToken.None);

        await ChatTests.SendAsync(socket, new { type = "message", content = "thanks!", user_id = "user-123", timestamp = "2025-01-14T12:00:00Z" });
        var frames = await ChatTests.ReceiveUntilAsync(socket, "message");

        var answer = Assert.Single(frames);
        Assert.Equal("You're welcome! Is there anything else I can help you with?", answer["content"]!.GetValue<string>());
        Assert.Equal("assistant", answer["user_id"]!.GetValue<string>());
        Assert.EndsWith("Z", answer["timestamp"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(DateTime.Parse(answer["timestamp"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) > DateTime.UtcNow.AddMinutes(-1));
    }

    [Fact]
    public async Task ChatSocket_OnRequest_StreamsTheAnswer()
    {
        var token = await factory.LoginAsync("admin@bankbot.dev", VirtualBankerFactory.AdminPassword);
        var ws = factory.Server.CreateWebSocketClient();
        using var socket = await ws.ConnectAsync(new Uri($"ws://localhost/ws/chat/site-session-9?frames=stream&access_token={token}"), CancellationToken.None);

        await ChatTests.SendAsync(socket, new { type = "message", content = "thanks!", user_id = "user-123", timestamp = "2025-01-14T12:00:00Z" });
        var frames = await ChatTests.ReceiveUntilAsync(socket, "chat_end");

        Assert.Equal("chat_start", frames[0]["type"]!.GetValue<string>());
        Assert.Equal("You're welcome! Is there anything else I can help you with?", frames[^1]["content"]!.GetValue<string>());
    }
}
