using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using VirtualBanker.Api.Tests.Surfaces.Management;
using VirtualBanker.Api.Tests.Surfaces.Portal;

namespace VirtualBanker.Api.Tests.Surfaces.Customer;

/// <summary>A server that mails through a real SMTP server (<see cref="SmtpSink"/>).</summary>
public sealed class MailFactory(int smtpPort) : VirtualBankerFactory
{
    public const string LinkBase = "https://assistant.bank.test";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Mail:Host"] = "127.0.0.1",
        ["Mail:Port"] = smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Mail:Security"] = "none",
        ["Mail:From"] = "Demo Bank <no-reply@bankbot.dev>",
        ["Mail:LinkBaseUrl"] = LinkBase,
    };
}

/// <summary>
/// E-mail addresses are proved by a link sent through SMTP (MailKit to a real SMTP server), and only a proved address links a bank
/// portal's customer to an account (OWASP: pre-account takeover). Changing the address needs the password.
/// </summary>
public sealed partial class EmailVerificationTests : IAsyncLifetime
{
    private SmtpSink _smtp = null!;
    private MailFactory _factory = null!;

    public async Task InitializeAsync()
    {
        _smtp = await SmtpSink.StartAsync();
        _factory = new MailFactory(_smtp.Port);
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    [Fact]
    public async Task SignUp_MailsALink_ThatVerifiesTheAddressOnce_AndTheTokenIsNeverLogged()
    {
        const string email = "newcomer@bankbot.dev";
        using var anonymous = _factory.CreateClient();
        var registered = await anonymous.PostAsJsonAsync("/api/auth/register", new { email, password = "Fresh-Start-Pass-2026", name = "New Comer" });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        using var customer = _factory.CreateClient(JsonNode.Parse(await registered.Content.ReadAsStringAsync())!["access_token"]!.GetValue<string>());
        Assert.False(JsonNode.Parse(await customer.GetStringAsync("/api/auth/me"))!["email_verified"]!.GetValue<bool>());

        var mail = await _smtp.MailToAsync(email);
        Assert.Equal("Confirm your e-mail address", mail["subject"]!.GetValue<string>());
        Assert.Contains("no-reply@bankbot.dev", mail["from"]!.GetValue<string>(), StringComparison.Ordinal);
        var link = new Uri(Link().Match(mail["text"]!.GetValue<string>()).Value);
        Assert.Equal(MailFactory.LinkBase, link.GetLeftPart(UriPartial.Authority));

        var verified = await anonymous.GetAsync(link.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        Assert.True(JsonNode.Parse(await customer.GetStringAsync("/api/auth/me"))!["email_verified"]!.GetValue<bool>());

        // Single use; and a made-up token is the same 400 in the contract's shape.
        var again = await anonymous.GetAsync(link.PathAndQuery);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.GetAsync("/api/auth/verify-email?token=" + new string('x', 43))).StatusCode);
        Assert.DoesNotContain(link.Query[7..], string.Join('\n', _factory.Logs), StringComparison.Ordinal);
    }

    [Fact]
    public async Task APortalAssertion_LinksAVerifiedAddressOnly_SoSigningUpWithSomeoneElsesAddressGainsNothing()
    {
        using var admin = await Admin.ClientAsync(_factory);
        await Admin.ConfigureAsync(admin, "demo-bank", PortalIssuer.Hs256Settings());
        using var anonymous = _factory.CreateClient();

        // An attacker signs up first with the address of a bank customer who has not signed up yet (nothing proves the address).
        const string victim = "victim@bankbot.dev";
        Assert.Equal(HttpStatusCode.Created, (await anonymous.PostAsJsonAsync("/api/auth/register", new { email = victim, password = "Squatter-Pass-2026", name = "Squatter" })).StatusCode);
        await PortalIssuer.OpenSessionAsync(anonymous, "demo-bank", PortalIssuer.Hs256("bank-customer-1", email: victim));
        Assert.Null(await LinkedSubjectAsync(victim));

        // A customer who proved their address is linked by the bank's assertion.
        const string owner = "owner@bankbot.dev";
        Assert.Equal(HttpStatusCode.Created, (await anonymous.PostAsJsonAsync("/api/auth/register", new { email = owner, password = "Rightful-Pass-2026!", name = "Owner" })).StatusCode);
        var link = new Uri(Link().Match((await _smtp.MailToAsync(owner))["text"]!.GetValue<string>()).Value);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(link.PathAndQuery)).StatusCode);
        await PortalIssuer.OpenSessionAsync(anonymous, "demo-bank", PortalIssuer.Hs256("bank-customer-2", email: owner));
        Assert.Equal("bank-customer-2", await LinkedSubjectAsync(owner));
    }

    [Fact]
    public async Task ChangingTheAddress_NeedsThePassword_AndTheNewAddressIsUnverifiedUntilItsLinkIsUsed()
    {
        var customer = await CustomerFixture.CreateAsync(_factory);
        using var client = _factory.CreateClient(customer.AccessToken);
        const string moved = "moved@bankbot.dev";

        var without = await client.PutAsJsonAsync("/api/users/me", new { email = moved });
        var wrong = await client.PutAsJsonAsync("/api/users/me", new { email = moved, current_password = "Not-The-Password-1" });
        Assert.Equal(HttpStatusCode.BadRequest, without.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("current_password", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(customer.Email, JsonNode.Parse(await client.GetStringAsync("/api/users/me"))!["email"]!.GetValue<string>());

        // The check is a sign-in's, under the same delays: a stolen session cannot try passwords here faster than at the sign-in.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await client.PutAsJsonAsync("/api/users/me", new { email = moved, current_password = $"Guess-{i}-Wrong" })).StatusCode);
        }

        var waiting = await client.PutAsJsonAsync("/api/users/me", new { email = moved, current_password = CustomerFixture.Password });
        Assert.Equal(HttpStatusCode.TooManyRequests, waiting.StatusCode);
        await Task.Delay(waiting.Headers.RetryAfter!.Delta!.Value + TimeSpan.FromMilliseconds(200));

        var changed = await client.PutAsJsonAsync("/api/users/me", new { email = moved, current_password = CustomerFixture.Password });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.False(JsonNode.Parse(await client.GetStringAsync("/api/auth/me"))!["email_verified"]!.GetValue<bool>());
        var link = new Uri(Link().Match((await _smtp.MailToAsync(moved))["text"]!.GetValue<string>()).Value);
        Assert.Equal(HttpStatusCode.OK, (await _factory.CreateClient().GetAsync(link.PathAndQuery)).StatusCode);
        Assert.True(JsonNode.Parse(await client.GetStringAsync("/api/auth/me"))!["email_verified"]!.GetValue<bool>());
    }

    private async Task<string?> LinkedSubjectAsync(string email)
    {
        await using var scope = CustomerFixture.Database(_factory, out var db);
        return await db.Users.Where(u => u.Email == email).Select(u => u.ExternalSubject).SingleAsync();
    }

    [GeneratedRegex(@"https://assistant\.bank\.test/api/auth/verify-email\?token=[A-Za-z0-9_-]+")]
    private static partial Regex Link();
}
