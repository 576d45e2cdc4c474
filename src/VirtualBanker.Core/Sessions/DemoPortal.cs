using System.Security.Claims;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Tenancy;

namespace VirtualBanker.Core.Sessions;

public sealed record DemoCustomer(string Email, string Name);

/// <summary>
/// What a bank's portal back end does before its page loads the widget: sign a short-lived assertion
/// for its signed-in customer (contract 000's <c>auth_assertion</c>). The demo page plays that bank,
/// with the HS256 secret the seeder gave the demo tenant; a real bank signs with its own key.
/// </summary>
public sealed class DemoPortal(VirtualBankerDbContext db, TenantDirectory tenants, ISecretProtector protector, TimeProvider clock)
{
    public const string Issuer = "https://portal.bankbot.dev";
    public const string Audience = "virtualbanker";
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);
    private static readonly JsonWebTokenHandler Handler = new();

    /// <summary>
    /// The assertion for a customer of the demo tenant; null for anyone else, or when the tenant no
    /// longer has the seeded key (an admin changed it).
    /// </summary>
    public async Task<string?> SignAssertionAsync(Guid userId, CancellationToken cancellationToken)
    {
        var tenant = await tenants.FindAsync(DemoDataSeeder.TenantId, cancellationToken);
        if (tenant?.Settings.PortalAuth is not { Type: PortalAuth.Hs256, Secret: { } secret, Issuer: Issuer, Audience: Audience })
        {
            return null;
        }

        if (await CustomerAsync(userId, cancellationToken) is not { } customer)
        {
            return null;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Subject = new ClaimsIdentity([new Claim(JwtRegisteredClaimNames.Sub, userId.ToString()), new Claim(JwtRegisteredClaimNames.Email, customer.Email),
                new Claim(JwtRegisteredClaimNames.Jti, Guid.NewGuid().ToString("N"))]), // single use: each page load signs its own
            IssuedAt = now,
            NotBefore = now,
            Expires = now.Add(Lifetime),
            SigningCredentials = new SigningCredentials(
                new SymmetricSecurityKey(Encoding.UTF8.GetBytes(TenantSettingsDocument.Reveal(secret, protector))), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>An active customer of the demo tenant, by id.</summary>
    public async Task<DemoCustomer?> CustomerAsync(Guid userId, CancellationToken cancellationToken)
    {
        db.Tenant.UseTenant(DemoDataSeeder.TenantId);
        return await db.Users.Where(u => u.Id == userId && u.Active && u.Roles.Any(r => r.Role == Roles.Customer))
            .Select(u => new DemoCustomer(u.Email, u.Name)).FirstOrDefaultAsync(cancellationToken);
    }
}
