using System.ComponentModel.DataAnnotations;

namespace VirtualBanker.Core.Conversations;

public sealed class ConversationOptions
{
    public const string Section = "Conversation";

    /// <summary>Earlier turns (a question and its answer) given back to the model as context.</summary>
    [Range(0, 50)]
    public int MemoryTurns { get; set; } = 6;

    /// <summary>Attempts of a run before it goes to the requeue.</summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Agent runs executing at once on this node.</summary>
    [Range(1, 1024)]
    public int MaxConcurrentRuns { get; set; } = 64;

    /// <summary>Events buffered for one live subscriber before it is considered too slow and dropped.</summary>
    [Range(16, 100_000)]
    public int SubscriberBuffer { get; set; } = 1024;

    /// <summary>How long a one-response channel (HTTP chat, trigger-agent) waits for the answer.</summary>
    [Range(1, 600)]
    public int AnswerTimeoutSeconds { get; set; } = 60;

    /// <summary>A chat socket with no frame from its client for this long is closed (clients ping every 25 s).</summary>
    [Range(1, 86_400)]
    public int IdleTimeoutSeconds { get; set; } = 120;

    /// <summary>How often open sockets are checked against their token: expired, or revoked by a logout, closes them.</summary>
    [Range(1, 3600)]
    public int TokenCheckSeconds { get; set; } = 10;

    /// <summary>Open chat sockets and streams one caller may hold on this node.</summary>
    [Range(1, 1000)]
    public int MaxConnectionsPerUser { get; set; } = 10;

    /// <summary>Longest message a customer may send, in characters.</summary>
    [Range(1, 100_000)]
    public int MaxMessageLength { get; set; } = 4000;
}

public static class EventTypes
{
    public const string Message = "message";
    public const string Action = "action";

    /// <summary>The customer's answer to a proposed action, given with a frame or over HTTP (inbound: it starts a run).</summary>
    public const string Confirmation = "confirmation";

    /// <summary>A run proposes an action and waits for the customer's answer (outbound).</summary>
    public const string ConfirmationRequired = "confirmation_required";
    public const string ChatStart = "chat_start";
    public const string ChatChunk = "chat_chunk";
    public const string ToolCall = "tool_call";
    public const string ToolResult = "tool_result";
    public const string ChatEnd = "chat_end";
    public const string Error = "error";

    /// <summary>The conversation changed hands: a staff member joined, handed it back to the assistant, or closed it (outbound; its <c>content</c> says so).</summary>
    public const string Handoff = "handoff";

    /// <summary>Events that end a run: a client waiting for an answer stops at these.</summary>
    public static bool EndsRun(string type) => type is ChatEnd or Error;
}

public static class Topics
{
    public const string Inbound = "conversation.inbound";
    public const string Outbound = "conversation.outbound";
    public const string ToolRequests = "tool.requests";
    public const string ToolResults = "tool.results";
}
