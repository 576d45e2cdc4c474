using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Tenancy;

namespace VirtualBanker.Api.Tests.Surfaces.Portal;

/// <summary>The demo bank portal's back end: its own cookie sign-in, and assertions the widget presents to POST /v1/sessions.</summary>
public sealed class DemoPortalTests(VirtualBankerFactory factory) : IClassFixture<VirtualBankerFactory>
{
    [Fact]
    public async Task SignedInCustomer_GetsAnAssertion_ThatOpensAPortalSessionLinkedToThem()
    {
        using var browser = factory.CreateClient();
        var login = await browser.PostAsJsonAsync("/demo/portal/login", new { email = "alex@bankbot.dev", password = "BankBot2026!" });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var cookie = Assert.Single(login.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("Alex Doe", JsonNode.Parse(await browser.GetStringAsync("/demo/portal/me"))!["name"]!.GetValue<string>());

        var assertion = JsonNode.Parse(await (await browser.PostAsync("/demo/portal/assertion", null)).Content.ReadAsStringAsync())!["assertion"]!.GetValue<string>();
        var session = await PortalIssuer.OpenSessionAsync(factory.CreateClient(), "demo-bank", assertion);

        using var scope = factory.Services.CreateScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().UseTenant("demo-bank");
        var db = scope.ServiceProvider.GetRequiredService<VirtualBankerDbContext>();
        var sessionId = session["session_id"]!.GetValue<string>();
        var linked = await db.Sessions.Where(s => s.Id == sessionId).Select(s => s.UserId).SingleAsync();
        Assert.Equal(await db.Users.Where(u => u.Email == "alex@bankbot.dev").Select(u => (Guid?)u.Id).SingleAsync(), linked);

        Assert.Equal(HttpStatusCode.NoContent, (await browser.PostAsync("/demo/portal/logout", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.PostAsync("/demo/portal/assertion", null)).StatusCode);
    }

    [Theory]
    [InlineData("admin@bankbot.dev", VirtualBankerFactory.AdminPassword)]
    [InlineData("alex@bankbot.dev", "wrong-password")]
    [InlineData("", "")]
    public async Task Login_OfAnyoneButADemoCustomer_Is401_AndSetsNoCookie(string email, string password)
    {
        using var browser = factory.CreateClient();
        var login = await browser.PostAsJsonAsync("/demo/portal/login", new { email, password });

        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
        Assert.Equal("application/problem+json", login.Content.Headers.ContentType!.MediaType);
        Assert.False(login.Headers.Contains("Set-Cookie"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.PostAsync("/demo/portal/assertion", null)).StatusCode);
    }

    [Fact]
    public async Task Assertion_WithAForgedCookie_Is401()
    {
        using var browser = factory.CreateClient();
        browser.DefaultRequestHeaders.Add("Cookie", "vb_demo_portal=" + Guid.NewGuid());

        var response = await browser.PostAsync("/demo/portal/assertion", null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
