using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VirtualBanker.Core.Data;

namespace VirtualBanker.Core.Knowledge;

/// <summary>One article of a tenant's knowledge base (the knowledge-base capsule's content): what the assistant cites.</summary>
public sealed class KnowledgeArticle : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public string TenantId { get; set; } = "";
    public required string Title { get; set; }
    public required string Body { get; set; }

    /// <summary>The intents (Banking77 names such as <c>card_arrival</c>) the article answers, space-separated.</summary>
    public string Topics { get; set; } = "";

    public DateTime UpdatedAt { get; set; }
}

internal sealed class KnowledgeArticleConfiguration : IEntityTypeConfiguration<KnowledgeArticle>
{
    public void Configure(EntityTypeBuilder<KnowledgeArticle> builder)
    {
        builder.Property(a => a.Title).HasMaxLength(200);
        builder.Property(a => a.Body).HasMaxLength(4000);
        builder.Property(a => a.Topics).HasMaxLength(1000);
        builder.HasIndex(a => a.TenantId);
    }
}
