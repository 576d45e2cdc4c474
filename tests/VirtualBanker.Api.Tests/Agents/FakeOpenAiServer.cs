using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace VirtualBanker.Api.Tests.Agents;

/// <summary>
/// A local OpenAI-compatible chat-completions server on 127.0.0.1 (the LLM is the one fake allowed).
/// Streaming: for a question it asks for the get_balances tool; given the tool's result it answers with
/// the total it read from that result. Non-streaming (a writing task): a fixed completion.
/// <see cref="Fail"/> makes it answer 500; <see cref="Hold"/> makes it wait.
/// </summary>
public sealed class FakeOpenAiServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeOpenAiServer(WebApplication app) => _app = app;

    public ConcurrentQueue<(string? Authorization, JsonObject Body)> Requests { get; } = new();

    public bool Fail { get; set; }

    /// <summary>While set and not completed, every request waits for it: an upstream that has not answered yet.</summary>
    public TaskCompletionSource? Hold { get; set; }

    public string BaseUrl => _app.Urls.First() + "/v1";

    /// <summary>When set, what the model does once it has read a tool result: call another tool (name, JSON arguments), or answer (null).</summary>
    public Func<JsonArray, (string Name, string Arguments)?>? AfterToolResult { get; set; }

    /// <summary>The JSON inside a tool message: the server sends each result between <c>&lt;&lt;tool_result&gt;&gt;</c> delimiters.</summary>
    public static JsonNode ToolResult(JsonNode toolMessage)
    {
        var content = toolMessage["content"]!.GetValue<string>();
        const string open = "<<tool_result>>", close = "<</tool_result>>";
        Assert.StartsWith(open, content, StringComparison.Ordinal);
        Assert.EndsWith(close, content, StringComparison.Ordinal);
        return JsonNode.Parse(content[open.Length..^close.Length])!;
    }

    public static async Task<FakeOpenAiServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeOpenAiServer(app);
        app.MapPost("/v1/chat/completions", server.CompleteAsync);
        await app.StartAsync();
        return server;
    }

    private async Task CompleteAsync(HttpContext context)
    {
        var body = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
        Requests.Enqueue((context.Request.Headers.Authorization.ToString(), body));
        if (Hold is { } hold)
        {
            await hold.Task.WaitAsync(context.RequestAborted);
        }
        if (Fail)
        {
            context.Response.StatusCode = 500;
            await context.Response.WriteAsync("{\"error\":{\"message\":\"upstream exploded\"}}");
            return;
        }

        if (body["stream"]?.GetValue<bool>() != true)
        {
            // A non-streaming request (the daily briefing): one JSON completion.
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(new JsonObject
            {
                ["id"] = "chatcmpl-fake",
                ["object"] = "chat.completion",
                ["created"] = 1_700_000_000,
                ["model"] = "fake-gpt",
                ["choices"] = new JsonArray(new JsonObject
                {
                    ["index"] = 0,
                    ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = "DAILY BRIEFING: written by the model." },
                    ["finish_reason"] = "stop",
                }),
                ["usage"] = new JsonObject { ["prompt_tokens"] = 10, ["completion_tokens"] = 7, ["total_tokens"] = 17 },
            }.ToJsonString());
            return;
        }

        context.Response.ContentType = "text/event-stream";
        var messages = body["messages"]!.AsArray();
        var last = messages[^1]!.AsObject();
        // First the model asks for the balances; after a tool result it answers, unless a test scripted another call.
        var next = last["role"]!.GetValue<string>() == "tool" ? AfterToolResult?.Invoke(messages) : ("get_balances", "{}");
        if (next is null)
        {
            var total = ToolResult(last)["total_balance"]?.ToString() ?? "an unknown number of";
            foreach (var piece in new[] { "According to your accounts, ", "your total balance is ", $"{total} dollars." })
            {
                await ChunkAsync(context, new JsonObject { ["content"] = piece }, null);
            }

            await ChunkAsync(context, new JsonObject(), "stop");
        }
        else
        {
            var (name, arguments) = next.Value;
            var call = new JsonObject
            {
                ["index"] = 0,
                ["id"] = $"call_fake_{messages.Count}",
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = name, ["arguments"] = arguments },
            };
            await ChunkAsync(context, new JsonObject { ["role"] = "assistant", ["tool_calls"] = new JsonArray(call) }, null);
            await ChunkAsync(context, new JsonObject(), "tool_calls");
        }

        await context.Response.WriteAsync("data: [DONE]\n\n");
    }

    private static async Task ChunkAsync(HttpContext context, JsonObject delta, string? finish)
    {
        var chunk = new JsonObject
        {
            ["id"] = "chatcmpl-fake",
            ["object"] = "chat.completion.chunk",
            ["created"] = 1_700_000_000,
            ["model"] = "fake-gpt",
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finish }),
        };
        await context.Response.WriteAsync($"data: {chunk.ToJsonString()}\n\n");
        await context.Response.Body.FlushAsync();
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
