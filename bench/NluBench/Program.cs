using System.Diagnostics;
using System.Globalization;
using VirtualBanker.Core.Agents.Builtin;

// Usage: dotnet run --project bench/NluBench -c Release -- --train FILE --test FILE
// Prints accuracy, macro-F1, training time and median time per query; the last line is accuracy=0.NNNN.
string? train = null, test = null;
for (var i = 0; i < args.Length - 1; i++)
{
    if (args[i] == "--train")
    {
        train = args[i + 1];
    }
    else if (args[i] == "--test")
    {
        test = args[i + 1];
    }
}

if (train is null || test is null || !File.Exists(train) || !File.Exists(test))
{
    Console.Error.WriteLine("usage: NluBench --train FILE.csv --test FILE.csv   (text,category with a header row)");
    return 2;
}

IReadOnlyList<IntentExample> Load(string path)
{
    using var stream = File.OpenRead(path);
    return IntentClassifier.LoadCsv(stream);
}

var trainSet = Load(train);
var testSet = Load(test);
var watch = Stopwatch.StartNew();
var classifier = IntentClassifier.Train(trainSet);
var trainSeconds = watch.Elapsed.TotalSeconds;

// Warm the prediction path once, then time every query on its own.
classifier.Predict(testSet[0].Text);
var times = new double[testSet.Count];
var predicted = new string[testSet.Count];
for (var i = 0; i < testSet.Count; i++)
{
    var started = Stopwatch.GetTimestamp();
    predicted[i] = classifier.Predict(testSet[i].Text).Intent;
    times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
}

var correct = testSet.Where((e, i) => e.Category == predicted[i]).Count();
var accuracy = correct / (double)testSet.Count;
var labels = testSet.Select(e => e.Category).Distinct().ToList();
var macroF1 = labels.Average(label =>
{
    var tp = testSet.Where((e, i) => e.Category == label && predicted[i] == label).Count();
    var fp = testSet.Where((e, i) => e.Category != label && predicted[i] == label).Count();
    var fn = testSet.Where((e, i) => e.Category == label && predicted[i] != label).Count();
    var precision = tp + fp == 0 ? 0 : tp / (double)(tp + fp);
    var recall = tp + fn == 0 ? 0 : tp / (double)(tp + fn);
    return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
});
Array.Sort(times);

var c = CultureInfo.InvariantCulture;
Console.WriteLine(string.Create(c, $"train_examples={trainSet.Count} test_examples={testSet.Count} intents={labels.Count}"));
Console.WriteLine(string.Create(c, $"macro_f1={macroF1:0.0000}"));
Console.WriteLine(string.Create(c, $"training_seconds={trainSeconds:0.00}"));
Console.WriteLine(string.Create(c, $"median_ms_per_query={times[times.Length / 2]:0.000} p99_ms_per_query={times[(int)(times.Length * 0.99)]:0.000}"));
Console.WriteLine(string.Create(c, $"accuracy={accuracy:0.0000}"));
return 0;
