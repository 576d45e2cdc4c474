using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using VirtualBanker.Core.Actions;
using VirtualBanker.Core.Banking;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Tenancy;

namespace VirtualBanker.Api.Tests.Surfaces.Customer;

/// <summary>
/// A freshly registered customer with figures easy to check by hand, all within the last week:
/// checking 1,000, savings 5,000, card −200; salary +3,000, rent −1,200, groceries −75 twice,
/// Netflix −15, dining −35 (daytime, weekdays or not); a debit card ending 1111 on checking and a credit card ending 2222
/// (limit 2,000).
/// </summary>
public sealed record CustomerFixture(Guid UserId, string AccessToken, Guid CheckingId, Guid DebitCardId = default, Guid CreditCardId = default, string Email = "")
{
    public const string Password = "Fixture-Pass-2026";

    public static async Task<CustomerFixture> CreateAsync(VirtualBankerFactory factory)
    {
        using var client = factory.CreateClient();
        var email = $"fixture-{Guid.NewGuid():N}@bankbot.dev";
        var response = await client.PostAsJsonAsync("/api/auth/register", new { email, password = Password, name = "Fixture Person" });
        response.EnsureSuccessStatusCode();
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var userId = body.GetProperty("user_id").GetGuid();

        using var scope = factory.Services.CreateScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().UseTenant("demo-bank");
        var db = scope.ServiceProvider.GetRequiredService<VirtualBankerDbContext>();
        var now = DateTime.UtcNow;
        Account NewAccount(AccountType type, long balance) => new() { UserId = userId, Type = type, Name = type.ToString(), BalanceMinor = balance, CreatedAt = now };
        var checking = NewAccount(AccountType.Checking, 1000_00);
        var credit = NewAccount(AccountType.Credit, -200_00);
        credit.CreditLimitMinor = 2_000_00;
        db.Accounts.AddRange(checking, NewAccount(AccountType.Savings, 5000_00), credit);
        var debitCard = new Card { UserId = userId, AccountId = checking.Id, Type = CardType.Debit, Last4 = "1111", CreatedAt = now, UpdatedAt = now };
        var creditCard = new Card { UserId = userId, AccountId = credit.Id, Type = CardType.Credit, Last4 = "2222", CreatedAt = now, UpdatedAt = now };
        db.Cards.AddRange(debitCard, creditCard);
        var day = 0;
        foreach (var (merchant, category, minor) in new (string, string, long)[]
        {
            ("Acme Payroll", Categories.Income, 3000_00), ("Parkview Apartments", Categories.Housing, -1200_00),
            ("Whole Foods", Categories.Groceries, -75_00), ("Whole Foods", Categories.Groceries, -75_00),
            ("Netflix", Categories.Subscriptions, -15_00), ("Chipotle", Categories.Dining, -35_00),
        })
        {
            day++;
            db.Transactions.Add(new Transaction
            {
                UserId = userId,
                AccountId = checking.Id,
                Merchant = merchant,
                Category = category,
                AmountMinor = minor,
                Type = minor < 0 ? TransactionType.Debit : TransactionType.Credit,
                Timestamp = now.Date.AddDays(-day).AddHours(12),
                Tags = [category.ToLowerInvariant()],
                CreatedAt = now,
            });
        }

        await db.SaveChangesAsync();
        return new CustomerFixture(userId, body.GetProperty("access_token").GetString()!, checking.Id, debitCard.Id, creditCard.Id, email);
    }

    /// <summary>A scope of the server's services in the demo tenant, for reading and arranging the database directly.</summary>
    public static AsyncServiceScope Database(VirtualBankerFactory factory, out VirtualBankerDbContext db)
    {
        var scope = factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().UseTenant("demo-bank");
        db = scope.ServiceProvider.GetRequiredService<VirtualBankerDbContext>();
        return scope;
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) => JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    /// <summary>The assistant's answer to one message (POST /api/ai/chat, contract 001).</summary>
    public static async Task<string> AskAsync(HttpClient client, string message) =>
        JsonDocument.Parse(await (await client.PostAsJsonAsync("/api/ai/chat", new { message })).Content.ReadAsStringAsync())
            .RootElement.GetProperty("response").GetString()!;
}
