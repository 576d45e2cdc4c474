using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace VirtualBanker.Api.Tests.Surfaces.Portal;

/// <summary>Plays the bank's portal: signs customer assertions with a shared secret, an EC key or an RSA key published as a JWKS.</summary>
public sealed class PortalIssuer
{
    public const string Issuer = "https://portal.bankbot.dev";
    public const string Audience = "virtualbanker";
    public const string Secret = "portal-shared-secret-of-at-least-32-bytes!";

    /// <summary>POST /v1/sessions as the portal; the created session (session_id, ephemeral_token, config...), failing the test otherwise.</summary>
    public static async Task<JsonObject> OpenSessionAsync(HttpClient anonymous, string tenant, string assertion)
    {
        var response = await anonymous.PostAsJsonAsync("/v1/sessions", new { tenant_id = tenant, auth_assertion = assertion });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, body);
        return JsonNode.Parse(body)!.AsObject();
    }

    public ECDsa Ec { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    public RSA Rsa { get; } = RSA.Create(2048);

    public static JsonObject Hs256Settings(bool requireConsent = false, int rateLimitPerMinute = 100, int maxMinutes = 30) => new()
    {
        ["portal_auth"] = new JsonObject { ["type"] = "hs256", ["secret"] = Secret, ["issuer"] = Issuer, ["audience"] = Audience },
        ["policy"] = new JsonObject { ["require_consent"] = requireConsent, ["rate_limit_per_minute"] = rateLimitPerMinute, ["max_session_duration_minutes"] = maxMinutes },
    };

    public JsonObject EcSettings() => new()
    {
        ["portal_auth"] = new JsonObject { ["type"] = "public_key", ["public_key"] = Ec.ExportSubjectPublicKeyInfoPem(), ["issuer"] = Issuer, ["audience"] = Audience },
        ["policy"] = new JsonObject { ["require_consent"] = false, ["rate_limit_per_minute"] = 100 },
    };

    /// <summary>Settings of a tenant whose portal publishes its key at <paramref name="jwks"/> (see <see cref="StartJwksAsync"/>).</summary>
    public static JsonObject JwksSettings(WebApplication jwks) => new()
    {
        ["portal_auth"] = new JsonObject { ["type"] = "jwks", ["jwks_url"] = jwks.Urls.First() + "/jwks.json", ["issuer"] = Issuer, ["audience"] = Audience },
    };

    /// <summary>An HS256 assertion: single-use <c>jti</c>, issued five minutes before <paramref name="expires"/>; <paramref name="shape"/> changes it further.</summary>
    public static string Hs256(string subject, string? email = null, string issuer = Issuer, string audience = Audience, DateTime? expires = null, string secret = Secret,
        Action<SecurityTokenDescriptor>? shape = null) =>
        Sign(new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)), SecurityAlgorithms.HmacSha256), subject, email, issuer, audience, expires, shape);

    public string Es256(string subject) => Sign(new SigningCredentials(new ECDsaSecurityKey(Ec), SecurityAlgorithms.EcdsaSha256), subject, null, Issuer, Audience, null);

    public string Rs256(string subject, string keyId = "portal-key-1") =>
        Sign(new SigningCredentials(new RsaSecurityKey(Rsa) { KeyId = keyId }, SecurityAlgorithms.RsaSha256), subject, null, Issuer, Audience, null);

    /// <summary>An unsigned token (<c>alg: none</c>) claiming to be the portal.</summary>
    public static string Unsigned(string subject)
    {
        static string Part(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));
        var exp = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds();
        return $"{Part("{\"alg\":\"none\",\"typ\":\"JWT\"}")}.{Part($"{{\"sub\":\"{subject}\",\"iss\":\"{Issuer}\",\"aud\":\"{Audience}\",\"exp\":{exp}}}")}.";
    }

    /// <summary>Serves this issuer's RSA public key as a JWKS on 127.0.0.1.</summary>
    public async Task<WebApplication> StartJwksAsync(string keyId = "portal-key-1")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(Rsa.ExportParameters(false)) { KeyId = keyId });
        var jwks = new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject { ["kty"] = "RSA", ["kid"] = keyId, ["use"] = "sig", ["alg"] = "RS256", ["n"] = jwk.N, ["e"] = jwk.E }),
        };
        app.MapGet("/jwks.json", () => Results.Text(jwks.ToJsonString(), "application/json"));
        await app.StartAsync();
        return app;
    }

    private static string Sign(SigningCredentials credentials, string subject, string? email, string issuer, string audience, DateTime? expires,
        Action<SecurityTokenDescriptor>? shape = null)
    {
        var exp = expires ?? DateTime.UtcNow.AddMinutes(5);
        var claims = new Dictionary<string, object> { ["sub"] = subject, ["jti"] = Guid.NewGuid().ToString("N") };
        if (email is not null)
        {
            claims["email"] = email;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = exp.AddMinutes(-5),
            NotBefore = exp.AddMinutes(-5),
            Expires = exp,
            Claims = claims,
            SigningCredentials = credentials,
        };
        shape?.Invoke(descriptor);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }
}
