using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VirtualBanker.Core.Actions;
using VirtualBanker.Core.Banking;
using VirtualBanker.Core.Data;

namespace VirtualBanker.Api.Tests.Surfaces.Customer;

/// <summary>Fraud alerts resolved by the customer, disputes of payments, and the customer's tickets.</summary>
public sealed class DisputeTests(VirtualBankerFactory factory) : IClassFixture<VirtualBankerFactory>
{
    private const string Reference = "^[A-Z]{2}-[0-9A-HJKMNP-TV-Z]{6}[0-9A-HJKMNP-TV-Z]$";

    [Fact]
    public async Task FraudAlert_NotMe_ConfirmsIt_FreezesTheCard_AndOpensADispute_InOneStep()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        var other = await CustomerFixture.CreateAsync(factory);
        using var client = factory.CreateClient(fixture.AccessToken);
        var alert = await AlertAsync(fixture.UserId, "Chipotle");
        var genuine = await AlertAsync(fixture.UserId, "Netflix");
        var othersAlert = await AlertAsync(other.UserId, "Chipotle");

        var listed = (await JsonAsync(await client.GetAsync("/api/ai/fraud/analysis"))).GetRawText();
        var resolved = await client.PostAsJsonAsync($"/api/ai/fraud/alerts/{alert}/resolve", new { genuine = false });
        var again = await client.PostAsJsonAsync($"/api/ai/fraud/alerts/{alert}/resolve", new { genuine = false });
        var others = await client.PostAsJsonAsync($"/api/ai/fraud/alerts/{othersAlert}/resolve", new { genuine = false });
        var malformed = await client.PostAsJsonAsync($"/api/ai/fraud/alerts/{genuine}/resolve", new { genuine = "perhaps" });
        var mine = await client.PostAsJsonAsync($"/api/ai/fraud/alerts/{genuine}/resolve", new { genuine = true });

        Assert.Contains(alert.ToString(), listed, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        var body = await JsonAsync(resolved);
        Assert.Equal("confirmed", body.GetProperty("status").GetString());
        Assert.Equal("1111", Assert.Single(body.GetProperty("frozen_cards").EnumerateArray()).GetProperty("last4").GetString());
        Assert.Matches(Reference, body.GetProperty("dispute").GetProperty("reference").GetString());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, others.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("dismissed", (await JsonAsync(mine)).GetProperty("status").GetString());
        Assert.Empty((await JsonAsync(mine)).GetProperty("frozen_cards").EnumerateArray());

        await using var scope = Scope(out var db);
        Assert.Equal(CardStatus.Frozen, (await db.Cards.SingleAsync(c => c.Id == fixture.DebitCardId)).Status);
        Assert.Equal(CardStatus.Active, (await db.Cards.SingleAsync(c => c.Id == fixture.CreditCardId)).Status);
        Assert.Equal("pending", (await db.FraudAlerts.SingleAsync(a => a.Id == othersAlert)).Status);
        var disputes = (await JsonAsync(await client.GetAsync("/api/disputes"))).GetProperty("disputes");
        Assert.Equal("open", Assert.Single(disputes.EnumerateArray()).GetProperty("status").GetString());
        Assert.Contains("\"status\":\"confirmed\"", (await JsonAsync(await client.GetAsync("/api/ai/fraud/analysis"))).GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disputes_OnlyOwnPayments_OncePerPayment()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        var other = await CustomerFixture.CreateAsync(factory);
        using var client = factory.CreateClient(fixture.AccessToken);
        var netflix = await TransactionAsync(fixture.UserId, "Netflix");
        var salary = await TransactionAsync(fixture.UserId, "Acme Payroll");
        var othersNetflix = await TransactionAsync(other.UserId, "Netflix");

        var opened = await client.PostAsJsonAsync("/api/disputes", new { transaction_id = netflix, reason = "Charged twice this month" });
        var twice = await client.PostAsJsonAsync("/api/disputes", new { transaction_id = netflix, reason = "again" });
        var income = await client.PostAsJsonAsync("/api/disputes", new { transaction_id = salary, reason = "?" });
        var others = await client.PostAsJsonAsync("/api/disputes", new { transaction_id = othersNetflix, reason = "not mine" });
        var noReason = await client.PostAsJsonAsync("/api/disputes", new { transaction_id = netflix });

        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        Assert.Matches(Reference, (await JsonAsync(opened)).GetProperty("reference").GetString());
        Assert.EndsWith("Z", (await JsonAsync(opened)).GetProperty("created_at").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, income.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, others.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Single((await JsonAsync(await client.GetAsync("/api/disputes"))).GetProperty("disputes").EnumerateArray());
    }

    [Fact]
    public async Task Assistant_NotMe_ReportsTheFraud_AfterYes_AndTicketsHaveReferences()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var client = factory.CreateClient(fixture.AccessToken);
        await AlertAsync(fixture.UserId, "Chipotle");
        await AlertAsync(fixture.UserId, "Netflix");

        var which = await CustomerFixture.AskAsync(client, "that payment wasn't me");
        var offer = await CustomerFixture.AskAsync(client, "I didn't make the Chipotle purchase");
        var done = await CustomerFixture.AskAsync(client, "yes");
        var ticket = await CustomerFixture.AskAsync(client, "Please open a ticket: my card was stolen");

        Assert.Matches(@"^Which one do you mean: \$15\.00 payment to Netflix on .+; \$35\.00 payment to Chipotle on .+\?$", which);
        Assert.StartsWith("Report the $35.00 payment to Chipotle on ", offer, StringComparison.Ordinal);
        Assert.Matches(@"^Done: the \$35\.00 payment to Chipotle on .+ is reported as fraud\. Your debit card ending 1111 is frozen\. Dispute DS-[0-9A-HJKMNP-TV-Z]{7} is open", done);
        var tickets = (await JsonAsync(await client.GetAsync("/api/tickets"))).GetProperty("tickets");
        var listed = Assert.Single(tickets.EnumerateArray());
        Assert.Matches("^DB-", listed.GetProperty("reference").GetString());
        Assert.Equal("high", listed.GetProperty("priority").GetString());
        Assert.Contains(listed.GetProperty("reference").GetString()!, ticket, StringComparison.Ordinal);

        // Another customer sees neither the ticket nor the dispute.
        var other = await CustomerFixture.CreateAsync(factory);
        using var otherClient = factory.CreateClient(other.AccessToken);
        Assert.Empty((await JsonAsync(await otherClient.GetAsync("/api/tickets"))).GetProperty("tickets").EnumerateArray());
        Assert.Empty((await JsonAsync(await otherClient.GetAsync("/api/disputes"))).GetProperty("disputes").EnumerateArray());
    }

    [Fact]
    public async Task Assistant_FindsTheAlert_ByTheMerchantsFirstWord()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var client = factory.CreateClient(fixture.AccessToken);
        await AlertAsync(fixture.UserId, "Parkview Apartments");
        await AlertAsync(fixture.UserId, "Netflix");

        var offer = await CustomerFixture.AskAsync(client, "I didn't make the Parkview payment");

        Assert.StartsWith("Report the $1,200.00 payment to Parkview Apartments on ", offer, StringComparison.Ordinal);
    }

    private async Task<Guid> AlertAsync(Guid userId, string merchant)
    {
        await using var scope = Scope(out var db);
        var transaction = await db.Transactions.FirstAsync(t => t.UserId == userId && t.Merchant == merchant);
        var alert = new FraudAlert { UserId = userId, TransactionId = transaction.Id, RiskScore = 91, Details = "Unusual amount", CreatedAt = DateTime.UtcNow };
        db.FraudAlerts.Add(alert);
        await db.SaveChangesAsync();
        return alert.Id;
    }

    private async Task<Guid> TransactionAsync(Guid userId, string merchant)
    {
        await using var scope = Scope(out var db);
        return (await db.Transactions.FirstAsync(t => t.UserId == userId && t.Merchant == merchant)).Id;
    }

    private AsyncServiceScope Scope(out VirtualBankerDbContext db) => CustomerFixture.Database(factory, out db);

    private static Task<JsonElement> JsonAsync(HttpResponseMessage response) => CustomerFixture.JsonAsync(response);
}
