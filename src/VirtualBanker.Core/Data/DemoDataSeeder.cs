using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VirtualBanker.Core.Agents;
using VirtualBanker.Core.Banking;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Insights;
using VirtualBanker.Core.Sessions;
using VirtualBanker.Core.Tenancy;
using VirtualBanker.Core.Tools;

namespace VirtualBanker.Core.Data;

public sealed class DemoOptions
{
    public const string Section = "Demo";

    /// <summary>
    /// Seed the demo tenant, agent and customer when the database has none, and serve <c>/demo/portal</c>. Their passwords are published,
    /// so the host turns this on by itself only in Development (<c>dotnet run</c>); anywhere else <c>Demo:Enabled=true</c> must say so.
    /// </summary>
    public bool Enabled { get; set; }

    /// <summary>The first admin's password. When empty, one is generated and printed once, at first start.</summary>
    public string? AdminPassword { get; set; }

    /// <summary>The demo staff member's password (<c>sam@bankbot.dev</c>). When empty, one is generated and printed once, at first start.</summary>
    public string? StaffPassword { get; set; }
}

/// <summary>
/// Seeds the demo tenant <c>demo-bank</c>, its agent <c>assistant</c>, the customer documented by
/// contract 001 with six months of generated banking, and a tenant/platform admin. Runs once: a
/// database that already has the tenant is left alone.
/// </summary>
public sealed partial class DemoDataSeeder(
    VirtualBankerDbContext db,
    PasswordHashing passwords,
    ISecretProtector protector,
    IOptions<DemoOptions> options,
    TimeProvider clock,
    ILogger<DemoDataSeeder> logger)
{
    public const string TenantId = "demo-bank";
    public const string CustomerEmail = "alex@bankbot.dev";
    public const string CustomerPassword = "BankBot2026!";
    public const string AdminEmail = "admin@bankbot.dev";
    public const string StaffEmail = "sam@bankbot.dev";

    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        using var system = db.Tenant.BeginSystemScope();
        if (await db.Tenants.AnyAsync(t => t.Id == TenantId, cancellationToken))
        {
            return;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        db.Tenants.Add(new Tenant
        {
            Id = TenantId,
            Name = "Demo Bank",
            Domain = "bankbot.dev",
            CreatedAt = now,
            UpdatedAt = now,
            Settings = new TenantSettings
            {
                AvatarEnabled = true,
                AllowedTools = [.. ToolCatalog.ToolNames],
                Policy = new TenantPolicy { PrivacyNoticeUrl = "/demo/privacy.html" },
                PortalAuth = new PortalAuth
                {
                    Secret = TenantSettingsDocument.Protect(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), protector),
                    Issuer = DemoPortal.Issuer,
                    Audience = DemoPortal.Audience,
                },
            },
        });
        db.CapsuleInstallations.AddRange(ToolCatalog.Capsules.Select(c => new CapsuleInstallation { TenantId = TenantId, CapsuleId = c.Id, InstalledAt = now }));
        db.KnowledgeArticles.AddRange(Knowledge.KnowledgeBase.DemoArticles(TenantId, now));
        db.Agents.Add(new Agent
        {
            TenantId = TenantId,
            Slug = "assistant",
            Name = "Assistant",
            Description = "Demo Bank's virtual banker",
            SystemPrompt = "You are Demo Bank's virtual banker. Answer only from the customer's own data and the tools you are given.",
            AllowedTools = [.. ToolCatalog.ToolNames],
            CreatedAt = now,
            UpdatedAt = now,
        });

        var customer = NewUser(CustomerEmail, "Alex Doe", CustomerPassword, now, Roles.Customer);
        var (adminPassword, adminGenerated) = Password(options.Value.AdminPassword);
        var (staffPassword, staffGenerated) = Password(options.Value.StaffPassword);
        var admin = NewUser(AdminEmail, "Demo Admin", adminPassword, now, Roles.TenantAdmin, Roles.PlatformAdmin);
        var staff = NewUser(StaffEmail, "Sam Taylor", staffPassword, now, Roles.Staff);
        db.Users.AddRange(customer, admin, staff);

        var data = DemoDataGenerator.Generate(now);
        var accounts = new Dictionary<AccountType, Account>
        {
            [AccountType.Checking] = NewAccount(customer, AccountType.Checking, "Everyday Checking", now),
            [AccountType.Savings] = NewAccount(customer, AccountType.Savings, "High-Yield Savings", now),
            [AccountType.Credit] = NewAccount(customer, AccountType.Credit, "Rewards Credit Card", now),
        };
        accounts[AccountType.Credit].CreditLimitMinor = 5_000_00;
        foreach (var (type, account) in accounts)
        {
            account.BalanceMinor = data.OpeningBalances[type] + data.Transactions.Where(t => t.Account == type).Sum(t => t.AmountMinor);
        }

        db.Accounts.AddRange(accounts.Values);
        db.Payees.Add(new Actions.Payee { TenantId = TenantId, UserId = customer.Id, Name = "Jamie Rivera", AccountNumber = "4402117788", BankCode = "021000021", CreatedAt = now });
        db.Cards.AddRange(
            new Actions.Card { TenantId = TenantId, UserId = customer.Id, AccountId = accounts[AccountType.Checking].Id, Type = Actions.CardType.Debit, Last4 = "4821", CreatedAt = now, UpdatedAt = now },
            new Actions.Card { TenantId = TenantId, UserId = customer.Id, AccountId = accounts[AccountType.Credit].Id, Type = Actions.CardType.Credit, Last4 = "7390", CreatedAt = now, UpdatedAt = now });
        var transactions = data.Transactions.Select(t => new Transaction
        {
            TenantId = TenantId,
            UserId = customer.Id,
            AccountId = accounts[t.Account].Id,
            ExternalId = t.ExternalId,
            Merchant = t.Merchant,
            Category = t.Category,
            AmountMinor = t.AmountMinor,
            Type = t.AmountMinor < 0 ? TransactionType.Debit : TransactionType.Credit,
            Timestamp = t.Timestamp,
            Tags = [t.Category.ToLowerInvariant()],
            CreatedAt = now,
        }).ToList();
        db.Transactions.AddRange(transactions);

        // Score the history as ingest would have, so the demo starts with the alerts it should have.
        var byId = transactions.ToDictionary(t => t.Id);
        foreach (var (tx, score) in FraudScorer.Replay(transactions.Zip(data.Transactions, (t, g) => new TxData(t.Id, t.Merchant, t.Category, t.AmountMinor, t.Timestamp, g.Account))))
        {
            db.FraudAlerts.Add(new FraudAlert { TenantId = TenantId, UserId = customer.Id, TransactionId = tx.Id, RiskScore = score.Score, Details = score.Details, CreatedAt = tx.Timestamp });
            var notification = TransactionIngestService.FraudNotification(customer.Id, byId[tx.Id], tx.Timestamp);
            notification.TenantId = TenantId;
            db.Notifications.Add(notification);
        }

        db.Notifications.AddRange(
            new Notification { TenantId = TenantId, UserId = customer.Id, Title = "Welcome to Demo Bank", Message = "Your virtual banker is ready. Ask it about your balances, spending or savings.", Type = "info", CreatedAt = now.AddDays(-30) },
            new Notification { TenantId = TenantId, UserId = customer.Id, Title = "Salary received", Message = "Your salary of $2,550.00 from Acme Corp Payroll has arrived.", Type = "info", CreatedAt = now.AddDays(-2) });

        await db.SaveChangesAsync(cancellationToken);
        LogSeeded(logger, TenantId, data.Transactions.Count);
        // Printed once, to the console only: they are not log events and are never stored in clear.
        if (adminGenerated)
        {
            await Console.Error.WriteLineAsync($"VirtualBanker: first admin {AdminEmail} created with a generated password: {adminPassword}");
            await Console.Error.WriteLineAsync("Set Demo__AdminPassword to choose it; it will not be shown again.");
        }

        if (staffGenerated)
        {
            await Console.Error.WriteLineAsync($"VirtualBanker: staff member {StaffEmail} created with a generated password: {staffPassword}");
            await Console.Error.WriteLineAsync("Set Demo__StaffPassword to choose it; it will not be shown again.");
        }
    }

    private static (string Password, bool Generated) Password(string? configured) => string.IsNullOrEmpty(configured)
        ? (RandomNumberGenerator.GetString("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789", 20) + "!7", true)
        : (configured, false);

    private User NewUser(string email, string name, string password, DateTime now, params string[] roles)
    {
        var user = new User
        {
            TenantId = TenantId,
            Email = email,
            Name = name,
            FirstName = name.Split(' ')[0],
            LastName = name.Split(' ')[^1],
            PasswordHash = passwords.Hash(password),
            EmailVerifiedAt = now,
            CreatedAt = now,
            UpdatedAt = now,
        };
        user.Roles.AddRange(roles.Select(r => new UserRole { TenantId = TenantId, UserId = user.Id, Role = r }));
        return user;
    }

    private static Account NewAccount(User owner, AccountType type, string name, DateTime now) =>
        new() { TenantId = TenantId, UserId = owner.Id, Type = type, Name = name, CreatedAt = now };

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded demo tenant {TenantId} with {TransactionCount} transactions")]
    private static partial void LogSeeded(ILogger logger, string tenantId, int transactionCount);
}
