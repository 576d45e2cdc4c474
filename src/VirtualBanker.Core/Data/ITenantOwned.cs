namespace VirtualBanker.Core.Data;

/// <summary>A row that belongs to exactly one tenant. The DbContext filters and stamps these.</summary>
public interface ITenantOwned
{
    string TenantId { get; set; }
}
