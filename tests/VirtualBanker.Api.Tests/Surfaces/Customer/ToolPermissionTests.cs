using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VirtualBanker.Core.Conversations;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Tenancy;

namespace VirtualBanker.Api.Tests.Surfaces.Customer;

/// <summary>A tool runs only when both the tenant and the agent allow it.</summary>
public sealed class ToolPermissionTests(VirtualBankerFactory factory) : IClassFixture<VirtualBankerFactory>
{
    [Fact]
    public async Task ToolTheAgentDoesNotAllow_IsNeverCalled_AndTheCustomerIsToldPolitely()
    {
        using (var scope = factory.Services.CreateScope())
        {
            scope.ServiceProvider.GetRequiredService<TenantContext>().UseTenant("demo-bank");
            var db = scope.ServiceProvider.GetRequiredService<VirtualBankerDbContext>();
            var agent = await db.Agents.SingleAsync(a => a.Slug == "assistant");
            agent.AllowedTools = [.. agent.AllowedTools.Where(t => t != "get_balances")];
            var tenant = await db.Tenants.SingleAsync(t => t.Id == "demo-bank");
            tenant.Settings.AllowedTools = [.. tenant.Settings.AllowedTools.Where(t => t != "savings_rate")];
            await db.SaveChangesAsync();

            // Written straight to the database, past the admin services that drop the cached copies.
            await scope.ServiceProvider.GetRequiredService<TenantDirectory>().ForgetAsync("demo-bank", CancellationToken.None);
        }

        var fixture = await CustomerFixture.CreateAsync(factory);
        using var client = factory.CreateClient(fixture.AccessToken);

        var balance = await CustomerFixture.AskAsync(client, "what is my balance?");
        var savings = await CustomerFixture.AskAsync(client, "what is my savings rate?");
        var spending = await CustomerFixture.AskAsync(client, "how much did I spend on groceries?");

        Assert.Contains("not allowed to use get balances", balance, StringComparison.Ordinal);
        Assert.DoesNotContain("5,800", balance, StringComparison.Ordinal);
        Assert.Contains("not allowed to use savings rate", savings, StringComparison.Ordinal);
        Assert.Contains("$150.00", spending, StringComparison.Ordinal);

        using var check = factory.Services.CreateScope();
        check.ServiceProvider.GetRequiredService<TenantContext>().UseTenant("demo-bank");
        var calls = await check.ServiceProvider.GetRequiredService<VirtualBankerDbContext>().ConversationEvents
            .Where(e => e.Type == EventTypes.ToolCall).Select(e => e.Payload).ToListAsync();
        Assert.DoesNotContain(calls, c => c.Contains("get_balances", StringComparison.Ordinal) || c.Contains("savings_rate", StringComparison.Ordinal));
        Assert.Contains(calls, c => c.Contains("spending_summary", StringComparison.Ordinal));
    }
}
