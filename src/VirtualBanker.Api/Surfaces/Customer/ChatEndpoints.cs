using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using VirtualBanker.Api.Hosting;
using VirtualBanker.Core.Actions;
using VirtualBanker.Core.Conversations;
using VirtualBanker.Core.Errors;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Sessions;

namespace VirtualBanker.Api.Surfaces.Customer;

public sealed record ChatRequest([property: Required, MinLength(1), MaxLength(4000)] string? Message);

public sealed record ChatResponse(string Response);

public sealed record ConfirmationRequest([property: Required] bool? Approve);

public sealed record ConfirmationResponse(Guid ConfirmationId, string Status, string Response);

/// <summary>
/// Contract 001's chat: <c>WS /api/ai/chat/ws</c> and the HTTP fallback <c>POST /api/ai/chat</c>, both on the one pipeline.
/// A signed-in customer talks in their own chat session; a portal session's ephemeral token (the
/// embedded widget) talks in that portal session, under its tenant's policy and consent.
/// </summary>
internal static class ChatEndpoints
{
    public static RouteGroupBuilder MapChatEndpoints(this RouteGroupBuilder group)
    {
        group.MapPost("/chat", ChatAsync);
        group.MapGet("/chat/ws", ChatSocketAsync).LongLived().DescribedAsWebSocket();
        group.MapPost("/confirmations/{confirmationId:guid}", ConfirmAsync);
        return group;
    }

    /// <summary>Sends the message and waits for the whole answer of that run.</summary>
    public static async Task<Ok<ChatResponse>> ChatAsync(
        ChatRequest request, ICurrentPrincipal principal, ChatSessionService sessions, ConversationService conversations, CancellationToken cancellationToken)
    {
        var session = await SessionAsync(principal, sessions, cancellationToken);
        return TypedResults.Ok(new ChatResponse(await conversations.AskAsync(session, request.Message!, cancellationToken)));
    }

    /// <summary>
    /// The customer's answer to an action the assistant proposed (a <c>confirmation_required</c> event): approved, the
    /// action runs and the answer says what happened; refused, nothing changes. Another customer's confirmation is a 404,
    /// one already answered a 409, an expired one a 410.
    /// </summary>
    public static async Task<Ok<ConfirmationResponse>> ConfirmAsync(Guid confirmationId, ConfirmationRequest request, ICurrentPrincipal principal,
        ChatSessionService sessions, ConversationService conversations, ConfirmationService confirmations, IOptions<ConversationOptions> options,
        CancellationToken cancellationToken)
    {
        var session = await sessions.GetForCallerAsync(await confirmations.SessionOfAsync(confirmationId, principal, cancellationToken), principal, cancellationToken);
        var (confirmation, inbound) = await conversations.AnswerConfirmationAsync(session, confirmationId, request.Approve!.Value, principal, "http", cancellationToken);
        var answer = await conversations.WaitForAnswerAsync(session.Id, inbound.Sequence, TimeSpan.FromSeconds(options.Value.AnswerTimeoutSeconds), cancellationToken)
            ?? throw new AppException(new AppError(ErrorCodes.Unavailable, 503, "The assistant could not answer. Please try again."));
        return TypedResults.Ok(new ConfirmationResponse(confirmation.Id, confirmation.Status.ToString().ToLowerInvariant(), answer));
    }

    /// <summary>
    /// The chat WebSocket. The bearer token comes in the Authorization header or the access_token query
    /// parameter; user_id, when given, must be the caller's own. A reconnect passes last_event_id (or
    /// Last-Event-ID) and first receives what it missed.
    /// </summary>
    public static Task ChatSocketAsync(HttpContext context, ICurrentPrincipal principal) =>
        ChatSocket.RunAsync(context, principal, ChatDialect.Customer, async (services, cancellationToken) =>
        {
            if (context.Request.Query.TryGetValue("user_id", out var asked) && !string.Equals(asked, principal.UserId?.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                throw new AppException(AppError.Forbidden("user_id must be your own."));
            }

            var session = await SessionAsync(principal, services.GetRequiredService<ChatSessionService>(), cancellationToken);
            return (session, services.GetRequiredService<ConversationService>().CurrentId(session));
        });

    private static Task<Session> SessionAsync(ICurrentPrincipal principal, ChatSessionService sessions, CancellationToken cancellationToken) =>
        principal.IsSessionToken
            ? sessions.GetForCallerAsync(principal.SessionId!, principal, cancellationToken)
            : sessions.GetOrCreateCustomerSessionAsync(principal.UserId!.Value, cancellationToken);
}
