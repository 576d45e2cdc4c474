using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using VirtualBanker.Core.Agents;
using VirtualBanker.Core.Banking;
using VirtualBanker.Core.Caching;
using VirtualBanker.Core.Conversations;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Management;
using VirtualBanker.Core.Observability;
using VirtualBanker.Core.Outbound;
using VirtualBanker.Core.Realtime;
using VirtualBanker.Core.Sessions;
using VirtualBanker.Core.Tenancy;
using VirtualBanker.Core.Workspace;

namespace VirtualBanker.Core;

public static class CoreServiceCollectionExtensions
{
    /// <summary>Core services. The host registers the DbContext (provider) and <see cref="ICurrentPrincipal"/>.</summary>
    public static IServiceCollection AddVirtualBankerCore(this IServiceCollection services)
    {
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SignInDelayOptions>().BindConfiguration(SignInDelayOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<TenancyOptions>().BindConfiguration(TenancyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.Section);
        services.AddOptions<Management.BootstrapOptions>().BindConfiguration(Management.BootstrapOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<Staff.StaffOptions>().BindConfiguration(Staff.StaffOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ConversationOptions>().BindConfiguration(ConversationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<NluOptions>().BindConfiguration(NluOptions.Section)
            .Validate(o => o.TrainingFiles.All(File.Exists), "Every Nlu:TrainingFiles entry must be an existing file.").ValidateOnStart();
        services.AddOptions<OidcOptions>().BindConfiguration(OidcOptions.Section).ValidateDataAnnotations()
            .Validate(o => !o.Enabled || !string.IsNullOrWhiteSpace(o.ClientId), "Oidc:ClientId is required when Oidc:Authority is set.").ValidateOnStart();
        services.AddOptions<RealtimeOptions>().BindConfiguration(RealtimeOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PortalOptions>().BindConfiguration(PortalOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<OutboundOptions>().BindConfiguration(OutboundOptions.Section);
        services.AddSingleton<OutboundGuard>();
        services.AddOptions<FraudOptions>().BindConfiguration(FraudOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddScoped<ICurrentPrincipal>(_ => AnonymousPrincipal.Instance);
        services.AddScoped<TenantContext>();
        services.AddSingleton<TenantSaveChangesInterceptor>();
        services.AddSingleton<TenantDirectory>();
        services.AddScoped<TenantAdminService>();
        services.AddScoped<AgentAdminService>();
        services.AddScoped<WorkspaceService>();
        services.AddScoped<DirectorySignInService>();
        services.AddSingleton(sp => new ScimClient(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<OidcOptions>>(), new HttpClient { Timeout = TimeSpan.FromSeconds(5) }));
        services.AddScoped<CapsuleService>();

        services.AddSingleton<PasswordHashing>();
        services.AddSingleton<SigningKeyStore>();
        services.TryAddSingleton<ITokenRevocationList, InMemoryTokenRevocationList>();
        services.TryAddSingleton<IOneTimeIds, InMemoryOneTimeIds>();
        services.AddScoped<TokenService>();
        services.AddScoped<ApiKeyService>();
        services.AddScoped<UserAuthService>();
        services.AddOptions<MailOptions>().BindConfiguration(MailOptions.Section).ValidateDataAnnotations()
            .Validate(o => string.IsNullOrWhiteSpace(o.Host) || o.LinkBaseUrl is not null, "Mail:LinkBaseUrl is required with Mail:Host: links in mails start with it.").ValidateOnStart();
        services.AddSingleton<MailOutbox>();
        services.AddHostedService(sp => sp.GetRequiredService<MailOutbox>());
        services.AddScoped<EmailVerification>();
        services.AddScoped<DemoDataSeeder>();
        services.AddScoped<Management.FirstAdminBootstrap>();
        services.AddSingleton<MetricsCollector>();

        services.AddHybridCache();
        services.TryAddSingleton<ICacheInvalidationBroadcast, SingleNodeCacheInvalidation>();
        services.AddSingleton<CacheInvalidation>();
        services.AddSingleton<UserCache>();
        services.AddScoped<CustomerDataService>();
        services.AddScoped<TransactionIngestService>();
        services.AddScoped<NotificationService>();
        services.AddScoped<Actions.ActionLog>();
        services.AddSingleton<Actions.SqliteGroupCommit>();
        services.AddScoped<Actions.CardService>();
        services.AddScoped<Actions.TransferService>();
        services.AddScoped<Actions.DisputeService>();
        services.AddScoped<Actions.ConfirmationService>();
        services.AddScoped<Knowledge.KnowledgeBase>();
        services.AddScoped<Staff.StaffQueue>();
        services.AddScoped<Staff.TicketDesk>();
        services.AddSingleton<Staff.HandoffSlaWatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<Staff.HandoffSlaWatcher>());

        services.TryAddSingleton<IEventBus, InProcessEventBus>();
        services.TryAddSingleton<IConversationRelay, SingleNodeRelay>();
        services.AddSingleton<ConversationFeed>();
        services.AddSingleton<EventWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<EventWriter>());
        services.AddSingleton<ConversationStream>();
        services.AddScoped<ConversationService>();
        services.AddScoped<ChatSessionService>();
        services.AddScoped<PortalSessionService>();
        services.AddScoped<DemoPortal>();
        services.AddSingleton(sp => new PortalAssertionVerifier(sp.GetRequiredService<ISecretProtector>(),
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<PortalOptions>>(), sp.GetRequiredService<OutboundGuard>().CreateClient(TimeSpan.FromSeconds(5))));
        services.AddScoped<RequeueService>();
        services.AddSingleton<SignalingRelay>();
        services.AddSingleton<IceServers>();
        services.AddScoped<VoiceDispatchService>();
        services.AddSingleton<ChatClientFactory>();
        services.AddScoped<ModelProfileService>();
        services.AddScoped<BriefingWriter>();
        services.AddHostedService<AgentRunner>();
        return services;
    }
}
