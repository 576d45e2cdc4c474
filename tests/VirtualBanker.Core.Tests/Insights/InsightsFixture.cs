using VirtualBanker.Core.Banking;
using VirtualBanker.Core.Insights;

namespace VirtualBanker.Core.Tests.Insights;

/// <summary>
/// A customer whose figures are easy to check by hand. Now is Friday 2026-11-20 12:00 UTC.
/// Every month from August: salary +3,000 (1st), rent −1,200 (2nd), 300 moved to savings (3rd),
/// Netflix −15 (5th), groceries −75 twice (10th, 12th, 18:00). Balances: checking 1,000,
/// savings 5,000, credit card −200.
/// </summary>
internal static class InsightsFixture
{
    public static readonly DateTime Now = new(2026, 11, 20, 12, 0, 0, DateTimeKind.Utc);

    public static FinancialData Build()
    {
        var transactions = new List<TxData>();
        foreach (var month in new[] { 8, 9, 10, 11 })
        {
            DateTime At(int day, int hour) => new(2026, month, day, hour, 0, 0, DateTimeKind.Utc);
            transactions.Add(Tx("Acme Payroll", Categories.Income, 3000_00, At(1, 6), AccountType.Checking));
            transactions.Add(Tx("Parkview Apartments", Categories.Housing, -1200_00, At(2, 9), AccountType.Checking));
            transactions.Add(Tx("Transfer to Savings", Categories.Transfer, -300_00, At(3, 8), AccountType.Checking));
            transactions.Add(Tx("Transfer from Checking", Categories.Transfer, 300_00, At(3, 8), AccountType.Savings));
            transactions.Add(Tx("Netflix", Categories.Subscriptions, -15_00, At(5, 9), AccountType.Credit));
            transactions.Add(Tx("Whole Foods", Categories.Groceries, -75_00, At(10, 18), AccountType.Checking));
            transactions.Add(Tx("Whole Foods", Categories.Groceries, -75_00, At(12, 18), AccountType.Checking));
        }

        return new FinancialData(
            "Fixture Person",
            [
                new AccountData(Guid.NewGuid(), AccountType.Checking, "Checking", 1000_00, "USD"),
                new AccountData(Guid.NewGuid(), AccountType.Savings, "Savings", 5000_00, "USD"),
                new AccountData(Guid.NewGuid(), AccountType.Credit, "Card", -200_00, "USD"),
            ],
            transactions,
            Now);
    }

    public static TxData Tx(string merchant, string category, long minor, DateTime at, AccountType account = AccountType.Checking) =>
        new(Guid.NewGuid(), merchant, category, minor, at, account);
}
