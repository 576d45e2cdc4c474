using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VirtualBanker.Core.Actions;
using VirtualBanker.Core.Agents;
using VirtualBanker.Core.Agents.Builtin;
using VirtualBanker.Core.Banking;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Tenancy;
using VirtualBanker.Core.Tools;

namespace VirtualBanker.Core.Conversations;

/// <summary>
/// Runs agents for inbound messages, independently of any client connection: a client that
/// disconnects mid-answer finds the whole answer in the log when it comes back. A run that keeps
/// failing is parked in the requeue with its payload.
/// </summary>
public sealed partial class AgentRunner(
    IEventBus bus,
    IServiceScopeFactory scopes,
    ChatClientFactory chatClients,
    TenantDirectory tenants,
    IOptions<ConversationOptions> options,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<AgentRunner> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Train the builtin classifier once the server is up: on two cores, training during start-up
        // delayed the first /health by about half a second.
        lifetime.ApplicationStarted.Register(() => _ = chatClients.WarmUpAsync());
        using var slots = new SemaphoreSlim(options.Value.MaxConcurrentRuns);
        await foreach (var message in bus.ConsumeAsync(Topics.Inbound, stoppingToken))
        {
            await slots.WaitAsync(stoppingToken);
            _ = Task.Run(async () =>
            {
                try
                {
                    // Handled (answered, or parked in the requeue): acknowledged. Stopped mid-run: left for another node.
                    if (await RunWithRetriesAsync(message, stoppingToken))
                    {
                        await bus.AcknowledgeAsync(Topics.Inbound, message, CancellationToken.None);
                    }
                }
                catch (Exception ex)
                {
                    LogAckFailed(logger, message.SessionId, ex);
                }
                finally
                {
                    slots.Release();
                }
            }, CancellationToken.None);
        }
    }

    /// <summary>Runs the agent on one inbound message; false when stopped before it was handled.</summary>
    public async Task<bool> RunWithRetriesAsync(BusMessage message, CancellationToken cancellationToken)
    {
        var max = options.Value.MaxAttempts;
        for (var attempt = 1; attempt <= max; attempt++)
        {
            try
            {
                await RunOnceAsync(message, cancellationToken);
                return true;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return false;
            }
            catch (Exception ex)
            {
                LogRunFailed(logger, message.SessionId, attempt, max, ex);
                await using var scope = Scope(message.TenantId);
                var conversations = scope.ServiceProvider.GetRequiredService<ConversationService>();
                await conversations.AppendAsync(message.SessionId, EventTypes.Error, new JsonObject
                {
                    ["reply_to"] = long.Parse(message.Payload, CultureInfo.InvariantCulture),
                    ["message"] = "The assistant could not answer this time.",
                    ["retrying"] = attempt < max,
                }, null, CancellationToken.None);
                if (attempt == max)
                {
                    var db = scope.ServiceProvider.GetRequiredService<VirtualBankerDbContext>();
                    db.RequeueItems.Add(new RequeueItem
                    {
                        SessionId = message.SessionId,
                        Topic = Topics.Inbound,
                        Payload = JsonSerializer.Serialize(message),
                        Attempts = attempt,
                        LastError = ex.GetType().Name,
                        CreatedAt = clock.GetUtcNow().UtcDateTime,
                    });
                    await db.SaveChangesAsync(CancellationToken.None);
                }
            }
        }

        return true;
    }

    /// <summary>How far an earlier run of this inbound message got: <c>chat_end</c>, another event type, or null for not at all.</summary>
    private static async Task<string?> PreviousRunAsync(VirtualBankerDbContext db, string sessionId, long inbound, CancellationToken cancellationToken)
    {
        var replies = await db.ConversationEvents.AsNoTracking()
            .Where(e => e.SessionId == sessionId && e.Sequence > inbound && e.Type != EventTypes.Message)
            .Select(e => new { e.Type, e.Payload })
            .ToListAsync(cancellationToken);
        var mine = replies.Where(e => JsonNode.Parse(e.Payload)?["reply_to"]?.GetValue<long>() == inbound).Select(e => e.Type).ToList();
        return mine.Contains(EventTypes.ChatEnd) ? EventTypes.ChatEnd : mine.FirstOrDefault();
    }

    private async Task RunOnceAsync(BusMessage message, CancellationToken cancellationToken)
    {
        await using var scope = Scope(message.TenantId);
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<VirtualBankerDbContext>();
        var conversations = services.GetRequiredService<ConversationService>();
        var sequence = long.Parse(message.Payload, CultureInfo.InvariantCulture);

        var session = await SessionQuery.For(db)(db, message.SessionId, cancellationToken);
        var stored = message.WhenStoredAsync();
        var (inbound, memory) = await conversations.RunInputAsync(message.SessionId, sequence, cancellationToken, stored);
        // Consent is checked when the message is accepted; a run found without it is not run at all. A conversation a staff
        // member has taken over is theirs: the message waits for them (StaffQueue), and the assistant stays silent.
        if (session is null || inbound is null || session.Status == Sessions.SessionStatus.Ended || session.AwaitsConsent || session.HandledById is not null)
        {
            return;
        }

        // Taken over from a node that died: answered already, nothing to do; half answered, the partial answer is withdrawn first.
        if (message.Redelivered && await PreviousRunAsync(db, session.Id, sequence, cancellationToken) is { } previous)
        {
            if (previous == EventTypes.ChatEnd)
            {
                return;
            }

            await conversations.AppendAsync(session.Id, EventTypes.Error, new JsonObject
            {
                ["reply_to"] = sequence,
                ["message"] = "The answer was interrupted; answering again.",
                ["retrying"] = true,
            }, null, cancellationToken);
        }

        // The cached snapshots, dropped on every node when an admin changes the tenant, its agents or profiles.
        if (await tenants.FindAsync(session.TenantId, cancellationToken) is not { } tenant)
        {
            return;
        }

        var setup = await tenants.AgentSetupAsync(session.TenantId, cancellationToken);
        var agent = setup.Agent(session.AgentId);

        // A tool runs only if both the tenant and the agent allow it (an agent without a list of its own
        // takes the tenant's), and only for the session's own customer.
        var allowed = tenant.Settings.AllowedTools.Intersect(agent?.AllowedTools is { Count: > 0 } own ? own : tenant.Settings.AllowedTools).ToHashSet(StringComparer.Ordinal);
        var run = session.UserId is { } userId ? new ToolRun(services, userId, session.Id, Channel(inbound)) : null;
        var tools = run is null ? [] : ToolRegistry.Bind(allowed, run);

        var messages = new List<ChatMessage>();
        if (!string.IsNullOrWhiteSpace(agent?.SystemPrompt))
        {
            messages.Add(new ChatMessage(ChatRole.System, agent.SystemPrompt));
        }

        foreach (var (role, text) in memory)
        {
            messages.Add(new ChatMessage(role == "user" ? ChatRole.User : ChatRole.Assistant, text));
        }

        // The customer's answer to a proposed action: a confirm/cancel frame or HTTP call, or "yes"/"no" to the last offer.
        var confirmations = services.GetRequiredService<ConfirmationService>();
        var decided = run is null ? null : await DecisionAsync(confirmations, session, inbound, cancellationToken);
        if (decided is { Status: ConfirmationStatus.Approved or ConfirmationStatus.Executed })
        {
            // The approval, as the function-invocation layer expects it: it runs the approved call (through ConfirmedAction) and
            // hands its result to the model, which says what happened.
            var call = new FunctionCallContent(decided.CallId, decided.Action, JsonSerializer.Deserialize<Dictionary<string, object?>>(decided.Arguments, ToolRegistry.SerializerOptions));
            var id = decided.Id.ToString();
            messages.Add(new ChatMessage(ChatRole.Assistant, [new ToolApprovalRequestContent(id, call)]));
            messages.Add(new ChatMessage(ChatRole.User, [new ToolApprovalResponseContent(id, approved: true, call)]));
            run!.Approved = decided;
        }
        else
        {
            messages.Add(new ChatMessage(ChatRole.User, ConversationService.Content(inbound)));
        }

        var client = decided is { Status: ConfirmationStatus.Rejected } ? null : await chatClients.CreateAsync(setup.ProfileFor(agent), cancellationToken);

        // Handed over while the message was being stored: nothing answers it before it is on disk.
        if (!await stored)
        {
            return;
        }

        await conversations.AppendAsync(session.Id, EventTypes.ChatStart, new JsonObject { ["reply_to"] = sequence }, null, cancellationToken, waitForCommit: false);
        var answer = new System.Text.StringBuilder();
        async Task SayAsync(string text)
        {
            answer.Append(text);
            await conversations.AppendAsync(session.Id, EventTypes.ChatChunk, new JsonObject { ["reply_to"] = sequence, ["content"] = text }, null, cancellationToken, waitForCommit: false);
        }

        if (client is null)
        {
            await SayAsync($"Okay, I've cancelled that. Nothing was changed ({Lower(decided!.Summary)}).");
        }

        // The builtin assistant reads the run for the customer's own words (their merchants); other providers ignore it.
        var chatOptions = new ChatOptions { Tools = [.. tools], AdditionalProperties = run is null ? null : new() { [BuiltinChatClient.RunKey] = run } };
        var updates = client?.GetStreamingResponseAsync(messages, chatOptions, cancellationToken) ?? AsyncEnumerable.Empty<ChatResponseUpdate>();
        var calls = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var update in updates)
        {
            foreach (var content in update.Contents)
            {
                switch (content)
                {
                    case ToolApprovalRequestContent { ToolCall: FunctionCallContent proposed }:
                        await SayAsync(await ProposeAsync(confirmations, conversations, run!, proposed, sequence, cancellationToken));
                        break;
                    case FunctionCallContent call:
                        calls[call.CallId] = call.Name;
                        var request = new JsonObject { ["reply_to"] = sequence, ["call_id"] = call.CallId, ["name"] = call.Name, ["arguments"] = JsonSerializer.SerializeToNode(call.Arguments) };
                        await conversations.AppendAsync(session.Id, EventTypes.ToolCall, request, null, cancellationToken, waitForCommit: false);
                        await bus.PublishAsync(Topics.ToolRequests, new BusMessage(session.TenantId, session.Id, request.ToJsonString()), cancellationToken);
                        break;
                    case FunctionResultContent result:
                        var body = new JsonObject
                        {
                            ["reply_to"] = sequence,
                            ["call_id"] = result.CallId,
                            ["name"] = calls.GetValueOrDefault(result.CallId),
                            ["result"] = result.Result is JsonElement json ? JsonNode.Parse(json.GetRawText()) : null,
                            ["ok"] = result.Exception is null,
                        };
                        await conversations.AppendAsync(session.Id, EventTypes.ToolResult, body, null, cancellationToken, waitForCommit: false);
                        await bus.PublishAsync(Topics.ToolResults, new BusMessage(session.TenantId, session.Id, body.ToJsonString()), cancellationToken);
                        break;
                    case TextContent { Text.Length: > 0 } text:
                        await SayAsync(text.Text);
                        break;
                    default:
                        break;
                }
            }
        }

        if (run?.Executed is { } executed)
        {
            await confirmations.MarkExecutedAsync(executed.Id, cancellationToken);
        }

        await conversations.AppendAsync(session.Id, EventTypes.ChatEnd, new JsonObject { ["reply_to"] = sequence, ["content"] = answer.ToString() }, null, cancellationToken,
            waitForCommit: false);

        // The run is over only when all of it is stored: a client coming back later finds the whole answer.
        await conversations.FlushAsync(session.Id, cancellationToken);
    }

    /// <summary>
    /// The confirmation this inbound event decides, if any: a <c>confirmation</c> event names one the customer already
    /// decided (frame or HTTP); a message that says yes or no decides the offer made in answer to the previous message.
    /// </summary>
    private static async Task<Confirmation?> DecisionAsync(ConfirmationService confirmations, Sessions.Session session, ConversationEvent inbound,
        CancellationToken cancellationToken)
    {
        if (inbound.Type == EventTypes.Confirmation)
        {
            return Guid.TryParse(JsonNode.Parse(inbound.Payload)?["confirmation_id"]?.GetValue<string>(), out var id)
                ? await confirmations.FindAsync(session.Id, id, cancellationToken)
                : null;
        }

        if (inbound.Type != EventTypes.Message || Affirmation.Read(ConversationService.Content(inbound)) is not { } yes
            || await confirmations.OfferAsync(session.Id, inbound.Sequence, cancellationToken) is not { } offer)
        {
            return null;
        }

        try
        {
            return await confirmations.DecideOfferAsync(offer, yes, cancellationToken);
        }
        catch (Errors.AppException)
        {
            return null; // answered meanwhile on another channel: the words are an ordinary message
        }
    }

    /// <summary>
    /// An action the model wants to run: described by its tool in plain words and stored as a confirmation the customer
    /// must give (a <c>confirmation_required</c> event), or refused with the reason ("which card?"). Returns what to say.
    /// </summary>
    private static async Task<string> ProposeAsync(ConfirmationService confirmations, ConversationService conversations, ToolRun run, FunctionCallContent call,
        long sequence, CancellationToken cancellationToken)
    {
        if (!ToolRegistry.ByName.TryGetValue(call.Name, out var tool) || run.Target(tool.Method.DeclaringType!) is not IActionTool actions)
        {
            return "I'm sorry, I can't do that here.";
        }

        var proposal = await actions.ProposeAsync(call.Name, call.Arguments ?? new Dictionary<string, object?>(), cancellationToken);
        if (proposal.Summary is null)
        {
            return proposal.Problem!;
        }

        var confirmation = await confirmations.CreateAsync(run.SessionId, run.UserId, call.Name, call.CallId,
            ConfirmedAction.Serialize(proposal.Arguments), proposal.Summary, sequence, cancellationToken);
        await conversations.AppendAsync(run.SessionId, EventTypes.ConfirmationRequired, new JsonObject
        {
            ["reply_to"] = sequence,
            ["confirmation_id"] = confirmation.Id.ToString(),
            ["action"] = confirmation.Action,
            ["summary"] = confirmation.Summary,
            ["expires_at"] = DateTime.SpecifyKind(confirmation.ExpiresAt, DateTimeKind.Utc).ToString("O", CultureInfo.InvariantCulture),
        }, null, cancellationToken, waitForCommit: false);
        return $"{confirmation.Summary}. {Answers.ConfirmationQuestion}";
    }

    private static string Channel(ConversationEvent inbound) => JsonNode.Parse(inbound.Payload)?["channel"]?.GetValue<string>() ?? "chat";

    private static string Lower(string text) => text.Length == 0 ? text : char.ToLowerInvariant(text[0]) + text[1..];

    // Compiled once: every run reads its session first, and EF's per-call query work cost more than the read.
    private static readonly PerModelQuery<Func<VirtualBankerDbContext, string, CancellationToken, Task<Sessions.Session?>>> SessionQuery = new(() =>
        EF.CompileAsyncQuery((VirtualBankerDbContext db, string id, CancellationToken _) => db.Sessions.AsNoTracking().FirstOrDefault(s => s.Id == id)));

    private AsyncServiceScope Scope(string tenantId)
    {
        var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().UseTenant(tenantId);
        return scope;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Acknowledging the run of session {SessionId} failed; another node will run it again")]
    private static partial void LogAckFailed(ILogger logger, string sessionId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent run for session {SessionId} failed (attempt {Attempt} of {Max})")]
    private static partial void LogRunFailed(ILogger logger, string sessionId, int attempt, int max, Exception exception);
}
