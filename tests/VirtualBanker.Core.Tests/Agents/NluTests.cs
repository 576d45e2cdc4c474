using VirtualBanker.Core.Agents;
using VirtualBanker.Core.Agents.Builtin;

namespace VirtualBanker.Core.Tests.Agents;

public sealed class NluTests
{
    private static readonly Lazy<IntentClassifier> Classifier = new(() => IntentModelCache.GetAsync(IntentClassifier.BuiltinExamples(), new NluOptions().ModelCacheDirectory).GetAwaiter().GetResult());
    private static readonly DateTime Now = new(2026, 11, 20, 12, 0, 0, DateTimeKind.Utc);

    // Phrasings that are not in the examples file.
    [Theory]
    [InlineData("how much cash do I have in my accounts?", "balance")]
    [InlineData("What is my savings rate?", "savings")]
    [InlineData("Analyze my spending this month", "spending")]
    [InlineData("show me what I paid at Starbucks last week", "transactions")]
    [InlineData("is there any fraud on my card", "fraud")]
    [InlineData("could I afford a $2,500 sofa?", "simulate")]
    [InlineData("predict my balance in 6 months", "forecast")]
    [InlineData("I'd like to speak with a real person", "ticket")]
    [InlineData("tell me a funny joke about cats", "out_of_scope")]
    [InlineData("hey there!", "greeting")]
    public void Classify_UnseenPhrasing_FindsTheIntent(string text, string intent) =>
        Assert.Equal(intent, Classifier.Value.Predict(text).Intent);

    [Fact]
    public void LoadCsv_QuotedFieldsWithCommas_AreOneText()
    {
        using var stream = new MemoryStream("text,category\n\"hello, world\",greeting\nplain,other\n\n"u8.ToArray());

        var examples = IntentClassifier.LoadCsv(stream);

        Assert.Equal([new IntentExample("hello, world", "greeting"), new IntentExample("plain", "other")], examples);
    }

    [Theory]
    [InlineData("can I afford a $1,200.50 laptop", 1200.50)]
    [InlineData("what if I buy a car for 15000", 15000.0)]
    [InlineData("spend 250 dollars on tickets", 250.0)]
    [InlineData("a $3k vacation", 3000.0)]
    [InlineData("forecast 6 months ahead", null)]
    public void Extract_Amounts(string text, double? amount) =>
        Assert.Equal(amount is null ? null : (decimal)amount, EntityExtractor.Extract(text, Now).Amount);

    [Theory]
    [InlineData("what did I spend at Whole Foods last month", "Whole Foods")]
    [InlineData("payments to Amazon this week?", "Amazon")]
    [InlineData("how much at Starbucks", "Starbucks")]
    [InlineData("how much did I spend on groceries", null)]
    public void Extract_Merchants(string text, string? merchant) =>
        Assert.Equal(merchant, EntityExtractor.Extract(text, Now).Merchant);

    [Theory]
    [InlineData("how much on eating out", "Dining")]
    [InlineData("spending on groceries this month", "Groceries")]
    [InlineData("my subscriptions", "Subscriptions")]
    public void Extract_Categories(string text, string category) =>
        Assert.Equal(category, EntityExtractor.Extract(text, Now).Category);

    [Theory]
    [InlineData("this month", "2026-11-01", "this month")]
    [InlineData("last month", "2026-10-01", "last month")]
    [InlineData("over the last 3 months", "2026-09-01", "in the last 3 months")]
    [InlineData("in the past 10 days", "2026-11-11", "in the last 10 days")]
    [InlineData("yesterday", "2026-11-19", "yesterday")]
    [InlineData("this week", "2026-11-16", "this week")]
    public void Extract_RelativePeriods(string text, string from, string label)
    {
        var period = EntityExtractor.Extract(text, Now).Period;

        Assert.NotNull(period);
        Assert.Equal(DateTime.Parse(from, System.Globalization.CultureInfo.InvariantCulture), period.From);
        Assert.Equal(label, period.Label);
    }
}
