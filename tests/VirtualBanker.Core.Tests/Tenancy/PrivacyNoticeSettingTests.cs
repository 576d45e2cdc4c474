using System.Text.Json.Nodes;
using VirtualBanker.Core.Errors;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Tenancy;

namespace VirtualBanker.Core.Tests.Tenancy;

/// <summary>The privacy notice the widget links to: a link customers follow, so only https or a path on the portal.</summary>
public sealed class PrivacyNoticeSettingTests
{
    private static TenantSettings Apply(JsonNode? url, TenantSettings? current = null) =>
        TenantSettingsDocument.Apply(current ?? new TenantSettings(), new JsonObject { ["policy"] = new JsonObject { ["privacy_notice_url"] = url } }, new HashSet<string>(), NoSecrets.Instance);

    [Theory]
    [InlineData("https://bank.example/privacy")]
    [InlineData("/legal/privacy.html")]
    public void AnHttpsUrlOrAPortalPath_IsKept_AndRendered(string url)
    {
        var settings = Apply(url);

        Assert.Equal(url, settings.Policy.PrivacyNoticeUrl);
        Assert.Equal(url, TenantSettingsDocument.Render(settings)["policy"]!["privacy_notice_url"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("http://bank.example/privacy")]
    [InlineData("javascript:alert(1)")]
    [InlineData("//evil.example/privacy")]
    [InlineData("/\\evil.example")]
    [InlineData("data:text/html,hi")]
    [InlineData("privacy.html")]
    public void AnyOtherLink_IsRefused_NamingTheField(string url)
    {
        var error = Assert.Throws<AppException>(() => Apply(url)).Error;

        Assert.Contains("settings.policy.privacy_notice_url", error.Details!.Keys);
    }

    [Fact]
    public void EmptyOrNull_RemovesIt_AndLeavingItOut_KeepsIt()
    {
        var set = Apply("/privacy");

        Assert.Null(Apply("", set).Policy.PrivacyNoticeUrl);
        Assert.Null(Apply(null, set).Policy.PrivacyNoticeUrl);
        Assert.Equal("/privacy", TenantSettingsDocument.Apply(set, new JsonObject { ["policy"] = new JsonObject { ["require_consent"] = true } }, new HashSet<string>(), NoSecrets.Instance).Policy.PrivacyNoticeUrl);
    }

    private sealed class NoSecrets : ISecretProtector
    {
        public static readonly NoSecrets Instance = new();

        public string Protect(string plaintext) => throw new InvalidOperationException("no secret here");

        public string Unprotect(string protectedText) => throw new InvalidOperationException("no secret here");
    }
}
