using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace VirtualBanker.Api.Hosting;

/// <summary>A WebSocket with serialised sends (events and replies come from two loops) and bounded receives.</summary>
internal sealed class SocketChannel(WebSocket socket) : Core.Realtime.ISignalingPeer
{
    private readonly SemaphoreSlim _send = new(1, 1);

    public WebSocket Socket => socket;

    public async Task SendAsync(JsonObject frame, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(frame.ToJsonString());
        await _send.WaitAsync(cancellationToken);
        try
        {
            await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _send.Release();
        }
    }

    /// <summary>The next text message; null when the client closed; TooLarge when it is longer than <paramref name="maxBytes"/>.</summary>
    public async Task<(string Text, bool TooLarge)?> ReceiveAsync(int maxBytes, CancellationToken cancellationToken)
    {
        // A zero-byte read waits for the next frame without a buffer, so an idle socket holds none: 10,000
        // idle sockets would otherwise pin 160 MiB of receive buffers. One is rented only while a frame arrives.
        var ready = await socket.ReceiveAsync(Memory<byte>.Empty, cancellationToken);
        if (ready.MessageType == WebSocketMessageType.Close)
        {
            await CloseAsync(WebSocketCloseStatus.NormalClosure, "Bye.");
            return null;
        }

        if (ready.EndOfMessage)
        {
            return (string.Empty, false);
        }

        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(maxBytes);
        try
        {
            var count = 0;
            while (true)
            {
                if (count == maxBytes)
                {
                    return (string.Empty, true);
                }

                var result = await socket.ReceiveAsync(buffer.AsMemory(count, maxBytes - count), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await CloseAsync(WebSocketCloseStatus.NormalClosure, "Bye.");
                    return null;
                }

                count += result.Count;
                if (result.EndOfMessage)
                {
                    return (Encoding.UTF8.GetString(buffer, 0, count), false);
                }
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public async Task CloseAsync(WebSocketCloseStatus status, string reason)
    {
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            await _send.WaitAsync();
            try
            {
                await socket.CloseOutputAsync(status, reason, CancellationToken.None);
            }
            catch (WebSocketException)
            {
            }
            finally
            {
                _send.Release();
            }
        }
    }
}
