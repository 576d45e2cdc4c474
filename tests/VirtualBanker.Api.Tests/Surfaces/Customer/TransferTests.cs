using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VirtualBanker.Core.Banking;
using VirtualBanker.Core.Data;

namespace VirtualBanker.Api.Tests.Surfaces.Customer;

/// <summary>Transfers and payments to payees: exact to the cent, within limits under concurrency, on a balanced ledger.</summary>
public sealed class TransferTests(VirtualBankerFactory factory) : IClassFixture<VirtualBankerFactory>
{
    [Fact]
    public async Task Transfer_BetweenOwnAccounts_MovesExactlyThatMuch_OnABalancedLedger()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var client = factory.CreateClient(fixture.AccessToken);
        var (checking, savings, credit) = await AccountsAsync(fixture.UserId);

        var response = await client.PostAsJsonAsync("/api/transfers", new { from_account_id = checking, to_account_id = savings, amount = 123.45m, memo = "rainy day" });
        var card = await client.PostAsJsonAsync("/api/transfers", new { from_account_id = checking, to_account_id = credit, amount = 100m });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await JsonAsync(response);
        Assert.Equal(123.45m, body.GetProperty("transfer").GetProperty("amount").GetDecimal());
        Assert.Equal([876.55m, 5123.45m], body.GetProperty("balances").EnumerateArray().Select(b => b.GetProperty("balance").GetDecimal()));
        Assert.Equal(HttpStatusCode.Created, card.StatusCode);
        Assert.Equal(-100m, (await JsonAsync(card)).GetProperty("balances")[1].GetProperty("balance").GetDecimal()); // the card owed 200
        var listed = (await JsonAsync(await client.GetAsync("/api/transfers"))).GetProperty("transfers");
        Assert.Equal(2, listed.GetArrayLength());
        Assert.EndsWith("Z", listed[0].GetProperty("created_at").GetString(), StringComparison.Ordinal);
        await AssertLedgerBalancesAsync(fixture.UserId, expectedTotalMinor: 5800_00);
        var statement = (await JsonAsync(await client.GetAsync("/api/transactions?limit=100"))).GetProperty("transactions");
        Assert.Contains(statement.EnumerateArray(), t => t.GetProperty("merchant").GetString() == "Transfer to Savings");
    }

    [Fact]
    public async Task Transfer_BadInput_IsA4xxInTheContractsShape_AndMovesNothing()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        var other = await CustomerFixture.CreateAsync(factory);
        using var client = factory.CreateClient(fixture.AccessToken);
        var (checking, savings, _) = await AccountsAsync(fixture.UserId);
        var (othersChecking, _, _) = await AccountsAsync(other.UserId);

        async Task<(HttpStatusCode Status, string? Code)> Post(object body)
        {
            var response = await client.PostAsJsonAsync("/api/transfers", body);
            return (response.StatusCode, (await JsonAsync(response)).TryGetProperty("code", out var code) ? code.GetString() : null);
        }

        Assert.Equal((HttpStatusCode.UnprocessableEntity, "same_account"), await Post(new { from_account_id = checking, to_account_id = checking, amount = 1m }));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "insufficient_funds"), await Post(new { from_account_id = checking, to_account_id = savings, amount = 1000.01m }));
        Assert.Equal(HttpStatusCode.BadRequest, (await Post(new { from_account_id = checking, to_account_id = savings, amount = 0m })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Post(new { from_account_id = checking, to_account_id = savings, amount = -5m })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Post(new { from_account_id = checking, to_account_id = savings, amount = 1.005m })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Post(new { from_account_id = checking, amount = 1m })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Post(new { from_account_id = checking, to_account_id = savings, payee_id = Guid.NewGuid(), amount = 1m })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Post(new { from_account_id = "not-a-guid", to_account_id = savings, amount = 1m })).Status);
        Assert.Equal((HttpStatusCode.NotFound, "not_found"), await Post(new { from_account_id = othersChecking, to_account_id = savings, amount = 1m }));
        Assert.Equal((HttpStatusCode.NotFound, "not_found"), await Post(new { from_account_id = checking, to_account_id = othersChecking, amount = 1m }));
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.CreateClient().PostAsJsonAsync("/api/transfers", new { from_account_id = checking, to_account_id = savings, amount = 1m })).StatusCode);

        await AssertLedgerBalancesAsync(fixture.UserId, expectedTotalMinor: 5800_00);
        Assert.Equal(0, (await JsonAsync(await client.GetAsync("/api/transfers"))).GetProperty("transfers").GetArrayLength());
        Assert.Equal(1000_00, await BalanceAsync(checking));
    }

    [Fact]
    public async Task Transfer_SameIdempotencyKey_MovesOnce_AndAnotherRequestWithItIs422()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var client = factory.CreateClient(fixture.AccessToken);
        var (checking, savings, _) = await AccountsAsync(fixture.UserId);
        HttpRequestMessage Send(decimal amount) => new(HttpMethod.Post, "/api/transfers")
        {
            Content = JsonContent.Create(new { from_account_id = checking, to_account_id = savings, amount }),
            Headers = { { "Idempotency-Key", "rent-2026-12" } },
        };

        var first = await client.SendAsync(Send(250m));
        var again = await client.SendAsync(Send(250m));
        var other = await client.SendAsync(Send(300m));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal((await JsonAsync(first)).GetProperty("transfer").GetProperty("id").GetGuid(), (await JsonAsync(again)).GetProperty("transfer").GetProperty("id").GetGuid());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        Assert.Equal("idempotency_key_reused", (await JsonAsync(other)).GetProperty("code").GetString());
        Assert.Equal(750_00, await BalanceAsync(checking));
    }

    [Fact]
    public async Task Payees_AreValidated_Masked_AndPaymentsRespectTheDailyLimit()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var client = factory.CreateClient(fixture.AccessToken);
        var (checking, _, _) = await AccountsAsync(fixture.UserId);

        var added = await client.PostAsJsonAsync("/api/payees", new { name = "Jamie Rivera", account_number = "4402 1177 88", bank_code = "021000021" });
        var duplicate = await client.PostAsJsonAsync("/api/payees", new { name = "J. Rivera", account_number = "4402117788", bank_code = "021000021" });
        var badBank = await client.PostAsJsonAsync("/api/payees", new { name = "Sam", account_number = "12345678", bank_code = "12" });
        var badName = await client.PostAsJsonAsync("/api/payees", new { name = "<script>", account_number = "12345678", bank_code = "DEUTDEFF" });
        var payee = (await JsonAsync(added)).GetProperty("id").GetGuid();

        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.Equal("••••7788", (await JsonAsync(added)).GetProperty("account_number").GetString());
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badBank.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badName.StatusCode);
        Assert.Single((await JsonAsync(await client.GetAsync("/api/payees"))).GetProperty("payees").EnumerateArray());

        // Another customer neither sees this payee nor pays it.
        var other = await CustomerFixture.CreateAsync(factory);
        using var otherClient = factory.CreateClient(other.AccessToken);
        var (othersChecking, _, _) = await AccountsAsync(other.UserId);
        Assert.Empty((await JsonAsync(await otherClient.GetAsync("/api/payees"))).GetProperty("payees").EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await otherClient.PostAsJsonAsync("/api/transfers", new { from_account_id = othersChecking, payee_id = payee, amount = 1m })).StatusCode);

        // A daily limit of 3,000 for payments to payees (transfers between own accounts do not count).
        using var admin = factory.CreateClient(await factory.LoginAsync("admin@bankbot.dev", VirtualBankerFactory.AdminPassword));
        (await admin.PutAsJsonAsync("/api/v1/clients/demo-bank", new { settings = new { policy = new { daily_transfer_limit = 3000 } } })).EnsureSuccessStatusCode();
        var (_, _, credit) = await AccountsAsync(fixture.UserId);
        async Task<string?> Pay(Guid from, decimal amount)
        {
            var response = await client.PostAsJsonAsync("/api/transfers", new { from_account_id = from, payee_id = payee, amount });
            return response.StatusCode == HttpStatusCode.Created ? "created" : (await JsonAsync(response)).GetProperty("code").GetString();
        }

        Assert.Equal("created", await Pay(checking, 200m));
        Assert.Equal("created", await Pay(credit, 1800m)); // the card's whole room: it owed 200 of 2,000
        Assert.Equal("insufficient_funds", await Pay(credit, 0.01m)); // and its refusal does not count towards the day
        Assert.Equal("limit_exceeded", await Pay(checking, 1000.01m));
        Assert.Equal("created", await Pay(checking, 800m)); // 2,800 today, under 3,000
        Assert.Equal(-2000_00, await BalanceAsync(credit));
        Assert.Equal(0, await BalanceAsync(checking));
        // Payments leave the customer's total; nothing else does.
        await AssertLedgerBalancesAsync(fixture.UserId, expectedTotalMinor: 5800_00 - 2800_00);
    }

    [Fact]
    public async Task FiftyConcurrentTransfers_BeyondTheBalance_EndExactlyAtWhatItCovers()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var client = factory.CreateClient(fixture.AccessToken);
        var (checking, savings, _) = await AccountsAsync(fixture.UserId);

        // 50 × 30.00 = 1,500.00 against 1,000.00: exactly 33 fit (990.00).
        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ =>
            client.PostAsJsonAsync("/api/transfers", new { from_account_id = checking, to_account_id = savings, amount = 30m })));

        Assert.Equal(33, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(17, responses.Count(r => r.StatusCode == HttpStatusCode.UnprocessableEntity));
        Assert.Equal(10_00, await BalanceAsync(checking));
        Assert.Equal(5990_00, await BalanceAsync(savings));
        await AssertLedgerBalancesAsync(fixture.UserId, expectedTotalMinor: 5800_00);
    }

    [Theory]
    [InlineData("Transfer $250 to savings", "Move $250.00 from Checking to Savings", "Done: $250.00 moved from Checking to Savings. New balances: Checking $750.00, Savings $5,250.00.")]
    [InlineData("Please pay my credit card", "Pay $200.00 to your Credit from Checking", "Done: $200.00 paid to your Credit from Checking. New balances: Checking $800.00, Credit $0.00.")]
    [InlineData("move 100 dollars from savings to checking", "Move $100.00 from Savings to Checking", "Done: $100.00 moved from Savings to Checking. New balances: Savings $4,900.00, Checking $1,100.00.")]
    public async Task Assistant_MovesMoney_OnlyAfterTheCustomerSaysYes(string ask, string summary, string done)
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var client = factory.CreateClient(fixture.AccessToken);

        var offer = await CustomerFixture.AskAsync(client, ask);
        await AssertLedgerBalancesAsync(fixture.UserId, expectedTotalMinor: 5800_00);
        Assert.Equal(0, (await JsonAsync(await client.GetAsync("/api/transfers"))).GetProperty("transfers").GetArrayLength());
        var answer = await CustomerFixture.AskAsync(client, "yes");

        Assert.Equal($"{summary}. Shall I go ahead? Reply yes to confirm or no to cancel.", offer);
        Assert.Equal(done, answer);
        Assert.Equal(1, (await JsonAsync(await client.GetAsync("/api/transfers"))).GetProperty("transfers").GetArrayLength());
        await AssertLedgerBalancesAsync(fixture.UserId, expectedTotalMinor: 5800_00);
    }

    [Fact]
    public async Task Assistant_AsksWhatIsMissing_AndMovesNothing()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var client = factory.CreateClient(fixture.AccessToken);

        var noAmount = await CustomerFixture.AskAsync(client, "I want to transfer money to savings");
        var tooMuch = await CustomerFixture.AskAsync(client, "Transfer $5,000 to savings");
        var confirmed = await CustomerFixture.AskAsync(client, "yes");

        Assert.StartsWith("How much should I move?", noAmount, StringComparison.Ordinal);
        Assert.StartsWith("Move $5,000.00 from Checking to Savings", tooMuch, StringComparison.Ordinal);
        Assert.StartsWith("I couldn't do that: Checking does not have 5,000.00 USD available.", confirmed, StringComparison.Ordinal);
        await AssertLedgerBalancesAsync(fixture.UserId, expectedTotalMinor: 5800_00);
    }

    /// <summary>Every transfer's entries sum to zero, and the customer's total is what the test expects.</summary>
    private async Task AssertLedgerBalancesAsync(Guid userId, long expectedTotalMinor)
    {
        await using var scope = Scope(out var db);
        var transfers = await db.Transfers.Where(t => t.UserId == userId).Select(t => t.Id).ToListAsync();
        var entries = await db.LedgerEntries.Where(e => transfers.Contains(e.TransferId)).ToListAsync();
        Assert.Equal(transfers.Count * 2, entries.Count);
        Assert.All(entries.GroupBy(e => e.TransferId), g => Assert.Equal(0, g.Sum(e => e.AmountMinor)));
        Assert.Equal(expectedTotalMinor, await db.Accounts.Where(a => a.UserId == userId).SumAsync(a => a.BalanceMinor));
    }

    private async Task<(Guid Checking, Guid Savings, Guid Credit)> AccountsAsync(Guid userId)
    {
        await using var scope = Scope(out var db);
        var accounts = await db.Accounts.Where(a => a.UserId == userId).ToListAsync();
        return (accounts.Single(a => a.Type == AccountType.Checking).Id, accounts.Single(a => a.Type == AccountType.Savings).Id, accounts.Single(a => a.Type == AccountType.Credit).Id);
    }

    private async Task<long> BalanceAsync(Guid accountId)
    {
        await using var scope = Scope(out var db);
        return await db.Accounts.Where(a => a.Id == accountId).Select(a => a.BalanceMinor).SingleAsync();
    }

    private AsyncServiceScope Scope(out VirtualBankerDbContext db) => CustomerFixture.Database(factory, out db);

    private static Task<JsonElement> JsonAsync(HttpResponseMessage response) => CustomerFixture.JsonAsync(response);
}
