using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using VirtualBanker.Core.Actions;
using VirtualBanker.Core.Banking;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Tenancy;
using VirtualBanker.Core.Tools;

namespace VirtualBanker.Core.Tests.Agents;

/// <summary>No model can run an action tool without the customer's confirmation for that very call.</summary>
public sealed class ConfirmedActionTests : IDisposable
{
    private readonly TestDatabase _database = new();
    private readonly ServiceProvider _services;
    private readonly Guid _userId;
    private readonly Guid _cardId;

    public ConfirmedActionTests()
    {
        _database.AddTenants("bank");
        _services = _database.Services();
        using var db = _database.Context("bank");
        var now = _database.Clock.GetUtcNow().UtcDateTime;
        var user = new User { Email = "c@bank.test", Name = "C", CreatedAt = now, UpdatedAt = now };
        var account = new Account { UserId = user.Id, Type = AccountType.Checking, Name = "Checking", CreatedAt = now };
        var card = new Card { UserId = user.Id, AccountId = account.Id, Last4 = "1234", CreatedAt = now, UpdatedAt = now };
        db.AddRange(user, account, card);
        db.SaveChanges();
        (_userId, _cardId) = (user.Id, card.Id);
    }

    [Fact]
    public async Task AModelCallingAnAction_GetsAnApprovalRequest_AndTheCardIsUntouched()
    {
        await using var scope = Scope();
        var run = new ToolRun(scope.ServiceProvider, _userId, "session-1", "test");
        using var client = new ChatClientBuilder(new CallsFreeze(_cardId)).UseFunctionInvocation().Build();

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "freeze it")],
            new ChatOptions { Tools = [.. ToolRegistry.Bind(ToolRegistry.Names, run)] });

        var request = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<ToolApprovalRequestContent>());
        Assert.Equal(ToolNames.FreezeCard, ((FunctionCallContent)request.ToolCall).Name);
        Assert.Equal(CardStatus.Active, await StatusAsync());
    }

    [Theory]
    [InlineData(false, "call-1", "1234", CardStatus.Active)] // an approval in the history, but none given in this run
    [InlineData(true, "call-2", "1234", CardStatus.Active)] // approved for another call
    [InlineData(true, "call-1", "9999", CardStatus.Active)] // approved with other arguments
    [InlineData(true, "call-1", "1234", CardStatus.Frozen)] // the approved call itself
    public async Task AnApprovalRuns_OnlyTheCallTheCustomerApproved(bool given, string approvedCall, string approvedCard, CardStatus expected)
    {
        await using var scope = Scope();
        var run = new ToolRun(scope.ServiceProvider, _userId, "session-1", "test");
        if (given)
        {
            run.Approved = new Confirmation
            {
                SessionId = "session-1", UserId = _userId, Action = ToolNames.FreezeCard, CallId = approvedCall, Summary = "Freeze",
                Arguments = "{\"card\":\"" + approvedCard + "\"}", Status = ConfirmationStatus.Approved,
            };
        }

        var call = new FunctionCallContent("call-1", ToolNames.FreezeCard, new Dictionary<string, object?> { ["card"] = "1234" });
        using var client = new ChatClientBuilder(new CallsFreeze(_cardId)).UseFunctionInvocation().Build();

        await client.GetResponseAsync(
            [
                new ChatMessage(ChatRole.User, "freeze my card"),
                new ChatMessage(ChatRole.Assistant, [new ToolApprovalRequestContent("a-1", call)]),
                new ChatMessage(ChatRole.User, [new ToolApprovalResponseContent("a-1", approved: true, call)]),
            ],
            new ChatOptions { Tools = [.. ToolRegistry.Bind(ToolRegistry.Names, run)] });

        Assert.Equal(expected, await StatusAsync());
    }

    [Fact]
    public async Task InvokingAnActionOutsideThePipeline_Throws()
    {
        await using var scope = Scope();
        var freeze = ToolRegistry.Bind(ToolRegistry.Names, new ToolRun(scope.ServiceProvider, _userId, "session-1", "test"))
            .OfType<AIFunction>().Single(f => f.Name == ToolNames.FreezeCard);

        await Assert.ThrowsAsync<ActionNotConfirmedException>(async () => await freeze.InvokeAsync(new AIFunctionArguments { ["card"] = "1234" }));
        Assert.Equal(CardStatus.Active, await StatusAsync());
    }

    private AsyncServiceScope Scope()
    {
        var scope = _services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().UseTenant("bank");
        return scope;
    }

    private async Task<CardStatus> StatusAsync()
    {
        await using var db = _database.Context("bank");
        return (await db.Cards.SingleAsync(c => c.Id == _cardId)).Status;
    }

    public void Dispose()
    {
        _services.Dispose();
        _database.Dispose();
    }

    /// <summary>A model that asks to freeze the card at once, as a misled LLM would.</summary>
    private sealed class CallsFreeze(Guid cardId) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant,
                [new FunctionCallContent($"call-{Guid.NewGuid():N}", ToolNames.FreezeCard, new Dictionary<string, object?> { ["card"] = cardId.ToString() })])));

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
            [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            foreach (var update in (await GetResponseAsync(messages, options, cancellationToken)).ToChatResponseUpdates())
            {
                yield return update;
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
