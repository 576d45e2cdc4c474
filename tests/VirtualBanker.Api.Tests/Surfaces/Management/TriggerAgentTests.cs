using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using VirtualBanker.Api.Tests.Surfaces.Customer;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Tenancy;

namespace VirtualBanker.Api.Tests.Surfaces.Management;

/// <summary>Contract 003's text channels: POST /trigger-agent (text mode) and WS /ws/chat/{session_id}.</summary>
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
    public async Task VoiceTrigger_And_MissingMessage_AreRefusedInTheManagementShape()
    {
        using var admin = factory.CreateClient(await factory.LoginAsync("admin@bankbot.dev", VirtualBankerFactory.AdminPassword));

        var voice = await admin.PostAsJsonAsync("/trigger-agent", new { room_name = "room-123", agent_slug = "assistant", platform = "livekit" });
        var empty = await admin.PostAsJsonAsync("/trigger-agent", new { mode = "text" });
        var voiceBody = JsonDocument.Parse(await voice.Content.ReadAsStringAsync()).RootElement;
        var emptyBody = JsonDocument.Parse(await empty.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(501, voiceBody.GetProperty("status_code").GetInt32());
        Assert.Equal("not_implemented", voiceBody.GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, empty.StatusCode);
        Assert.Equal("validation_error", emptyBody.GetProperty("type").GetString());
    }

    [Fact]
    public async Task ChatSocket_MessageFrames_StreamTheAnswer()
    {
        var token = await factory.LoginAsync("admin@bankbot.dev", VirtualBankerFactory.AdminPassword);
        var ws = factory.Server.CreateWebSocketClient();
        using var socket = await ws.ConnectAsync(new Uri($"ws://localhost/ws/chat/site-session-9?access_token={token}"), CancellationToken.None);

        await ChatTests.SendAsync(socket, new { type = "message", content = "thanks!", user_id = "user-123", timestamp = "2025-01-14T12:00:00Z" });
        var frames = await ChatTests.ReceiveUntilAsync(socket, "chat_end");

        Assert.Equal("chat_start", frames[0]["type"]!.GetValue<string>());
        Assert.Equal("You're welcome! Is there anything else I can help you with?", frames[^1]["content"]!.GetValue<string>());
    }
}
