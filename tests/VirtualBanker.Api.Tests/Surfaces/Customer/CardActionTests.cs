using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VirtualBanker.Core.Actions;
using VirtualBanker.Core.Data;

namespace VirtualBanker.Api.Tests.Surfaces.Customer;

/// <summary>The card actions: on the customer API, at ingest, and through the assistant only after the customer confirms.</summary>
public sealed class CardActionTests(VirtualBankerFactory factory) : IClassFixture<VirtualBankerFactory>
{
    [Fact]
    public async Task Cards_FreezeAndUnfreeze_OwnCardsOnly()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        var other = await CustomerFixture.CreateAsync(factory);
        using var client = factory.CreateClient(fixture.AccessToken);

        var cards = (await JsonAsync(await client.GetAsync("/api/cards"))).GetProperty("cards");
        var frozen = await client.PostAsync($"/api/cards/{fixture.DebitCardId}/freeze", null);
        var frozenAgain = await client.PostAsync($"/api/cards/{fixture.DebitCardId}/freeze", null);
        var othersCard = await client.PostAsync($"/api/cards/{other.DebitCardId}/freeze", null);
        var unknown = await client.PostAsync($"/api/cards/{Guid.NewGuid()}/freeze", null);
        var notAnId = await client.PostAsync("/api/cards/not-a-card/freeze", null);
        var anonymous = await factory.CreateClient().GetAsync("/api/cards");

        Assert.Equal(2, cards.GetArrayLength());
        Assert.Equal(["1111", "2222"], cards.EnumerateArray().Select(c => c.GetProperty("last4").GetString()).Order());
        Assert.Equal("frozen", (await JsonAsync(frozen)).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, frozenAgain.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, othersCard.StatusCode);
        Assert.Equal("not_found", (await JsonAsync(othersCard)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, notAnId.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(CardStatus.Active, await StatusAsync(other.DebitCardId));

        var unfrozen = await client.PostAsync($"/api/cards/{fixture.DebitCardId}/unfreeze", null);
        Assert.Equal("active", (await JsonAsync(unfrozen)).GetProperty("status").GetString());
        Assert.Equal(3, await AuditCountAsync(fixture.UserId, "ok"));
    }

    [Fact]
    public async Task ReportLost_BlocksAndReplaces_OncePerIdempotencyKey()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var client = factory.CreateClient(fixture.AccessToken);
        HttpRequestMessage Report(string key, bool stolen) => new(HttpMethod.Post, $"/api/cards/{fixture.CreditCardId}/report-lost")
        {
            Content = JsonContent.Create(new { stolen }),
            Headers = { { "Idempotency-Key", key } },
        };

        var first = await client.SendAsync(Report("lost-1", stolen: true));
        var replay = await client.SendAsync(Report("lost-1", stolen: true));
        var reused = await client.SendAsync(Report("lost-1", stolen: false));
        var again = await client.SendAsync(Report("lost-2", stolen: true));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var body = await JsonAsync(first);
        Assert.Equal("stolen", body.GetProperty("card").GetProperty("status").GetString());
        Assert.Equal("active", body.GetProperty("replacement").GetProperty("status").GetString());
        Assert.Equal(body.GetRawText(), (await JsonAsync(replay)).GetRawText());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("card_not_active", (await JsonAsync(again)).GetProperty("code").GetString());
        var cards = (await JsonAsync(await client.GetAsync("/api/cards"))).GetProperty("cards").EnumerateArray().ToList();
        Assert.Equal(3, cards.Count); // one replacement, not two
    }

    [Fact]
    public async Task Ingest_WithAFrozenCard_IsDeclinedAndStoresNothing()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var customer = factory.CreateClient(fixture.AccessToken);
        using var admin = factory.CreateClient(await factory.LoginAsync("admin@bankbot.dev", VirtualBankerFactory.AdminPassword));
        object Payment(string id) => new { external_id = id, user_id = fixture.UserId, card_id = fixture.DebitCardId, merchant = "Luxe Watches", amount = -499.99m };

        var accepted = await admin.PostAsJsonAsync("/api/transactions", Payment($"auth-{Guid.NewGuid():N}"));
        (await customer.PostAsync($"/api/cards/{fixture.DebitCardId}/freeze", null)).EnsureSuccessStatusCode();
        var declinedId = $"auth-{Guid.NewGuid():N}";
        var declined = await admin.PostAsJsonAsync("/api/transactions", Payment(declinedId));
        var othersCard = await admin.PostAsJsonAsync("/api/transactions",
            new { external_id = $"auth-{Guid.NewGuid():N}", user_id = fixture.UserId, card_id = Guid.NewGuid(), merchant = "Shop", amount = -1m });

        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, declined.StatusCode);
        Assert.Equal("card_not_active", (await JsonAsync(declined)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, othersCard.StatusCode);
        await using var scope = Scope(out var db);
        Assert.False(await db.Transactions.AnyAsync(t => t.ExternalId == declinedId));
    }

    [Fact]
    public async Task Assistant_FreezesACard_OnlyAfterTheConfirmFrame()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var socket = await ChatTests.Connect(factory, fixture.AccessToken);

        await ChatTests.SendAsync(socket, new { type = "chat", message = "Please freeze my credit card" });
        var proposal = await ChatTests.ReceiveUntilAsync(socket, "chat_end");
        var required = proposal.Single(f => f["type"]!.GetValue<string>() == "confirmation_required");
        Assert.Equal("freeze_card", required["action"]!.GetValue<string>());
        Assert.StartsWith("Freeze your credit card ending 2222", required["summary"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.EndsWith("Z", required["expires_at"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("Shall I go ahead?", proposal[^1]["content"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(proposal, f => f["type"]!.GetValue<string>() == "tool_result");
        Assert.Equal(CardStatus.Active, await StatusAsync(fixture.CreditCardId));

        await ChatTests.SendAsync(socket, new { type = "confirm", confirmation_id = required["confirmation_id"]!.GetValue<string>() });
        var done = await ChatTests.ReceiveUntilAsync(socket, "chat_end");

        Assert.Equal("Done: your credit card ending 2222 is now frozen. New payments with it will be declined until you unfreeze it.", done[^1]["content"]!.GetValue<string>());
        Assert.Equal("freeze_card", done.Single(f => f["type"]!.GetValue<string>() == "tool_result")["name"]!.GetValue<string>());
        Assert.Equal(CardStatus.Frozen, await StatusAsync(fixture.CreditCardId));
        Assert.Equal(CardStatus.Active, await StatusAsync(fixture.DebitCardId));
        await using (var scope = Scope(out var db))
        {
            // The confirmation's id is the action's idempotency key: a run redelivered after a crash replays, never acts twice.
            Assert.Equal(required["confirmation_id"]!.GetValue<string>(), (await db.ActionAudits.SingleAsync(a => a.UserId == fixture.UserId)).IdempotencyKey);
        }

        // The same confirmation cannot be used twice.
        await ChatTests.SendAsync(socket, new { type = "confirm", confirmation_id = required["confirmation_id"]!.GetValue<string>() });
        var error = await ChatTests.ReceiveAsync(socket);
        Assert.Equal("confirmation_not_pending", error["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Assistant_YesAndNoInWords_AnswerTheLastOffer()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var client = factory.CreateClient(fixture.AccessToken);

        var offer = await CustomerFixture.AskAsync(client, "I lost my debit card");
        var declined = await CustomerFixture.AskAsync(client, "no");
        Assert.StartsWith("Report your debit card ending 1111 lost", offer, StringComparison.Ordinal);
        Assert.StartsWith("Okay, I've cancelled that.", declined, StringComparison.Ordinal);
        Assert.Equal(CardStatus.Active, await StatusAsync(fixture.DebitCardId));

        // A yes with no offer before it is an ordinary message, and changes nothing.
        await CustomerFixture.AskAsync(client, "yes");
        Assert.Equal(CardStatus.Active, await StatusAsync(fixture.DebitCardId));

        await CustomerFixture.AskAsync(client, "my debit card was stolen");
        var done = await CustomerFixture.AskAsync(client, "Yes please");
        Assert.StartsWith("Done: your debit card ending 1111 is blocked and reported stolen.", done, StringComparison.Ordinal);
        Assert.Equal(CardStatus.Stolen, await StatusAsync(fixture.DebitCardId));
    }

    [Fact]
    public async Task ConfirmationsOverHttp_OwnOnly_Once()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        var other = await CustomerFixture.CreateAsync(factory);
        using var client = factory.CreateClient(fixture.AccessToken);
        using var otherClient = factory.CreateClient(other.AccessToken);
        await CustomerFixture.AskAsync(client, "freeze my card 1111");
        await using var scope = Scope(out var db);
        var id = (await db.Confirmations.SingleAsync(c => c.UserId == fixture.UserId)).Id;

        var stolen = await otherClient.PostAsJsonAsync($"/api/ai/confirmations/{id}", new { approve = true });
        var malformed = await client.PostAsJsonAsync($"/api/ai/confirmations/{id}", new { approve = "maybe" });
        var approved = await client.PostAsJsonAsync($"/api/ai/confirmations/{id}", new { approve = true });
        var twice = await client.PostAsJsonAsync($"/api/ai/confirmations/{id}", new { approve = true });

        Assert.Equal(HttpStatusCode.NotFound, stolen.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var body = await JsonAsync(approved);
        Assert.Equal("approved", body.GetProperty("status").GetString());
        Assert.StartsWith("Done: your debit card ending 1111 is now frozen.", body.GetProperty("response").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.Equal(CardStatus.Frozen, await StatusAsync(fixture.DebitCardId));
        Assert.Equal(ConfirmationStatus.Executed, (await db.Confirmations.AsNoTracking().SingleAsync(c => c.Id == id)).Status);
    }

    [Fact]
    public async Task Gateway_ConfirmAction_RunsTheProposedAction()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var client = factory.CreateClient(fixture.AccessToken);
        var sent = await client.PostAsJsonAsync("/v1/session/message", new { message = "Freeze my debit card" });
        var sessionId = (await JsonAsync(sent)).GetProperty("session_id").GetString();
        var confirmation = await EventuallyAsync(async db => await db.Confirmations.AsNoTracking().FirstOrDefaultAsync(c => c.SessionId == sessionId));
        Assert.Equal(CardStatus.Active, await StatusAsync(fixture.DebitCardId));

        object Answer(string action) => new { session_id = sessionId, action, metadata = new { confirmation_id = confirmation.Id } };
        var confirmed = await client.PostAsJsonAsync("/v1/session/action", Answer("confirm"));
        var again = await client.PostAsJsonAsync("/v1/session/action", Answer("cancel"));

        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(CardStatus.Frozen, await EventuallyAsync(async db =>
            await db.Cards.AsNoTracking().Where(c => c.Id == fixture.DebitCardId && c.Status == CardStatus.Frozen).Select(c => (CardStatus?)c.Status).FirstOrDefaultAsync()));
    }

    /// <summary>Polls the database until <paramref name="read"/> finds something (the agent runs after the HTTP answer), for up to 10 s.</summary>
    private async Task<T> EventuallyAsync<T>(Func<VirtualBankerDbContext, Task<T?>> read)
    {
        for (var i = 0; i < 100; i++)
        {
            await using (var scope = Scope(out var db))
            {
                if (await read(db) is { } found)
                {
                    return found;
                }
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("Nothing found within 10 s.");
    }

    private async Task<CardStatus> StatusAsync(Guid cardId)
    {
        await using var scope = Scope(out var db);
        return (await db.Cards.AsNoTracking().SingleAsync(c => c.Id == cardId)).Status;
    }

    private async Task<int> AuditCountAsync(Guid userId, string result)
    {
        await using var scope = Scope(out var db);
        return await db.ActionAudits.CountAsync(a => a.UserId == userId && a.Result == result);
    }

    private AsyncServiceScope Scope(out VirtualBankerDbContext db) => CustomerFixture.Database(factory, out db);

    private static Task<JsonElement> JsonAsync(HttpResponseMessage response) => CustomerFixture.JsonAsync(response);
}
