using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using VirtualBanker.Api.Tests.Surfaces.Customer;
using VirtualBanker.Core.Actions;

namespace VirtualBanker.Api.Tests.Surfaces.Management;

/// <summary>
/// The human behind the assistant, through the real pipeline: a customer asks for a person on the chat socket, a staff
/// member (the demo's Sam, role <c>staff</c>) claims the item through the staff API and answers on the customer's own
/// stream while the assistant stays silent, then hands back. Roles, tenants, audit and ticket references.
/// </summary>
public sealed class StaffTests(StaffTests.Factory factory) : IClassFixture<StaffTests.Factory>
{
    /// <summary>The host with room for a thousand tickets in one second (the management surface allows 100 a second per caller).</summary>
    public sealed class Factory : VirtualBankerFactory
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["RateLimits:Management:Limit"] = "5000" };
    }

    private const string Reference = "^DB-[0-9A-HJKMNP-TV-Z]{7}$";

    public static Task<HttpClient> StaffAsync(VirtualBankerFactory factory) => Admin.ClientAsync(factory, "sam@bankbot.dev", VirtualBankerFactory.StaffPassword);

    [Fact]
    public async Task CustomerAsksForAPerson_StaffClaimsAndReplies_TheAssistantIsSilent_ThenReleaseHandsBack()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var staff = await StaffAsync(factory);
        using var socket = await ChatTests.Connect(factory, fixture.AccessToken);

        await ChatTests.SendAsync(socket, new { type = "chat", message = "I want to talk to a real person" });
        var asked = (await ChatTests.ReceiveUntilAsync(socket, "chat_end")).Last();
        Assert.Matches("^I've asked a colleague to join this conversation; you're number [0-9]+ in the queue", asked["content"]!.GetValue<string>());

        var item = (await ItemOfAsync(staff, fixture.Email))!;
        Assert.Equal("customer_request", item["reason"]!.GetValue<string>());
        Assert.Equal("waiting", item["status"]!.GetValue<string>());
        Assert.Equal("websocket", item["channel"]!.GetValue<string>());
        Assert.Equal("normal", item["priority"]!.GetValue<string>());
        Assert.Equal("I want to talk to a real person", item["last_turns"]!.AsArray().Single(t => t!["role"]!.GetValue<string>() == "customer")!["text"]!.GetValue<string>());
        Assert.EndsWith("Z", item["created_at"]!.GetValue<string>(), StringComparison.Ordinal);
        var id = item["id"]!.GetValue<string>();

        // Asking again does not queue twice.
        await ChatTests.SendAsync(socket, new { type = "chat", message = "Please get me a human agent" });
        await ChatTests.ReceiveUntilAsync(socket, "chat_end");
        Assert.Single(await QueueAsync(staff), i => i!["customer"]!["email"]!.GetValue<string>() == fixture.Email);

        var claimed = await staff.PostAsync($"/api/v1/handoffs/{id}/claim", null);
        Assert.Equal(HttpStatusCode.OK, claimed.StatusCode);
        Assert.Equal("Sam", (await CustomerFixture.JsonAsync(claimed)).GetProperty("claimed_by").GetProperty("name").GetString());
        var joined = (await ChatTests.ReceiveUntilAsync(socket, "handoff")).Last();
        Assert.Equal("Sam from Demo Bank has joined the conversation.", joined["content"]!.GetValue<string>());

        // Another staff member can neither claim it nor speak in it.
        using var admin = await Admin.ClientAsync(factory);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync($"/api/v1/handoffs/{id}/claim", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync($"/api/v1/handoffs/{id}/messages", new { content = "Hello" })).StatusCode);

        // The customer writes: the message reaches the staff member, and the assistant does not answer it.
        await ChatTests.SendAsync(socket, new { type = "chat", message = "What's my balance?" });
        var reply = await staff.PostAsJsonAsync($"/api/v1/handoffs/{id}/messages", new { content = "Hi, I'm Sam. I can see your accounts; how can I help?" });
        Assert.Equal(HttpStatusCode.Created, reply.StatusCode);
        var frames = await ChatTests.ReceiveUntilAsync(socket, "chat_end");
        Assert.DoesNotContain(frames, f => f["type"]!.GetValue<string>() is "tool_call" or "tool_result");
        Assert.All(frames.Where(f => f["type"]!.GetValue<string>().StartsWith("chat_", StringComparison.Ordinal)),
            f => Assert.Equal("Sam", f["author"]!["name"]!.GetValue<string>()));
        Assert.Equal("Hi, I'm Sam. I can see your accounts; how can I help?", frames.Last()["content"]!.GetValue<string>());

        using var http = factory.CreateClient(fixture.AccessToken);
        Assert.Equal("Sam has your message and will answer you here.", await CustomerFixture.AskAsync(http, "Are you still there?"));
        var detail = JsonNode.Parse(await staff.GetStringAsync($"/api/v1/handoffs/{id}"))!;
        var transcript = detail["transcript"]!.AsArray().Select(t => $"{t!["role"]}:{t["text"]}").ToList();
        Assert.Contains("customer:What's my balance?", transcript);
        Assert.Contains("staff:Hi, I'm Sam. I can see your accounts; how can I help?", transcript);
        Assert.Contains("customer:Are you still there?", transcript);
        Assert.Equal(3, detail["context"]!["accounts"]!.AsArray().Count);

        var released = await staff.PostAsJsonAsync($"/api/v1/handoffs/{id}/release", new { note = "Explained the balance." });
        Assert.Equal("released", (await CustomerFixture.JsonAsync(released)).GetProperty("status").GetString());
        var back = (await ChatTests.ReceiveUntilAsync(socket, "handoff")).Last();
        Assert.Equal("Sam has handed you back to the virtual assistant.", back["content"]!.GetValue<string>());
        Assert.Equal("Explained the balance.", back["note"]!.GetValue<string>());
        Assert.StartsWith("Your total balance", await CustomerFixture.AskAsync(http, "What's my balance?"), StringComparison.Ordinal);

        await using var scope = CustomerFixture.Database(factory, out var db);
        var audited = await db.ActionAudits.Where(a => a.UserId == fixture.UserId && a.Channel == "staff").OrderBy(a => a.CreatedAt).Select(a => a.Action).ToListAsync();
        Assert.Equal(["handoff.claim", "handoff.message", "handoff.release"], audited);
    }

    [Fact]
    public async Task NotUnderstoodTwiceInARow_PutsTheCustomerInTheQueue()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var client = factory.CreateClient(fixture.AccessToken);
        using var staff = await StaffAsync(factory);

        Assert.StartsWith("I'm sorry, I didn't understand that.", await CustomerFixture.AskAsync(client, "zxqv blorp fnarg"), StringComparison.Ordinal);
        Assert.Null(await ItemOfAsync(staff, fixture.Email, required: false));
        Assert.StartsWith("I'm sorry, I still didn't understand. I've asked a colleague to join", await CustomerFixture.AskAsync(client, "wibble zonk prrt"), StringComparison.Ordinal);
        Assert.Equal("not_understood", (await ItemOfAsync(staff, fixture.Email))!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task StaffApi_IsForTheTenantsStaff_AndAnswersInContract003sShape()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var customer = factory.CreateClient(fixture.AccessToken);
        await CustomerFixture.AskAsync(customer, "Can I speak to someone, please?");
        using var staff = await StaffAsync(factory);
        var id = (await ItemOfAsync(staff, fixture.Email))!["id"]!.GetValue<string>();

        using var anonymous = factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/handoffs")).StatusCode);
        var forbidden = await customer.GetAsync("/api/v1/handoffs");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await customer.PostAsync($"/api/v1/handoffs/{id}/claim", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync("/api/v1/clients")).StatusCode); // staff are not admins

        var badFilter = await staff.GetAsync("/api/v1/handoffs?status=lost");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badFilter.StatusCode);
        Assert.Equal(["detail", "status_code", "type"], JsonNode.Parse(await badFilter.Content.ReadAsStringAsync())!.AsObject().Select(p => p.Key).Order());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await staff.PostAsJsonAsync($"/api/v1/handoffs/{id}/messages", new { content = "" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await staff.PostAsJsonAsync($"/api/v1/handoffs/{id}/messages", new { content = "Hello" })).StatusCode); // not claimed
        Assert.Equal(HttpStatusCode.NotFound, (await staff.PostAsync($"/api/v1/handoffs/{Guid.NewGuid()}/claim", null)).StatusCode);

        // Another bank's admin sees nothing of this bank's queue.
        using var platform = await Admin.ClientAsync(factory);
        using var other = await Admin.CreateTenantAsync(factory, platform, $"staff-{Guid.NewGuid():N}"[..20]);
        Assert.DoesNotContain(id, (await QueueAsync(other)).Select(i => i!["id"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/handoffs/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync($"/api/v1/handoffs/{id}/claim", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync($"/api/v1/handoffs/{id}/close", null)).StatusCode);

        var closed = await staff.PostAsync($"/api/v1/handoffs/{id}/close", null);
        Assert.Equal("closed", (await CustomerFixture.JsonAsync(closed)).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await staff.PostAsync($"/api/v1/handoffs/{id}/claim", null)).StatusCode);
        Assert.Contains(id, JsonNode.Parse(await staff.GetStringAsync("/api/v1/handoffs?status=closed"))!["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task FraudConfirmedByTheCustomer_QueuesThemAtHighPriority()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var client = factory.CreateClient(fixture.AccessToken);
        Guid alert;
        await using (var scope = CustomerFixture.Database(factory, out var db))
        {
            var payment = await db.Transactions.FirstAsync(t => t.UserId == fixture.UserId && t.Merchant == "Chipotle");
            var flagged = new Core.Banking.FraudAlert { UserId = fixture.UserId, TransactionId = payment.Id, RiskScore = 0.9, Details = "test", CreatedAt = DateTime.UtcNow };
            db.FraudAlerts.Add(flagged);
            await db.SaveChangesAsync();
            alert = flagged.Id;
        }

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/api/ai/fraud/alerts/{alert}/resolve", new { genuine = false })).StatusCode);

        using var staff = await StaffAsync(factory);
        var item = (await ItemOfAsync(staff, fixture.Email))!;
        Assert.Equal("fraud_confirmed", item["reason"]!.GetValue<string>());
        Assert.Equal("high", item["priority"]!.GetValue<string>());
        Assert.Null(item["session_id"]);
        var context = JsonNode.Parse(await staff.GetStringAsync($"/api/v1/handoffs/{item["id"]}"))!["context"]!;
        Assert.Contains("Chipotle", context["recent_transactions"]!.AsArray().Select(t => t!["merchant"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Tickets_HaveUniqueCheckedReferences_UnderAThousandConcurrentOpenings_AndStaffChangesAreAudited()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var staff = await StaffAsync(factory);

        var responses = await Task.WhenAll(Enumerable.Range(0, 1000).Select(i =>
            staff.PostAsJsonAsync("/api/v1/tickets", new { customer_email = fixture.Email, subject = $"Call {i}", description = "Phoned the branch.", priority = "normal" })));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var references = await Task.WhenAll(responses.Select(async r => (await CustomerFixture.JsonAsync(r)).GetProperty("reference").GetString()!));
        Assert.Equal(1000, references.Distinct().Count());
        Assert.All(references, r => Assert.Matches(Reference, r));

        using var customer = factory.CreateClient(fixture.AccessToken);
        var mine = JsonNode.Parse(await customer.GetStringAsync("/api/tickets"))!["tickets"]!.AsArray();
        Assert.Equal(100, mine.Count); // the customer's latest hundred
        var ticketId = mine[0]!["id"]!.GetValue<string>();

        var changed = await staff.PatchAsJsonAsync($"/api/v1/tickets/{ticketId}", new { status = "in_progress", priority = "high" });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await staff.PatchAsJsonAsync($"/api/v1/tickets/{ticketId}", new { status = "lost" })).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await staff.PostAsJsonAsync("/api/v1/tickets", new { customer_email = "nobody@nowhere.example", subject = "x" })).StatusCode);
        var after = JsonNode.Parse(await customer.GetStringAsync("/api/tickets"))!["tickets"]!.AsArray().Single(t => t!["id"]!.GetValue<string>() == ticketId)!;
        Assert.Equal("in_progress", after["status"]!.GetValue<string>());
        Assert.Equal("high", after["priority"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, (await customer.PatchAsJsonAsync($"/api/v1/tickets/{ticketId}", new { status = "closed" })).StatusCode);

        await using var scope = CustomerFixture.Database(factory, out var db);
        Assert.Equal(1000, await db.ActionAudits.CountAsync(a => a.UserId == fixture.UserId && a.Action == "ticket.open"));
        Assert.Equal(1, await db.ActionAudits.CountAsync(a => a.UserId == fixture.UserId && a.Action == "ticket.update"));
    }

    internal static async Task<JsonArray> QueueAsync(HttpClient staff) => JsonNode.Parse(await staff.GetStringAsync("/api/v1/handoffs"))!["items"]!.AsArray();

    internal static async Task<JsonNode?> ItemOfAsync(HttpClient staff, string email, bool required = true)
    {
        var item = (await QueueAsync(staff)).SingleOrDefault(i => i!["customer"]!["email"]!.GetValue<string>() == email);
        Assert.True(item is not null || !required, $"No queue item for {email}");
        return item;
    }
}
