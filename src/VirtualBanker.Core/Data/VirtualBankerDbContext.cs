using Microsoft.EntityFrameworkCore;
using VirtualBanker.Core.Actions;
using VirtualBanker.Core.Agents;
using VirtualBanker.Core.Banking;
using VirtualBanker.Core.Conversations;
using VirtualBanker.Core.Identity;
using VirtualBanker.Core.Sessions;
using VirtualBanker.Core.Tenancy;

namespace VirtualBanker.Core.Data;

/// <summary>
/// The one database context. Contexts are pooled (<see cref="DataServiceCollectionExtensions.AddVirtualBankerDbContext"/>):
/// each use binds the context to its scope's <see cref="TenantContext"/> with <see cref="For"/>, and returning it
/// to the pool unbinds it. An unbound context fails every query and save rather than guess a tenant.
/// </summary>
public sealed class VirtualBankerDbContext(DbContextOptions<VirtualBankerDbContext> options) : DbContext(options)
{
    private TenantContext? _tenant;

    public DbSet<Tenant> Tenants => Set<Tenant>();
    public DbSet<User> Users => Set<User>();
    public DbSet<UserRole> UserRoles => Set<UserRole>();
    public DbSet<Group> Groups => Set<Group>();
    public DbSet<GroupMember> GroupMembers => Set<GroupMember>();
    public DbSet<GroupAgent> GroupAgents => Set<GroupAgent>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<RefreshToken> RefreshTokens => Set<RefreshToken>();
    public DbSet<SigningKey> SigningKeys => Set<SigningKey>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<Agent> Agents => Set<Agent>();
    public DbSet<ModelProfile> ModelProfiles => Set<ModelProfile>();
    public DbSet<Capsule> Capsules => Set<Capsule>();
    public DbSet<CapsuleInstallation> CapsuleInstallations => Set<CapsuleInstallation>();
    public DbSet<Session> Sessions => Set<Session>();
    public DbSet<ConversationEvent> ConversationEvents => Set<ConversationEvent>();
    public DbSet<RequeueItem> RequeueItems => Set<RequeueItem>();
    public DbSet<Account> Accounts => Set<Account>();
    public DbSet<Transaction> Transactions => Set<Transaction>();
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<FraudAlert> FraudAlerts => Set<FraudAlert>();
    public DbSet<Ticket> Tickets => Set<Ticket>();
    public DbSet<Staff.Handoff> Handoffs => Set<Staff.Handoff>();
    public DbSet<Card> Cards => Set<Card>();
    public DbSet<Confirmation> Confirmations => Set<Confirmation>();
    public DbSet<ActionAudit> ActionAudits => Set<ActionAudit>();
    public DbSet<Payee> Payees => Set<Payee>();
    public DbSet<Transfer> Transfers => Set<Transfer>();
    public DbSet<LedgerEntry> LedgerEntries => Set<LedgerEntry>();
    public DbSet<TransferDay> TransferDays => Set<TransferDay>();
    public DbSet<Dispute> Disputes => Set<Dispute>();
    public DbSet<Knowledge.KnowledgeArticle> KnowledgeArticles => Set<Knowledge.KnowledgeArticle>();

    internal TenantContext Tenant => _tenant ?? throw new InvalidOperationException("This context is not bound to a tenant scope: resolve it from a service scope.");

    /// <summary>Binds the context to the tenant scope of one request (or one unit of background work).</summary>
    public VirtualBankerDbContext For(TenantContext tenant)
    {
        _tenant = tenant;
        return this;
    }

    public override void Dispose()
    {
        _tenant = null;
        base.Dispose();
    }

    public override ValueTask DisposeAsync()
    {
        _tenant = null;
        return base.DisposeAsync();
    }

    // Read by the query filters on every query: EF parameterises members of the context instance.
    // The filter becomes "(@off OR TenantId = @tenant)" in SQL, which no index can seek on. So the indexes
    // lead with the column a query looks up (UserId, Email, ExternalId, Slug) and end with TenantId:
    // an index that starts with TenantId is never used and the table is scanned (measured: the
    // dashboard's reads scanned every customer's transactions).
    internal string? CurrentTenantId => Tenant.TenantId;
    internal bool TenantFilterOff => Tenant.IsSystem;

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(VirtualBankerDbContext).Assembly);

        var applyFilter = typeof(VirtualBankerDbContext).GetMethod(nameof(ApplyTenantFilter),
            System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
        foreach (var entity in modelBuilder.Model.GetEntityTypes().Where(t => typeof(ITenantOwned).IsAssignableFrom(t.ClrType)))
        {
            applyFilter.MakeGenericMethod(entity.ClrType).Invoke(this, [modelBuilder]);
        }
    }

    private void ApplyTenantFilter<T>(ModelBuilder modelBuilder) where T : class, ITenantOwned
    {
        modelBuilder.Entity<T>().Property(e => e.TenantId).HasMaxLength(64).IsRequired();
        modelBuilder.Entity<T>().HasQueryFilter(e => TenantFilterOff || e.TenantId == CurrentTenantId);
    }
}
