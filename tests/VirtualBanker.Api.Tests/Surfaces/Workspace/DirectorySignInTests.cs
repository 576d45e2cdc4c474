using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VirtualBanker.Api.Tests.Surfaces.Customer;
using VirtualBanker.Api.Tests.Surfaces.Management;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Tenancy;

namespace VirtualBanker.Api.Tests.Surfaces.Workspace;

/// <summary>The server with sign-in through the test OpenID provider, and a clock the tests can move.</summary>
public sealed class DirectoryFactory(OidcProvider provider) : VirtualBankerFactory
{
    public ShiftedClock Clock { get; } = new();

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Oidc:Authority"] = provider.Issuer.ToString().TrimEnd('/'),
        ["Oidc:Scim:Endpoint"] = provider.ScimEndpoint.ToString(),
        ["Oidc:Scim:Token"] = OidcProvider.ScimToken,
        ["Oidc:ClientId"] = OidcProvider.ClientId,
        ["Oidc:ClientSecret"] = OidcProvider.ClientSecret,
        ["Oidc:RequireHttpsMetadata"] = "false",
        ["Oidc:Scopes"] = "openid profile email groups",
        ["Oidc:PostLogoutRedirectUri"] = "http://localhost/",
        ["Oidc:AppPath"] = "/app",
        ["RateLimits:WorkspaceAnonymous:Limit"] = "10000",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    public sealed class ShiftedClock : TimeProvider
    {
        public TimeSpan Offset { get; set; }

        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
    }
}

public sealed class DirectorySignInFixture : IAsyncLifetime
{
    public OidcProvider Provider { get; private set; } = null!;
    public DirectoryFactory Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Provider = await OidcProvider.StartAsync(new JsonObject());
        Factory = new DirectoryFactory(Provider);
        Factory.CreateClient().Dispose();
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Provider.DisposeAsync();
    }
}

/// <summary>Contract 004's sign-in, driven through a real OpenID provider over HTTP: login and consent pages, redirects, code exchange.</summary>
public sealed class DirectorySignInTests(DirectorySignInFixture fixture) : IClassFixture<DirectorySignInFixture>
{
    private const string Cookie = "__Host-vb_session";
    private DirectoryFactory Factory => fixture.Factory;

    [Fact]
    public async Task SignIn_CreatesTheUser_AndASession_InASecureCookie()
    {
        var login = await NewAccountAsync(groups: [], roles: []);
        using var browser = Browser();
        var callback = await AuthorizeAsync(browser, login);
        var response = await browser.SendAsync(HttpMethod.Get, callback);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/app", response.Headers.Location!.OriginalString);
        var setCookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(Cookie + "=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("secure", setCookie);
        Assert.Contains("httponly", setCookie);
        Assert.Contains("samesite=lax", setCookie);
        Assert.Contains("path=/", setCookie);
        var token = browser.ServerCookies[Cookie];

        // The cookie alone authenticates the browser; POST /auth/token hands the same session to a single-page app.
        var me = JsonNode.Parse(await (await browser.SendAsync(HttpMethod.Get, new Uri("http://localhost/api/users/me"))).Content.ReadAsStringAsync())!;
        Assert.Equal($"{login}@directory.test", me["email"]!.GetValue<string>());
        Assert.Equal("Given", me["first_name"]!.GetValue<string>());
        var handed = JsonNode.Parse(await (await browser.SendAsync(HttpMethod.Post, new Uri("http://localhost/auth/token"))).Content.ReadAsStringAsync())!;
        Assert.Equal(token, handed["session_token"]!.GetValue<string>());

        using var client = Factory.CreateClient(token);
        var valid = JsonNode.Parse(await client.GetStringAsync("/auth/validate"))!;
        Assert.True(valid["valid"]!.GetValue<bool>());
        Assert.Equal(me["id"]!.GetValue<string>(), valid["user_id"]!.GetValue<string>());
        Assert.True(valid["expires_at"]!.GetValue<DateTime>() > DateTime.UtcNow.AddHours(7));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/session")).StatusCode);

        // The user is linked by issuer + subject: signing in again finds the same user.
        using var scope = Factory.Services.CreateScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().UseTenant("demo-bank");
        var user = await scope.ServiceProvider.GetRequiredService<VirtualBankerDbContext>().Users.SingleAsync(u => u.ExternalSubject == login);
        Assert.Equal(fixture.Provider.Issuer.ToString().TrimEnd('/'), user.ExternalIssuer);
        var again = await SignInAsync(login);
        using var againClient = Factory.CreateClient(again);
        Assert.Equal(user.Id.ToString(), JsonNode.Parse(await againClient.GetStringAsync("/api/users/me"))!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task ReturnTo_IsALocalPathOnly()
    {
        var login = await NewAccountAsync(groups: [], roles: []);
        using var browser = Browser();
        var response = await browser.SendAsync(HttpMethod.Get, await AuthorizeAsync(browser, login, returnTo: "//evil.example/steal"));
        Assert.Equal("/app", response.Headers.Location!.OriginalString);

        // A local path is where the browser lands, as the README says (the query parameter is return_to).
        using var second = Browser();
        var local = await second.SendAsync(HttpMethod.Get, await AuthorizeAsync(second, login, returnTo: "/app/transactions?page=2"));
        Assert.Equal("/app/transactions?page=2", local.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task TamperedState_IsRejected()
    {
        var login = await NewAccountAsync(groups: [], roles: []);
        using var browser = Browser();
        var callback = await AuthorizeAsync(browser, login);
        var state = Query(callback)["state"]!;
        var tampered = state[..20] + (state[20] == 'A' ? 'B' : 'A') + state[21..];

        var response = await browser.SendAsync(HttpMethod.Get, new Uri(callback.ToString().Replace(state, tampered, StringComparison.Ordinal)));

        await AssertRefusedAsync(response, browser, "state");
    }

    [Fact]
    public async Task ReplayedCode_IsRejected()
    {
        var login = await NewAccountAsync(groups: [], roles: []);
        using var browser = Browser();
        var callback = await AuthorizeAsync(browser, login);
        var cookies = new Dictionary<string, string>(browser.ServerCookies);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SendAsync(HttpMethod.Get, callback)).StatusCode);

        // An attacker who captured the whole callback request (URL and cookies) replays it: the provider refuses the used code.
        browser.ServerCookies.Clear();
        foreach (var (name, value) in cookies)
        {
            browser.ServerCookies[name] = value;
        }

        await AssertRefusedAsync(await browser.SendAsync(HttpMethod.Get, callback), browser, "invalid_grant");
    }

    [Fact]
    public async Task WrongNonce_IsRejected()
    {
        var login = await NewAccountAsync(groups: [], roles: []);
        using var browser = Browser();
        var callback = await AuthorizeAsync(browser, login);
        var firstNonces = browser.ServerCookies.Keys.Where(k => k.StartsWith(".AspNetCore.OpenIdConnect.Nonce.", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(firstNonces);

        // The browser now expects the nonce of a second sign-in; a code issued for the first one is injected into it.
        await browser.SendAsync(HttpMethod.Get, new Uri("http://localhost/auth/login"));
        firstNonces.ForEach(n => browser.ServerCookies.Remove(n));

        await AssertRefusedAsync(await browser.SendAsync(HttpMethod.Get, callback), browser, "nonce");
    }

    [Fact]
    public async Task ExpiredIdToken_IsRejected()
    {
        var login = await NewAccountAsync(groups: [], roles: []);
        using var browser = Browser();
        var callback = await AuthorizeAsync(browser, login);
        Factory.Clock.Offset = TimeSpan.FromHours(2);
        try
        {
            // The provider's ID tokens live one hour; by the server's clock this one is an hour past its expiry.
            await AssertRefusedAsync(await browser.SendAsync(HttpMethod.Get, callback), browser, "Lifetime");
        }
        finally
        {
            Factory.Clock.Offset = TimeSpan.Zero;
        }
    }

    [Fact]
    public async Task Logout_InvalidatesTheSession_AtOnce_AndOffersTheDirectoryLogout()
    {
        var token = await SignInAsync(await NewAccountAsync(groups: [], roles: []));
        using var client = Factory.CreateClient(token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/users/me")).StatusCode);

        var response = await client.PostAsync("/auth/logout", null);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(body["success"]!.GetValue<bool>());
        var logoutUrl = body["logout_url"]!.GetValue<string>();
        Assert.StartsWith(new Uri(fixture.Provider.Issuer, "/session/end").ToString(), logoutUrl);
        Assert.Contains($"client_id={OidcProvider.ClientId}", logoutUrl);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(Cookie + "=;", StringComparison.Ordinal));

        Assert.False(JsonNode.Parse(await client.GetStringAsync("/auth/validate"))!["valid"]!.GetValue<bool>());
        var refused = await client.GetAsync("/api/users/me");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("UNAUTHORIZED", JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task ABrowserThatNavigatesToLogout_IsSentOnToEndTheDirectorySession()
    {
        var token = await SignInAsync(await NewAccountAsync(groups: [], roles: []));
        using var client = Factory.CreateClient(token);
        using var browser = Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/logout");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("Sec-Fetch-Mode", "navigate");

        var response = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith(new Uri(fixture.Provider.Issuer, "/session/end").ToString(), response.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/users/me")).StatusCode);
    }

    [Fact]
    public async Task DeletingTheSessionThatGetSessionNames_EndsIt()
    {
        using var client = Factory.CreateClient(await SignInAsync(await NewAccountAsync(groups: [], roles: [])));
        var sessionId = JsonNode.Parse(await client.GetStringAsync("/api/session"))!["session_id"]!.GetValue<string>();

        var ended = await client.DeleteAsync($"/api/session/{sessionId}");

        Assert.Equal(HttpStatusCode.OK, ended.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/users/me")).StatusCode);
    }

    [Fact]
    public async Task DirectoryGroups_DecideTheBots_AndDirectoryRoles_MakeAdmins()
    {
        using var admin = await Admin.ClientAsync(Factory);
        var botId = JsonNode.Parse(await admin.GetStringAsync("/api/v1/agents"))!.AsArray().Single(a => a!["slug"]!.GetValue<string>() == "assistant")!["id"]!.GetValue<string>();
        var directoryGroup = $"tellers-{Guid.NewGuid():N}";
        var created = await admin.PostAsJsonAsync("/api/groups/create", new { name = $"Tellers {Guid.NewGuid():N}", directory_group = directoryGroup, bot_ids = new[] { botId } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(directoryGroup, JsonNode.Parse(await created.Content.ReadAsStringAsync())!["directory_group"]!.GetValue<string>());

        var login = await NewAccountAsync(groups: [directoryGroup], roles: []);
        using (var teller = Factory.CreateClient(await SignInAsync(login)))
        {
            Assert.Equal(botId, JsonNode.Parse(await teller.GetStringAsync("/api/bots"))!.AsArray().Single()!["id"]!.GetValue<string>());
            Assert.Equal(HttpStatusCode.Forbidden, (await teller.GetAsync("/api/admin/system/status")).StatusCode);
        }

        // Removed from the group in the directory: the next sign-in takes the bot away.
        await SetAccountAsync(login, groups: [], roles: []);
        using (var former = Factory.CreateClient(await SignInAsync(login)))
        {
            Assert.Empty(JsonNode.Parse(await former.GetStringAsync("/api/bots"))!.AsArray());
        }

        // Given the directory's admin role: the user administers the tenant.
        await SetAccountAsync(login, groups: [], roles: ["admin"]);
        using var promoted = Factory.CreateClient(await SignInAsync(login));
        Assert.Equal(HttpStatusCode.OK, (await promoted.GetAsync("/api/admin/system/status")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await promoted.GetAsync("/api/admin/system/metrics")).StatusCode);
    }

    [Fact]
    public async Task ProfileChanges_GoToTheDirectory_OverScim_SoTheNextSignInKeepsThem()
    {
        var login = await NewAccountAsync(groups: [], roles: []);
        using (var client = Factory.CreateClient(await SignInAsync(login)))
        {
            var updated = await client.PutAsJsonAsync("/api/users/me", new { first_name = "Renamed", email = $"{login}@renamed.test" });
            Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        }

        // The directory is the authority at sign-in: had the change stayed local, this sign-in would undo it.
        using var again = Factory.CreateClient(await SignInAsync(login));
        var me = JsonNode.Parse(await again.GetStringAsync("/api/users/me"))!;
        Assert.Equal("Renamed", me["first_name"]!.GetValue<string>());
        Assert.Equal("Family", me["last_name"]!.GetValue<string>());
        Assert.Equal($"{login}@renamed.test", me["email"]!.GetValue<string>());
    }

    [Fact]
    public async Task VerifiedEmail_LinksAnExistingLocalUser_UnverifiedDoesNot()
    {
        var customer = await CustomerFixture.CreateAsync(Factory);
        using var customerClient = Factory.CreateClient(customer.AccessToken);
        var email = JsonNode.Parse(await customerClient.GetStringAsync("/api/users/me"))!["email"]!.GetValue<string>();

        var unverified = $"u{Guid.NewGuid():N}";
        await fixture.Provider.SetAccountAsync(unverified, new JsonObject { ["email"] = email, ["email_verified"] = false });
        using var browser = Browser();
        await AssertRefusedAsync(await browser.SendAsync(HttpMethod.Get, await AuthorizeAsync(browser, unverified)), browser, "cannot be linked");

        var verified = $"v{Guid.NewGuid():N}";
        await fixture.Provider.SetAccountAsync(verified, new JsonObject { ["email"] = email, ["email_verified"] = true });
        using var linked = Factory.CreateClient(await SignInAsync(verified));
        Assert.Equal(customer.UserId.ToString(), JsonNode.Parse(await linked.GetStringAsync("/api/users/me"))!["id"]!.GetValue<string>());

        // The local account's address was never proved: whoever set its password may have been someone else (pre-account
        // takeover). Now the directory has proved the address, that password no longer signs in.
        var local = await Factory.CreateClient().PostAsync("/api/auth/login",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = email, ["password"] = CustomerFixture.Password }));
        Assert.Equal(HttpStatusCode.Unauthorized, local.StatusCode);
    }

    private TestBrowser Browser() => new(Factory.Server.CreateHandler());

    private async Task<string> NewAccountAsync(string[] groups, string[] roles)
    {
        var login = $"user{Guid.NewGuid():N}";
        await SetAccountAsync(login, groups, roles);
        return login;
    }

    private Task SetAccountAsync(string login, string[] groups, string[] roles) => fixture.Provider.SetAccountAsync(login, new JsonObject
    {
        ["email"] = $"{login}@directory.test",
        ["email_verified"] = true,
        ["name"] = "Given Family",
        ["given_name"] = "Given",
        ["family_name"] = "Family",
        ["groups"] = new JsonArray([.. groups.Select(g => (JsonNode)g)]),
        ["roles"] = new JsonArray([.. roles.Select(r => (JsonNode)r)]),
    });

    /// <summary>Runs the flow through the provider's login and consent pages, up to (not into) its redirect to our callback.</summary>
    private static async Task<Uri> AuthorizeAsync(TestBrowser browser, string login, string returnTo = "/app")
    {
        static bool IsCallback(Uri u) => u is { Host: "localhost", IsDefaultPort: true, AbsolutePath: "/auth/callback" };
        var page = await browser.NavigateAsync(new Uri($"http://localhost/auth/login?return_to={Uri.EscapeDataString(returnTo)}"), IsCallback);
        while (page.Response is not null)
        {
            page = page.Prompt switch
            {
                "login" => await browser.SubmitAsync(page, new Dictionary<string, string> { ["login"] = login, ["password"] = "correct horse battery staple" }, IsCallback),
                "consent" => await browser.SubmitAsync(page, new Dictionary<string, string>(), IsCallback),
                _ => throw new InvalidOperationException($"Unexpected page {page.Url} ({page.Response.StatusCode}): {page.Html}"),
            };
        }

        return page.Url;
    }

    private async Task<string> SignInAsync(string login)
    {
        using var browser = Browser();
        var response = await browser.SendAsync(HttpMethod.Get, await AuthorizeAsync(browser, login));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return browser.ServerCookies[Cookie];
    }

    private async Task AssertRefusedAsync(HttpResponseMessage response, TestBrowser browser, string loggedReason)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("UNAUTHORIZED", JsonNode.Parse(body)!["error"]!["code"]!.GetValue<string>());
        Assert.False(browser.ServerCookies.ContainsKey(Cookie));
        Assert.Contains(Factory.Logs, l => l.Contains(loggedReason, StringComparison.OrdinalIgnoreCase) && l.Contains("sign-in", StringComparison.OrdinalIgnoreCase));
    }

    private static Dictionary<string, string?> Query(Uri url) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(url.Query).ToDictionary(p => p.Key, p => (string?)p.Value.ToString());
}

/// <summary>Without a configured directory, the sign-in routes say so in contract 004's shape.</summary>
public sealed class DirectorySignInOffTests(VirtualBankerFactory factory) : IClassFixture<VirtualBankerFactory>
{
    [Theory]
    [InlineData("/auth/login")]
    [InlineData("/auth/callback?code=x&state=y")]
    public async Task SignInRoutes_AreNotFound(string path)
    {
        using var client = factory.CreateClient();
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("NOT_FOUND", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<string>());
        Assert.False(JsonNode.Parse(await client.GetStringAsync("/auth/validate"))!["valid"]!.GetValue<bool>());
    }
}
