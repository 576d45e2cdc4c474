using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Tenancy;

namespace VirtualBanker.Api.Tests.Surfaces.Customer;

/// <summary>Object-level authorization on user_id, transaction ingest, fraud alerts, cache invalidation and notification ownership.</summary>
public sealed class CustomerAccessTests(VirtualBankerFactory factory) : IClassFixture<VirtualBankerFactory>
{
    public static TheoryData<string> UserIdRoutes() => new()
    {
        "/api/dashboard/overview", "/api/ai/coaching/score", "/api/ai/coaching/briefing", "/api/ai/behavior/insights",
        "/api/ai/twin/predict", "/api/ai/twin/future", "/api/ai/twin/scenarios", "/api/ai/fraud/analysis",
        "/api/transactions/", "/api/notifications/",
    };

    [Theory]
    [MemberData(nameof(UserIdRoutes))]
    public async Task Customer_AskingForAnotherUsersId_Is403(string route)
    {
        var alexId = await AlexIdAsync();
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var client = factory.CreateClient(fixture.AccessToken);

        var response = await client.GetAsync($"{route}?user_id={alexId}");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain("Alex", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(UserIdRoutes))]
    public async Task TenantAdmin_MayReadACustomersData_UnknownUserIs404(string route)
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var admin = factory.CreateClient(await factory.LoginAsync("admin@bankbot.dev", VirtualBankerFactory.AdminPassword));

        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"{route}?user_id={fixture.UserId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"{route}?user_id={Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task Ingest_IsIdempotentByExternalId_AndInvalidatesTheCachedDashboard()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var customer = factory.CreateClient(fixture.AccessToken);
        using var admin = factory.CreateClient(await factory.LoginAsync("admin@bankbot.dev", VirtualBankerFactory.AdminPassword));
        Assert.Equal(5800m, (await JsonAsync(await customer.GetAsync("/api/dashboard/overview"))).GetProperty("total_balance").GetDecimal());

        var body = new { external_id = $"core-{Guid.NewGuid():N}", user_id = fixture.UserId, merchant = "Whole Foods Market #12", amount = -12.34m };
        var first = await admin.PostAsJsonAsync("/api/transactions", body);
        var again = await admin.PostAsJsonAsync("/api/transactions", body);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var created = await JsonAsync(first);
        Assert.Equal("Groceries", created.GetProperty("transaction").GetProperty("category").GetString());
        Assert.True(created.GetProperty("created").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.False((await JsonAsync(again)).GetProperty("created").GetBoolean());
        Assert.Equal(created.GetProperty("transaction").GetProperty("id").GetGuid(), (await JsonAsync(again)).GetProperty("transaction").GetProperty("id").GetGuid());
        Assert.Equal(7, (await JsonAsync(await customer.GetAsync("/api/transactions/"))).GetProperty("total").GetInt32());
        Assert.Equal(5787.66m, (await JsonAsync(await customer.GetAsync("/api/dashboard/overview"))).GetProperty("total_balance").GetDecimal());
    }

    [Fact]
    public async Task Ingest_AFutureTimestampBeyondTheClockSkew_Is422_AndStoresNothing()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var customer = factory.CreateClient(fixture.AccessToken);
        using var admin = factory.CreateClient(await factory.LoginAsync("admin@bankbot.dev", VirtualBankerFactory.AdminPassword));
        var now = DateTime.UtcNow;

        var future = await admin.PostAsJsonAsync("/api/transactions", new { external_id = $"core-{Guid.NewGuid():N}", user_id = fixture.UserId, merchant = "Shell", amount = -40m, timestamp = now.AddHours(2) });
        var skewed = await admin.PostAsJsonAsync("/api/transactions", new { external_id = $"core-{Guid.NewGuid():N}", user_id = fixture.UserId, merchant = "Shell", amount = -40m, timestamp = now.AddMinutes(2) });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, future.StatusCode);
        Assert.Equal("timestamp_in_future", (await JsonAsync(future, HttpStatusCode.UnprocessableEntity)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Created, skewed.StatusCode);
        Assert.Equal(7, (await JsonAsync(await customer.GetAsync("/api/transactions/"))).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Ingest_TheAssistantsNextAnswer_SeesIt()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var customer = factory.CreateClient(fixture.AccessToken);
        using var admin = factory.CreateClient(await factory.LoginAsync("admin@bankbot.dev", VirtualBankerFactory.AdminPassword));

        var before = await CustomerFixture.AskAsync(customer, "what is my balance?");
        var ingest = await admin.PostAsJsonAsync("/api/transactions", new { external_id = $"chat-{Guid.NewGuid():N}", user_id = fixture.UserId, merchant = "Payroll", amount = 100m });
        var after = await CustomerFixture.AskAsync(customer, "what is my balance?");

        // The tools read the customer's data from a short-lived cache; an ingest drops it like the cached views.
        Assert.Equal(HttpStatusCode.Created, ingest.StatusCode);
        Assert.Contains("$5,800.00", before, StringComparison.Ordinal);
        Assert.Contains("$5,900.00", after, StringComparison.Ordinal);
    }
    [Fact]
    public async Task Ingest_SameExternalIdWithAnotherAmount_Is422_AndChangesNothing()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var customer = factory.CreateClient(fixture.AccessToken);
        using var admin = factory.CreateClient(await factory.LoginAsync("admin@bankbot.dev", VirtualBankerFactory.AdminPassword));
        var externalId = $"core-{Guid.NewGuid():N}";

        var first = await admin.PostAsJsonAsync("/api/transactions", new { external_id = externalId, user_id = fixture.UserId, merchant = "Shell", amount = -40m });
        var changed = await admin.PostAsJsonAsync("/api/transactions", new { external_id = externalId, user_id = fixture.UserId, merchant = "Shell", amount = -4000m });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal((HttpStatusCode)422, changed.StatusCode);
        Assert.Equal("application/problem+json", changed.Content.Headers.ContentType!.MediaType);
        Assert.Equal(7, (await JsonAsync(await customer.GetAsync("/api/transactions/"))).GetProperty("total").GetInt32());
        Assert.Equal(5760m, (await JsonAsync(await customer.GetAsync("/api/dashboard/overview"))).GetProperty("total_balance").GetDecimal());
    }

    [Fact]
    public async Task Ingest_SuspiciousCharge_RaisesAnAlertAndANotificationTheOwnerCanManage()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var customer = factory.CreateClient(fixture.AccessToken);
        using var admin = factory.CreateClient(await factory.LoginAsync("admin@bankbot.dev", VirtualBankerFactory.AdminPassword));
        var threeAm = DateTime.UtcNow.Date.AddHours(3) < DateTime.UtcNow ? DateTime.UtcNow.Date.AddHours(3) : DateTime.UtcNow.Date.AddDays(-1).AddHours(3);

        var response = await admin.PostAsJsonAsync("/api/transactions",
            new { external_id = $"core-{Guid.NewGuid():N}", user_id = fixture.UserId, merchant = "Night Electronics Outlet", amount = -1899.00m, timestamp = threeAm });
        var alert = (await JsonAsync(response)).GetProperty("fraud_alert");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.True(alert.GetProperty("risk_score").GetDouble() >= 60, alert.ToString());
        var fraud = await JsonAsync(await customer.GetAsync("/api/ai/fraud/analysis"));
        Assert.Equal(1, fraud.GetProperty("pending_reviews").GetInt32());
        Assert.Equal(1899m, fraud.GetProperty("alerts")[0].GetProperty("amount").GetDecimal());
        Assert.Equal(1, (await JsonAsync(await customer.GetAsync("/api/dashboard/overview"))).GetProperty("fraud_alert_count").GetInt32());

        var list = await JsonAsync(await customer.GetAsync("/api/notifications/"));
        Assert.Equal(1, list.GetProperty("unread_count").GetInt32());
        var notification = list.GetProperty("notifications")[0];
        Assert.Equal("Unusual Transaction Detected", notification.GetProperty("title").GetString());
        Assert.Contains("$1,899.00 at Night Electronics Outlet", notification.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("alert", notification.GetProperty("type").GetString());
        var id = notification.GetProperty("id").GetGuid();

        Assert.True((await JsonAsync(await customer.PatchAsync($"/api/notifications/{id}/read", null))).GetProperty("success").GetBoolean());
        Assert.Equal(0, (await JsonAsync(await customer.GetAsync("/api/notifications/"))).GetProperty("unread_count").GetInt32());
        Assert.True((await JsonAsync(await customer.DeleteAsync($"/api/notifications/{id}"))).GetProperty("success").GetBoolean());
        Assert.Equal(0, (await JsonAsync(await customer.GetAsync("/api/notifications/"))).GetProperty("notifications").GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await customer.DeleteAsync($"/api/notifications/{id}")).StatusCode);
    }

    [Fact]
    public async Task Notifications_AnotherUsersId_Is404AndUntouched()
    {
        using var alex = factory.CreateClient(await factory.LoginAsync());
        var alexNotification = (await JsonAsync(await alex.GetAsync("/api/notifications/?limit=100"))).GetProperty("notifications")[0];
        var id = alexNotification.GetProperty("id").GetGuid();
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var other = factory.CreateClient(fixture.AccessToken);

        Assert.Equal(HttpStatusCode.NotFound, (await other.PatchAsync($"/api/notifications/{id}/read", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.DeleteAsync($"/api/notifications/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.DeleteAsync("/api/notifications/..%2F..%2Fetc")).StatusCode);
        Assert.True((await JsonAsync(await other.PatchAsync("/api/notifications/read-all", null))).GetProperty("success").GetBoolean());

        var after = (await JsonAsync(await alex.GetAsync("/api/notifications/?limit=100"))).GetProperty("notifications").EnumerateArray()
            .Single(n => n.GetProperty("id").GetGuid() == id);
        Assert.Equal(alexNotification.GetProperty("read").GetBoolean(), after.GetProperty("read").GetBoolean());
    }

    [Fact]
    public async Task Ingest_OnlyAdminsAndIngestKeys()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        var body = new { external_id = $"k-{Guid.NewGuid():N}", user_id = fixture.UserId, merchant = "Shell", amount = -40m };
        var (ingestKey, chatKey) = (await CreateKeyAsync("transactions:ingest"), await CreateKeyAsync("chat"));

        async Task<HttpStatusCode> PostAsync(HttpClient client, string? apiKey = null)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/transactions") { Content = JsonContent.Create(body) };
            if (apiKey is not null)
            {
                request.Headers.Add("X-API-Key", apiKey);
            }

            return (await client.SendAsync(request)).StatusCode;
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(factory.CreateClient()));
        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(factory.CreateClient(fixture.AccessToken)));
        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(factory.CreateClient(), chatKey));
        Assert.Equal(HttpStatusCode.Created, await PostAsync(factory.CreateClient(), ingestKey));
    }

    public static TheoryData<string, string> BadIngestBodies() => new()
    {
        { "{\"external_id\":\"x1\",\"user_id\":\"USER\",\"merchant\":\"Shell\",\"amount\":0}", "amount" },
        { "{\"external_id\":\"x2\",\"user_id\":\"USER\",\"merchant\":\"Shell\",\"amount\":-1.234}", "amount" },
        { "{\"external_id\":\"x3\",\"user_id\":\"USER\",\"merchant\":\"Shell\",\"amount\":-99999999999}", "amount" },
        { "{\"user_id\":\"USER\",\"merchant\":\"Shell\",\"amount\":-1}", "external_id" },
        { "{\"external_id\":\"x4\",\"user_id\":\"" + Guid.Empty + "\",\"merchant\":\"Shell\",\"amount\":-1}", "user_id" },
        { "{\"external_id\":\"x5\",\"user_id\":\"USER\",\"merchant\":\"Shell\",\"amount\":-1,\"timestamp\":\"2001-01-01T00:00:00Z\"}", "timestamp" },
        { "{\"external_id\":\"x6\",\"user_id\":\"USER\",\"merchant\":\"Sh\\u0000ell\",\"amount\":-1}", "$.merchant" }, // refused while reading: no request string holds NUL
        { "{\"external_id\":\"x7'; DROP TABLE Transactions;--\",\"user_id\":\"USER\",\"merchant\":\"Shell\",\"amount\":-1}", "external_id" },
        { "{\"external_id\":\"x8\",\"user_id\":\"USER\",\"merchant\":\"Shell\",\"amount\":-1,\"currency\":\"EURO\"}", "currency" },
        { "{\"external_id\":\"x9\",\"user_id\":\"USER\",\"merchant\":\"Shell\",\"amount\":10000000.49}", "amount" }, // once passed: compared as Int32
        { "{\"external_id\":\"x10\",\"user_id\":\"USER\",\"merchant\":\"Refund \u202Egpj.exe\",\"amount\":-1}", "merchant" }, // reads backwards
    };

    [Fact]
    public async Task Ingest_MerchantInAnyScriptOrWithEmoji_IsStoredAsSent()
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var admin = factory.CreateClient(await factory.LoginAsync("admin@bankbot.dev", VirtualBankerFactory.AdminPassword));
        var response = await admin.PostAsJsonAsync("/api/transactions", new { external_id = "plain-1", user_id = fixture.UserId, merchant = "Café Ñandú 🍕 東京", amount = -9.99m });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var customer = factory.CreateClient(fixture.AccessToken);
        var merchants = (await JsonAsync(await customer.GetAsync("/api/transactions/"))).GetProperty("transactions").EnumerateArray().Select(t => t.GetProperty("merchant").GetString());
        Assert.Contains("Café Ñandú 🍕 東京", merchants);
    }

    [Theory]
    [MemberData(nameof(BadIngestBodies))]
    public async Task Ingest_InvalidBody_Is400NamingTheFieldAndStoresNothing(string json, string field)
    {
        var fixture = await CustomerFixture.CreateAsync(factory);
        using var admin = factory.CreateClient(await factory.LoginAsync("admin@bankbot.dev", VirtualBankerFactory.AdminPassword));

        var response = await admin.PostAsync("/api/transactions",
            new StringContent(json.Replace("USER", fixture.UserId.ToString(), StringComparison.Ordinal), System.Text.Encoding.UTF8, "application/json"));
        var body = await JsonAsync(response, HttpStatusCode.BadRequest);

        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), body.ToString());
        using var customer = factory.CreateClient(fixture.AccessToken);
        Assert.Equal(6, (await JsonAsync(await customer.GetAsync("/api/transactions/"))).GetProperty("total").GetInt32());
    }

    private async Task<Guid> AlexIdAsync()
    {
        using var client = factory.CreateClient(await factory.LoginAsync());
        return (await JsonAsync(await client.GetAsync("/api/auth/me"))).GetProperty("user_id").GetGuid();
    }

    private async Task<string> CreateKeyAsync(string scope)
    {
        using var scopeServices = factory.Services.CreateScope();
        scopeServices.ServiceProvider.GetRequiredService<TenantContext>().UseTenant("demo-bank");
        var created = await scopeServices.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync(scope, [scope], null, null, CancellationToken.None);
        return created.Secret;
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode? expected = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (expected is not null)
        {
            Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode} {text}");
        }
        else
        {
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {text}");
        }

        return JsonDocument.Parse(text).RootElement;
    }
}
