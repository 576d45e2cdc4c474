using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace VirtualBanker.Api.Tests;

/// <summary>
/// The host on a clock the test moves: a session's end, a token's expiry or an hour of password guessing
/// without waiting for it. Open sockets' tokens are checked every (fake) second.
/// </summary>
public sealed class FakeClockFactory : VirtualBankerFactory
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Conversation:TokenCheckSeconds"] = "1" };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}
