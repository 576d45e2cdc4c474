using Microsoft.EntityFrameworkCore;
using VirtualBanker.Core.Data;
using VirtualBanker.Core.Errors;

namespace VirtualBanker.Core.Actions;

public sealed record CardView(Guid Id, Guid AccountId, string Last4, string Type, string Status)
{
    public static CardView Of(Card card) =>
        new(card.Id, card.AccountId, card.Last4, card.Type.ToString().ToLowerInvariant(), card.Status.ToString().ToLowerInvariant());
}

public sealed record ReportLostResult(CardView Card, CardView Replacement);

/// <summary>
/// A customer's cards: freeze and unfreeze (a frozen card's new authorisations are declined at ingest), and report
/// one lost or stolen (it is blocked at once and a replacement issued). Every change runs through <see cref="ActionLog"/>.
/// </summary>
public sealed class CardService(VirtualBankerDbContext db, ActionLog log, TimeProvider clock)
{
    public const string Freeze = "card.freeze";
    public const string Unfreeze = "card.unfreeze";
    public const string ReportLost = "card.report_lost";

    public Task<List<Card>> ListAsync(Guid userId, CancellationToken cancellationToken) =>
        db.Cards.AsNoTracking().Where(c => c.UserId == userId).OrderBy(c => c.Type).ThenBy(c => c.CreatedAt).ToListAsync(cancellationToken);

    public Task<CardView> FreezeAsync(ActionContext context, Guid cardId, CancellationToken cancellationToken) =>
        ChangeAsync(context, Freeze, cardId, CardStatus.Active, CardStatus.Frozen, cancellationToken);

    public Task<CardView> UnfreezeAsync(ActionContext context, Guid cardId, CancellationToken cancellationToken) =>
        ChangeAsync(context, Unfreeze, cardId, CardStatus.Frozen, CardStatus.Active, cancellationToken);

    public Task<ReportLostResult> ReportLostAsync(ActionContext context, Guid cardId, bool stolen, CancellationToken cancellationToken) =>
        log.RunAsync<ReportLostResult>(context, ReportLost, new { cardId, stolen }, async () =>
        {
            var card = await OwnAsync(context.UserId, cardId, cancellationToken);
            if (card.Status is not (CardStatus.Active or CardStatus.Frozen))
            {
                throw new AppException(new AppError("card_not_active", 409, $"This card is already {card.Status.ToString().ToLowerInvariant()}."));
            }

            var now = clock.GetUtcNow().UtcDateTime;
            card.Status = stolen ? CardStatus.Stolen : CardStatus.Lost;
            card.UpdatedAt = now;
            var replacement = new Card
            {
                UserId = card.UserId,
                AccountId = card.AccountId,
                Type = card.Type,
                Last4 = await NewLast4Async(card.UserId, cancellationToken),
                ReplacesCardId = card.Id,
                CreatedAt = now,
                UpdatedAt = now,
            };
            db.Cards.Add(replacement);
            return (new ReportLostResult(CardView.Of(card), CardView.Of(replacement)), card.Id, (long?)null);
        }, cancellationToken);

    /// <summary>Moves a card from <paramref name="from"/> to <paramref name="to"/>; a card already there is answered as it is (freezing twice is harmless).</summary>
    private Task<CardView> ChangeAsync(ActionContext context, string action, Guid cardId, CardStatus from, CardStatus to, CancellationToken cancellationToken) =>
        log.RunAsync(context, action, new { cardId }, async () =>
        {
            var card = await OwnAsync(context.UserId, cardId, cancellationToken);
            if (card.Status != to)
            {
                if (card.Status != from)
                {
                    throw new AppException(new AppError("card_not_active", 409,
                        $"This card is {card.Status.ToString().ToLowerInvariant()}; it can no longer be frozen or unfrozen."));
                }

                card.Status = to;
                card.UpdatedAt = clock.GetUtcNow().UtcDateTime;
            }

            return (CardView.Of(card), card.Id, (long?)null);
        }, cancellationToken);

    /// <summary>The customer's own card; another customer's id is answered exactly like an unknown one.</summary>
    private async Task<Card> OwnAsync(Guid userId, Guid cardId, CancellationToken cancellationToken) =>
        await db.Cards.FirstOrDefaultAsync(c => c.Id == cardId && c.UserId == userId, cancellationToken)
        ?? throw new AppException(AppError.NotFound("No such card."));

    private async Task<string> NewLast4Async(Guid userId, CancellationToken cancellationToken)
    {
        var taken = await db.Cards.Where(c => c.UserId == userId).Select(c => c.Last4).ToListAsync(cancellationToken);
        string last4;
        do
        {
            last4 = System.Security.Cryptography.RandomNumberGenerator.GetInt32(10_000).ToString("D4", System.Globalization.CultureInfo.InvariantCulture);
        }
        while (taken.Contains(last4));

        return last4;
    }

    /// <summary>Whether a card may authorise a new payment: used at ingest.</summary>
    public static bool Authorises(Card card) => card.Status == CardStatus.Active;
}
