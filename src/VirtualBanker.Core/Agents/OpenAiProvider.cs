using System.ClientModel;
using Microsoft.Extensions.AI;
using OpenAI;

namespace VirtualBanker.Core.Agents;

/// <summary>Any OpenAI-compatible chat-completions endpoint: OpenAI, Groq, Ollama's /v1, vLLM.</summary>
public static class OpenAiProvider
{
    public const string Name = "openai";

    public static IChatClient Create(string baseUrl, string? apiKey, string model, HttpClient http) =>
        new OpenAIClient(new ApiKeyCredential(string.IsNullOrEmpty(apiKey) ? "no-key" : apiKey), new OpenAIClientOptions
        {
            Endpoint = new Uri(baseUrl),
            Transport = new System.ClientModel.Primitives.HttpClientPipelineTransport(http),

            // Our own fallback handles failures; the SDK's retries would only delay it.
            RetryPolicy = new System.ClientModel.Primitives.ClientRetryPolicy(0),
        }).GetChatClient(model).AsIChatClient();
}
