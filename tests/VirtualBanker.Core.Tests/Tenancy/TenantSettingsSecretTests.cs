using System.Text;
using System.Text.Json.Nodes;
using VirtualBanker.Core.Errors;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Tenancy;

namespace VirtualBanker.Core.Tests.Tenancy;

/// <summary>Every shape a secret can take in a tenant's settings is encrypted at rest, redacted when read, and kept when sent back redacted.</summary>
public sealed class TenantSettingsSecretTests
{
    private static readonly ISecretProtector Protector = new Base64Protector();

    private const string Integration = """
        {
          "vault": {
            "url": "https://vault.bank.example",
            "passphrase": "correct horse battery",
            "private_key_pem": "-----BEGIN PRIVATE KEY-----abc",
            "pin_token": 123456,
            "api-keys": ["first-key", "second-key"],
            "client_credentials": { "id": "client-7", "secret": "client-secret", "scopes": ["read"] },
            "webhooks": [ { "url": "https://hooks.example/a", "signing_secret": "whsec-1" }, { "url": "https://hooks.example/b", "signing_secret": "whsec-2" } ],
            "public_key": "-----BEGIN PUBLIC KEY-----pub",
            "timeout_seconds": 5,
            "enabled": true
          }
        }
        """;

    private static readonly string[] Secrets = ["correct horse battery", "-----BEGIN PRIVATE KEY-----abc", "123456", "first-key", "second-key", "client-7", "client-secret", "read", "whsec-1", "whsec-2"];

    [Fact]
    public void EverySecretShape_IsEncrypted_Redacted_AndTheRestIsKeptAsSent()
    {
        var settings = TenantSettingsDocument.Apply(new TenantSettings(), JsonNode.Parse(Integration)!.AsObject(), new HashSet<string>(), Protector);
        var stored = settings.Integrations["vault"].ToJsonString();
        var rendered = TenantSettingsDocument.Render(settings)["vault"]!;

        Assert.All(Secrets, secret => Assert.DoesNotContain(secret, stored, StringComparison.Ordinal));
        Assert.All(Secrets, secret => Assert.DoesNotContain(secret, rendered.ToJsonString(), StringComparison.Ordinal));
        Assert.Equal("********", rendered["pin_token"]!.GetValue<string>());
        Assert.Equal(["********", "********"], rendered["api-keys"]!.AsArray().Select(k => k!.GetValue<string>()));
        Assert.Equal("********", rendered["webhooks"]![1]!["signing_secret"]!.GetValue<string>());
        Assert.Equal("https://hooks.example/b", rendered["webhooks"]![1]!["url"]!.GetValue<string>());
        Assert.Equal("-----BEGIN PUBLIC KEY-----pub", rendered["public_key"]!.GetValue<string>());
        Assert.Equal(5, rendered["timeout_seconds"]!.GetValue<int>());
        Assert.True(rendered["enabled"]!.GetValue<bool>());
        Assert.Equal("123456", Reveal(settings, s => s["pin_token"]));
        Assert.Equal("whsec-2", Reveal(settings, s => s["webhooks"]![1]!["signing_secret"]));
    }

    [Fact]
    public void WhatWasRead_SentBack_KeepsEveryStoredSecret()
    {
        var settings = TenantSettingsDocument.Apply(new TenantSettings(), JsonNode.Parse(Integration)!.AsObject(), new HashSet<string>(), Protector);
        var readBack = new JsonObject { ["vault"] = TenantSettingsDocument.Render(settings)["vault"]!.DeepClone() };

        var again = TenantSettingsDocument.Apply(settings, readBack, new HashSet<string>(), Protector);

        Assert.Equal("correct horse battery", Reveal(again, s => s["passphrase"]));
        Assert.Equal("second-key", Reveal(again, s => s["api-keys"]![1]));
        Assert.Equal("client-secret", Reveal(again, s => s["client_credentials"]!["secret"]));
        Assert.Equal("whsec-1", Reveal(again, s => s["webhooks"]![0]!["signing_secret"]));
    }

    [Fact]
    public void ARedactedValueWithNothingStoredThere_IsRefusedNamingThePlace()
    {
        var input = JsonNode.Parse("""{ "vault": { "api_keys": ["********"] } }""")!.AsObject();

        var error = Assert.Throws<AppException>(() => TenantSettingsDocument.Apply(new TenantSettings(), input, new HashSet<string>(), Protector)).Error;

        Assert.Equal(["settings.vault.api_keys[0]"], error.Details!.Keys);
    }

    [Theory]
    [InlineData("password", true)]
    [InlineData("db_passwd", true)]
    [InlineData("Passphrase", true)]
    [InlineData("private_key_pem", true)]
    [InlineData("tls.pem", true)]
    [InlineData("api-key", true)]
    [InlineData("x_api_key_id", true)]
    [InlineData("refresh_token", true)]
    [InlineData("credentials", true)]
    [InlineData("public_key", false)]
    [InlineData("publicKeyPem", false)]
    [InlineData("server_url", false)]
    [InlineData("room", false)]
    public void TheNameRule(string name, bool secret) => Assert.Equal(secret, TenantSettingsDocument.IsSecretName(name));

    private static string Reveal(TenantSettings settings, Func<JsonObject, JsonNode?> field) =>
        TenantSettingsDocument.Reveal(field(settings.Integrations["vault"])!.GetValue<string>(), Protector);

    private sealed class Base64Protector : ISecretProtector
    {
        public string Protect(string plaintext) => Convert.ToBase64String(Encoding.UTF8.GetBytes(plaintext));

        public string Unprotect(string protectedText) => Encoding.UTF8.GetString(Convert.FromBase64String(protectedText));
    }
}
