using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using VirtualBanker.Core.Knowledge;

namespace VirtualBanker.Api.Surfaces.Gateway;

public sealed record ArticleRequest(
    [property: Required, MinLength(1), MaxLength(200)] string? Title,
    [property: Required, MinLength(1), MaxLength(4000)] string? Body,
    List<string>? Topics);

public sealed record ArticleResponse(Guid Id, string Title, string Body, IReadOnlyList<string> Topics, string UpdatedAt)
{
    public static ArticleResponse From(KnowledgeArticle a) =>
        new(a.Id, a.Title, a.Body, a.Topics.Split(' ', StringSplitOptions.RemoveEmptyEntries), a.UpdatedAt.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
}

/// <summary>The tenant's knowledge base (the knowledge-base capsule's articles), which the assistant searches and cites.</summary>
internal static class KnowledgeEndpoints
{
    public static RouteGroupBuilder MapKnowledgeEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("", async (KnowledgeBase knowledge, CancellationToken ct) => TypedResults.Ok((await knowledge.ListAsync(ct)).Select(ArticleResponse.From).ToList()))
            .WithSummary("The tenant's knowledge-base articles").WithDescription("The FAQ the assistant answers knowledge questions from, citing the article's title.");
        group.MapPost("", CreateAsync);
        group.MapPut("/{articleId:guid}", UpdateAsync);
        group.MapDelete("/{articleId:guid}", async (Guid articleId, KnowledgeBase knowledge, CancellationToken ct) =>
        {
            await knowledge.DeleteAsync(articleId, ct);
            return TypedResults.NoContent();
        }).WithSummary("Deletes a knowledge-base article").WithDescription("The assistant no longer cites it.");
        return group;
    }

    /// <summary>Adds an article to the tenant's knowledge base. The assistant cites it when it answers a knowledge question.</summary>
    public static async Task<Created<ArticleResponse>> CreateAsync(ArticleRequest request, KnowledgeBase knowledge, TimeProvider clock, CancellationToken cancellationToken)
    {
        var article = await knowledge.CreateAsync(Input(request), clock.GetUtcNow().UtcDateTime, cancellationToken);
        return TypedResults.Created($"/v1/knowledge/articles/{article.Id}", ArticleResponse.From(article));
    }

    /// <summary>Changes a knowledge-base article.</summary>
    public static async Task<Ok<ArticleResponse>> UpdateAsync(Guid articleId, ArticleRequest request, KnowledgeBase knowledge, TimeProvider clock, CancellationToken cancellationToken) =>
        TypedResults.Ok(ArticleResponse.From(await knowledge.UpdateAsync(articleId, Input(request), clock.GetUtcNow().UtcDateTime, cancellationToken)));

    private static ArticleInput Input(ArticleRequest request) => new(request.Title!, request.Body!, request.Topics ?? []);
}
