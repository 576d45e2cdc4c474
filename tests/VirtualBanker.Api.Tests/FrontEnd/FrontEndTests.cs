using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VirtualBanker.Api.Tests.Surfaces.Management;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Tenancy;

namespace VirtualBanker.Api.Tests.FrontEnd;

/// <summary>
/// The web front end as a person uses it: Debian's Chromium, driven by the playwright-core scenarios of
/// <c>tests/e2e</c>, against the server on a loopback port. Each scenario reports what the page showed;
/// these tests compare that with the API and the database. Screenshots go to <c>tests/e2e/screenshots</c>.
/// </summary>
public sealed class FrontEndTests(KestrelFactory factory) : IClassFixture<KestrelFactory>
{
    private static readonly TimeSpan ScenarioTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Dashboard_ShowsTheApisFigures_FiltersTransactions_AndChangesNotifications()
    {
        using var api = factory.CreateClient(await factory.LoginAsync());
        var overview = await GetAsync(api, "/api/dashboard/overview");
        var score = await GetAsync(api, "/api/ai/coaching/score");
        var forecast = await GetAsync(api, "/api/ai/twin/predict");
        var fraud = await GetAsync(api, "/api/ai/fraud/analysis");
        var firstPage = await GetAsync(api, "/api/transactions?page=1&limit=20");
        var dining = await GetAsync(api, "/api/transactions?page=1&limit=20&category=Dining&type=debit");
        var dining2 = await GetAsync(api, "/api/transactions?page=2&limit=20&category=Dining&type=debit");
        var simulation = JsonNode.Parse(await (await api.PostAsJsonAsync("/api/ai/simulate/purchase", new { amount = 1200m, merchant = "Laptop" })).Content.ReadAsStringAsync())!;

        var page = await RunAsync("dashboard.mjs", new JsonObject { ["customer"] = Customer() });

        Assert.Equal("Alex Doe", page["user_name"]!.GetValue<string>());
        Assert.Equal(overview["total_balance"]!.GetValue<decimal>(), page["total_balance"]!.GetValue<decimal>());
        Assert.Equal(overview["accounts"]!.AsArray().Select(a => a!["balance"]!.GetValue<decimal>()), page["accounts"]!.AsArray().Select(a => a!.GetValue<decimal>()));
        foreach (var field in new[] { "monthly_income", "monthly_expenses", "savings_rate" })
        {
            Assert.Equal(overview[field]!.GetValue<decimal>(), page[field]!.GetValue<decimal>());
        }

        Assert.Equal(overview["spending_by_category"]!.AsArray().ToDictionary(c => c!["name"]!.GetValue<string>(), c => c!["value"]!.GetValue<decimal>()),
            page["categories"]!.AsObject().ToDictionary(c => c.Key, c => c.Value!.GetValue<decimal>()));
        Assert.Equal(score["overall_score"]!.GetValue<int>(), page["health_score"]!.GetValue<int>());
        var dimensions = score["categories"]!.AsObject();
        Assert.Equal(6, dimensions.Count);
        Assert.Equal(dimensions.ToDictionary(d => d.Key, d => $"{d.Value!["score"]} / {d.Value!["max"]}"),
            page["dimensions"]!.AsObject().ToDictionary(d => d.Key, d => d.Value!.GetValue<string>()));
        Assert.Equal(forecast["predicted_balance_30d"]!.GetValue<decimal>(), page["forecast_30d"]!.GetValue<decimal>());
        Assert.Equal(Ids(fraud["alerts"]!, "transaction_id"), Strings(page["fraud_transactions"]!));
        Assert.Equal(Ids(firstPage["transactions"]!, "id"), Strings(page["first_page_ids"]!));
        Assert.Equal($"Page 1 of {firstPage["pages"]} · {firstPage["total"]} transactions", page["first_page"]!.GetValue<string>());
        Assert.Equal($"Page 1 of {dining["pages"]} · {dining["total"]} transactions", page["dining_page"]!.GetValue<string>());
        Assert.Equal(Ids(dining["transactions"]!, "id"), Strings(page["dining_ids"]!));
        Assert.Equal(Ids(dining2["transactions"]!, "id"), Strings(page["dining_page_2_ids"]!));
        Assert.Equal(simulation["summary"]!.GetValue<string>(), page["verdict"]!.GetValue<string>());

        // Every figure says its period: the 30-day ones are not called "this month", the chart is by calendar month.
        Assert.Equal("last 30 days", overview["figures_period"]!.GetValue<string>());
        Assert.Equal(["Income, last 30 days", "Spending, last 30 days", "Savings rate, last 30 days"], Strings(page["figure_labels"]!));
        Assert.DoesNotContain("this month", page["cash_flow_text"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("Fraud alerts", page["first_heading"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, page["filtered_to_nothing"]!.GetValue<int>());

        // What the page changed, as the API sees it afterwards.
        var notifications = (await GetAsync(api, "/api/notifications"))["notifications"]!.AsArray();
        Assert.DoesNotContain(page["dismissed_id"]!.GetValue<string>(), Ids(notifications, "id"));
        Assert.True(notifications.Single(n => n!["id"]!.GetValue<string>() == page["read_id"]!.GetValue<string>())!["read"]!.GetValue<bool>());
        Assert.Equal(Ids(notifications, "id"), Strings(page["notifications_after"]!));
    }

    [Fact]
    public async Task Widget_OnThePortal_AsksConsent_ThenStreamsAnswersCarryingRealToolResults()
    {
        var page = await RunAsync("widget-chat.mjs", new JsonObject { ["customer"] = Customer() });

        Assert.Equal("Hello! How can I help you today?", page["greeting"]!.GetValue<string>());
        Assert.Equal(1, page["avatar"]!.GetValue<int>());
        Assert.True(page["input_disabled_before_consent"]!.GetValue<bool>());
        Assert.True(page["agree_focused"]!.GetValue<bool>());
        Assert.Equal(1, page["log_role"]!.GetValue<int>());

        using var api = factory.CreateClient(await factory.LoginAsync());
        var total = (await GetAsync(api, "/api/dashboard/overview"))["total_balance"]!.GetValue<decimal>();
        var formatted = "$" + total.ToString("#,0.00", CultureInfo.InvariantCulture);
        Assert.Equal(formatted, page["balance_card_total"]!.GetValue<string>());
        Assert.StartsWith($"Your total balance is {formatted}.", page["balance"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(page["balance"]!["chunks"]!.GetValue<int>() >= 2, "the answer arrives in several chunks");
        var balances = page["tool_results"]!.AsArray().Single(t => t!["name"]!.GetValue<string>() == "get_balances")!;
        Assert.Equal(total, balances["result"]!["total_balance"]!.GetValue<decimal>());

        // The ticket the page confirmed exists, for this customer, in the session the widget opened after consent.
        var reference = page["ticket_reference"]!.GetValue<string>();
        Assert.Matches("^DB-[0-9A-HJKMNP-TV-Z]{6}[0-9A-HJKMNP-TV-Z]$", reference);
        using var scope = factory.Services.CreateScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().UseTenant("demo-bank");
        var db = scope.ServiceProvider.GetRequiredService<VirtualBankerDbContext>();
        var ticket = await db.Tickets.SingleAsync(t => t.Reference == reference);
        Assert.Equal("high", ticket.Priority); // "my card was stolen"
        var session = await db.Sessions.SingleAsync(s => s.Id == ticket.SessionId);
        Assert.Equal(await db.Users.Where(u => u.Email == "alex@bankbot.dev").Select(u => u.Id).SingleAsync(), ticket.UserId);
        Assert.NotNull(session.ExternalUserId);
        Assert.NotNull(session.ConsentGivenAt);

        // The card was frozen only by the press on "Confirm", and the answer says so.
        Assert.Contains("Shall I go ahead?", page["freeze_offer"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("Freeze your credit card ending 7390", page["confirmation_summary"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("Done: your credit card ending 7390 is now frozen.", page["freeze_done"]!.GetValue<string>(), StringComparison.Ordinal);
        var creditCard = await db.Cards.SingleAsync(c => c.UserId == ticket.UserId && c.Last4 == "7390");
        Assert.Equal(Core.Actions.CardStatus.Frozen, creditCard.Status);
        Assert.Equal(Core.Actions.ConfirmationStatus.Executed, (await db.Confirmations.SingleAsync(c => c.SessionId == session.Id)).Status);

        Assert.True(page["closed_by_escape"]!.GetValue<bool>());
        Assert.True(page["focus_back_on_launcher"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Dashboard_FraudAlertsFirst_NotMeFreezesAndDisputes_CardsUnfreeze_AndMoneyMoves()
    {
        // A customer of their own: these actions change cards and balances the other scenarios read.
        var fixture = await Surfaces.Customer.CustomerFixture.CreateAsync(factory);
        using var scope = factory.Services.CreateScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().UseTenant("demo-bank");
        var db = scope.ServiceProvider.GetRequiredService<VirtualBankerDbContext>();
        var chipotle = await db.Transactions.SingleAsync(t => t.UserId == fixture.UserId && t.Merchant == "Chipotle");
        db.FraudAlerts.Add(new Core.Banking.FraudAlert { UserId = fixture.UserId, TransactionId = chipotle.Id, RiskScore = 88, Details = "Unusual time", CreatedAt = DateTime.UtcNow });
        await db.SaveChangesAsync();

        var page = await RunAsync("dashboard-actions.mjs", new JsonObject
        {
            ["customer"] = new JsonObject { ["email"] = fixture.Email, ["password"] = Surfaces.Customer.CustomerFixture.Password },
        });

        Assert.Equal("fraud", page["first_card"]!.GetValue<string>());
        Assert.Equal(1, page["pending_before"]!.GetValue<int>());
        Assert.Equal(0, page["pending_after"]!.GetValue<int>());
        Assert.Equal("Reported as fraud", page["alert_label"]!.GetValue<string>());
        var frozen = page["cards_after_fraud"]!.AsArray().Single(c => c!["status"]!.GetValue<string>() == "frozen")!;
        Assert.Equal(fixture.DebitCardId.ToString(), frozen["id"]!.GetValue<string>()); // the card of the payment's account
        var dispute = await db.Disputes.AsNoTracking().SingleAsync(d => d.UserId == fixture.UserId);
        Assert.Equal(dispute.TransactionId, chipotle.Id);
        Assert.Equal([dispute.Reference], Strings(page["disputes"]!));
        Assert.All(Strings(page["cards_after_unfreeze"]!), s => Assert.Equal("active", s));

        // The page's balances after the transfer are the API's, and 25.00 moved between the two accounts chosen.
        using var api = factory.CreateClient(fixture.AccessToken);
        var accounts = (await GetAsync(api, "/api/dashboard/overview"))["accounts"]!.AsArray();
        Assert.Equal(accounts.Select(a => a!["balance"]!.GetValue<decimal>()), page["balances"]!.AsArray().Select(b => b!.GetValue<decimal>()));
        var transfer = await db.Transfers.AsNoTracking().SingleAsync(t => t.UserId == fixture.UserId);
        Assert.Equal(2500, transfer.AmountMinor);
        Assert.Equal(page["from"]!.GetValue<string>(), transfer.FromAccountId.ToString());
        Assert.Equal(page["to"]!.GetValue<string>(), transfer.ToAccountId.ToString());
        Assert.StartsWith("Moved $25.00.", page["transfer_message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Widget_WithWebSocketsBlocked_BacksOff_AnswersOverHttp_ThenResumesWithoutRepeatingAndAddsTheToolCard()
    {
        var page = await RunAsync("widget-fallback.mjs", new JsonObject { ["customer"] = Customer() });

        Assert.Equal([1, 2, 4], page["delays"]!.AsArray().Select(d => d!.GetValue<int>()));
        var answer = page["http_answer"]!.GetValue<string>();
        Assert.StartsWith($"Your total balance is {page["balance_card_total"]!.GetValue<string>()}.", answer, StringComparison.Ordinal);
        Assert.Equal(1, page["times_shown"]!.GetValue<int>());
        Assert.Equal("open", page["status"]!["connection"]!.GetValue<string>());
    }

    [Fact]
    public async Task AdminConsole_EditsATenantThroughItsForm_ConfirmsWhatItDestroys_AndShowsAKeyOnceWithACopyButton()
    {
        var page = await RunAsync("admin-console.mjs", new JsonObject
        {
            ["admin"] = new JsonObject { ["email"] = "admin@bankbot.dev", ["password"] = VirtualBankerFactory.AdminPassword },
            ["tenant"] = new JsonObject { ["id"] = "harbour-bank", ["name"] = "Harbour Bank" },
            ["agent_slug"] = "mortgage-helper",
            ["key_label"] = "console key",
        });

        // The form said what was wrong beside the field and sent nothing; the preview followed the typing.
        Assert.Equal("Identifier uses 2 to 63 lower-case letters, digits and hyphens, starting with a letter or digit.", page["id_error"]!.GetValue<string>());
        Assert.Equal("Messages per minute per customer must be a whole number from 1 to 100000.", page["rate_error"]!.GetValue<string>());
        Assert.Equal("true", page["rate_invalid"]!.GetValue<string>());
        Assert.Equal(0, page["sent_when_invalid"]!.GetValue<int>());
        Assert.Equal("rgb(170, 51, 0)", page["preview_colour"]!.GetValue<string>());
        Assert.Equal("Welcome to Harbour Bank. How can I help?", page["preview_greeting"]!.GetValue<string>());
        Assert.Equal("Choose at least one scope.", page["scope_error"]!.GetValue<string>());

        // What the form saved is what the API holds; the disabled tenant was named before it was disabled, and Cancel sent nothing.
        using var admin = await Admin.ClientAsync(factory);
        Assert.Equal(200, page["save_status"]!.GetValue<int>());
        var harbour = await GetAsync(admin, "/api/v1/clients/harbour-bank");
        Assert.Equal("Harbour Bank", harbour["name"]!.GetValue<string>());
        Assert.False(harbour["active"]!.GetValue<bool>());
        Assert.Equal("#aa3300", harbour["settings"]!["theme"]!["primaryColor"]!.GetValue<string>());
        Assert.Equal("Welcome to Harbour Bank. How can I help?", harbour["settings"]!["greeting"]!.GetValue<string>());
        Assert.Equal(30, harbour["settings"]!["policy"]!["rate_limit_per_minute"]!.GetValue<int>());
        Assert.Equal(["get_balances", "search_faq"], Strings(harbour["settings"]!["allowed_tools"]!).Order());
        Assert.Equal("Disable the tenant “Harbour Bank” (harbour-bank)?", page["disable_question"]!.GetValue<string>());
        Assert.Equal(1, page["sent_after_cancel"]!.GetValue<int>());

        var agents = (await GetAsync(admin, "/api/v1/agents")).AsArray();
        var agent = agents.Single(a => a!["slug"]!.GetValue<string>() == "mortgage-helper")!;
        Assert.Equal("Mortgage helper", agent["name"]!.GetValue<string>());
        Assert.DoesNotContain(agents, a => a!["slug"]!.GetValue<string>() == "old-helper");
        Assert.Equal("Delete the agent “Old helper” (old-helper)?", page["delete_question"]!.GetValue<string>());

        Assert.Equal("********", page["portal_secret"]!.GetValue<string>());
        Assert.Equal(page["secret"]!.GetValue<string>(), page["copied"]!.GetValue<string>());
        Assert.Equal(0, page["secret_still_shown"]!.GetValue<int>());
        Assert.False(page["page_contains_secret"]!.GetValue<bool>());
        Assert.Equal("healthy", page["system_status"]!.GetValue<string>());

        using var keyed = factory.CreateClient();
        keyed.DefaultRequestHeaders.Add("X-API-Key", page["secret"]!.GetValue<string>());
        var keys = await keyed.GetAsync("/v1/keys");
        Assert.Equal(HttpStatusCode.OK, keys.StatusCode);
        Assert.Contains("console key", await keys.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StaffHandoff_TheCustomersRequestReachesTheWorkspaceLive_SamRepliesInTheWidget_TheAssistantWaits_ThenAnswersAgain()
    {
        var page = await RunAsync("staff-handoff.mjs", new JsonObject
        {
            ["customer"] = Customer(),
            ["staff"] = new JsonObject { ["email"] = "sam@bankbot.dev", ["password"] = VirtualBankerFactory.StaffPassword },
        });

        Assert.Equal("Sam · Demo Bank", page["signed_in_as"]!.GetValue<string>());
        Assert.StartsWith("I've asked a colleague to join this conversation", page["asked"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("Asked for a person", page["queue_item"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(page["pushed_without_reload"]!.GetValue<bool>());
        Assert.Equal("Sam from Demo Bank has joined the conversation.", page["joined"]!.GetValue<string>());

        // After the customer's question only Sam answered: the assistant stayed silent.
        var after = page["after_question"]!.AsArray();
        Assert.Equal("Sam", Assert.Single(after)!["author"]!.GetValue<string>());
        Assert.Equal("Hi, I am Sam. I can see that payment and will look into it now.", after[0]!["text"]!.GetValue<string>());
        var transcript = Strings(page["staff_transcript"]!);
        Assert.Contains("Customer: Can you check the Luxe Watches payment?", transcript);
        Assert.Contains("Sam: Hi, I am Sam. I can see that payment and will look into it now.", transcript);
        Assert.True(page["staff_overflow_390"]!.GetValue<int>() <= 0, $"The staff page scrolls sideways at 390 px by {page["staff_overflow_390"]} px");

        Assert.Equal("Sam has handed you back to the virtual assistant.", page["handed_back"]!.GetValue<string>());
        using var api = factory.CreateClient(await factory.LoginAsync());
        var total = (await GetAsync(api, "/api/dashboard/overview"))["total_balance"]!.GetValue<decimal>();
        Assert.StartsWith($"Your total balance is ${total.ToString("#,0.00", CultureInfo.InvariantCulture)}", page["assistant_again"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/app/")]
    [InlineData("/admin/")]
    [InlineData("/staff/")]
    [InlineData("/demo/portal.html")]
    [InlineData("/")]
    public async Task Pages_AreServedWithAStrictContentSecurityPolicy(string path)
    {
        using var client = factory.CreateClient();
        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        var policy = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.Equal("no-cache", response.Headers.CacheControl!.ToString());
    }

    [Fact]
    public async Task Widget_IsOneClassicScript_AtAStableRevalidatedUrl_AndAssetsAreImmutable()
    {
        using var client = factory.CreateClient();
        var widget = await client.GetAsync("/widget.js");
        var page = await client.GetStringAsync("/app/");
        var asset = System.Text.RegularExpressions.Regex.Match(page, "/assets/[^\"]+\\.js").Value;
        var cached = await client.GetAsync(asset);

        Assert.Equal(HttpStatusCode.OK, widget.StatusCode);
        Assert.Equal("no-cache", widget.Headers.CacheControl!.ToString());
        Assert.DoesNotContain("import ", await widget.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, cached.StatusCode);
        Assert.Equal("public, max-age=31536000, immutable", cached.Headers.CacheControl!.ToString());
    }

    [Fact]
    public async Task Widget_KeepsTheConversation_AcrossPageLoadsAndTabs_ConsentCanBeWithdrawn_AndTheAppHasItToo()
    {
        var page = await RunAsync("widget-resume.mjs", new JsonObject { ["customer"] = Customer() });

        Assert.Equal("/demo/privacy.html", page["privacy_href"]!.GetValue<string>());
        Assert.Equal(["What is my balance?", "How much did I spend this month?", "Any suspicious payments?", "Freeze my card"], Strings(page["suggestions"]!));
        var first = Strings(page["first_page"]!);
        Assert.Equal(2, first.Count);
        Assert.Equal("What is my balance?", first[0]);
        Assert.StartsWith("Your total balance is", first[1], StringComparison.Ordinal);
        Assert.Equal(first, Strings(page["after_reload"]!));
        Assert.False(page["consent_asked_again"]!.GetValue<bool>());
        var tabs = Strings(page["first_tab"]!);
        Assert.Equal([.. first, "How much did I spend this month?"], tabs.Take(3));
        Assert.Equal(4, tabs.Count);
        Assert.Equal(tabs, Strings(page["second_tab"]!));
        Assert.Empty(page["after_withdrawal"]!.AsArray());
        var app = Strings(page["app"]!);
        Assert.Equal("What is my savings rate?", app[^2]);
        Assert.StartsWith("Over the last 30 days", app[^1], StringComparison.Ordinal);
        Assert.Equal(app, Strings(page["app_after_reload"]!));
    }

    [Fact]
    public async Task EveryPage_At390And1280Px_HasNoHorizontalScroll_AndNoAxeViolations()
    {
        var page = await RunAsync("pages.mjs", new JsonObject
        {
            ["customer"] = Customer(),
            ["admin"] = new JsonObject { ["email"] = "admin@bankbot.dev", ["password"] = VirtualBankerFactory.AdminPassword },
            ["staff"] = new JsonObject { ["email"] = "sam@bankbot.dev", ["password"] = VirtualBankerFactory.StaffPassword },
        });

        var signedOut = page["signed_out_widget"]!;
        Assert.Equal("The assistant is not available right now (please sign in to your bank first).", signedOut["alert"]!.GetValue<string>());
        Assert.Equal("", signedOut["status"]!.GetValue<string>());
        page.Remove("signed_out_widget");
        Assert.Equal(18, page.Count);
        Assert.All(page, view =>
        {
            var overflow = view.Value!["overflow"]!;
            Assert.False(overflow["scroll"]!.GetValue<bool>(), $"{view.Key} scrolls sideways: {overflow["elements"]!.ToJsonString()}");
            Assert.True(view.Value["axe"]!.AsArray().Count == 0, $"{view.Key}: {view.Value["axe"]!.ToJsonString()}");
        });
    }

    private async Task<JsonObject> RunAsync(string scenario, JsonObject input)
    {
        input["base"] = factory.Address.ToString().TrimEnd('/');
        return JsonNode.Parse(await NodeTools.RunAsync($"e2e/{scenario}", input.ToJsonString(), ScenarioTimeout))!.AsObject();
    }

    private static JsonObject Customer() => new() { ["email"] = "alex@bankbot.dev", ["password"] = "BankBot2026!" };

    private static async Task<JsonNode> GetAsync(HttpClient client, string path) => JsonNode.Parse(await client.GetStringAsync(path))!;

    private static List<string> Ids(JsonNode array, string field) => [.. array.AsArray().Select(x => x![field]!.GetValue<string>())];

    private static List<string> Strings(JsonNode array) => [.. array.AsArray().Select(x => x!.GetValue<string>())];
}
