using System.Net;
using System.Net.WebSockets;

namespace VirtualBanker.Api.Tests.Hosting;

/// <summary>
/// The built server as an operator starts it, from another folder (<see cref="ServerNode"/> starts every node from the temp folder):
/// it finds its settings and pages in its own folder, and even with every logger at Trace no token from a URL reaches the log.
/// </summary>
public sealed class ServerFolderTests
{
    [Fact]
    public async Task StartedFromAnotherFolder_ServesItsPages_AndLogsNoTokenFromAWebSocketQuery_EvenAtTrace()
    {
        await using var node = await ServerNode.StartProcessAsync(new Dictionary<string, string>
        {
            ["Logging__LogLevel__Default"] = "Trace",
            ["Logging__LogLevel__VirtualBanker.Requests"] = "Information",
            // A provider's own rule is the one an operator would reach for to see ASP.NET Core's request lines; they stay off.
            ["Logging__Console__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics"] = "Trace",
        });

        using var anonymous = node.Client();
        var page = await anonymous.GetAsync("/app/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<script", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var token = await node.CustomerTokenAsync();
        using (var socket = new ClientWebSocket())
        {
            await socket.ConnectAsync(new Uri($"ws://{node.Address.Authority}/api/ai/chat/ws?access_token={token}"), CancellationToken.None);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        }

        // A token sent in the query of a plain request too (a client's mistake): the request log names the parameter, not its value.
        await anonymous.GetAsync($"/health?access_token={token}&verbose=1");

        // The request log has both requests (the console logger writes from its own queue).
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!node.Output.Any(l => l.Contains("GET /health?access_token=***&verbose=*** 200", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        var log = string.Join('\n', node.Output);
        Assert.Contains("GET /api/ai/chat/ws 101", log, StringComparison.Ordinal);
        Assert.Contains("GET /health?access_token=***&verbose=*** 200", log, StringComparison.Ordinal);
        Assert.DoesNotContain(token, log, StringComparison.Ordinal);
        Assert.DoesNotContain(token.Split('.')[2], log, StringComparison.Ordinal);
        Assert.DoesNotContain("Request starting", log, StringComparison.Ordinal);
    }
}
