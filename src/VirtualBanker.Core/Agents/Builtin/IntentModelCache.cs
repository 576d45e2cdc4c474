using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace VirtualBanker.Core.Agents.Builtin;

/// <summary>
/// The builtin classifier, trained once per machine and training set. Banking77 and the project's examples take some
/// 25 s to train on two cores, so the trained model is saved in <c>Nlu:ModelCacheDirectory</c> under the hash of
/// what it learnt from; every later start (and every test host) loads it in about a second. A process shares one
/// instance per training set, and a file lock keeps two processes from training the same model at once.
/// </summary>
public static class IntentModelCache
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<IntentClassifier>>> Loaded = new(StringComparer.Ordinal);

    /// <summary>The builtin assistant's classifier: Banking77 and the project's own examples, plus any <c>text,category</c> CSVs named in <c>Nlu:TrainingFiles</c>.</summary>
    public static Task<IntentClassifier> BuiltinAsync(NluOptions options)
    {
        var examples = IntentClassifier.BuiltinExamples();
        foreach (var file in options.TrainingFiles)
        {
            using var stream = File.OpenRead(file);
            examples.AddRange(IntentClassifier.LoadCsv(stream));
        }

        return GetAsync(examples, options.ModelCacheDirectory);
    }

    public static Task<IntentClassifier> GetAsync(IReadOnlyList<IntentExample> examples, string directory)
    {
        var key = Hash(examples);
        return Loaded.GetOrAdd(key, _ => new Lazy<Task<IntentClassifier>>(() => Task.Run(() => LoadOrTrain(examples, directory, key)))).Value;
    }

    private static IntentClassifier LoadOrTrain(IReadOnlyList<IntentExample> examples, string directory, string key)
    {
        var classifier = LoadOrTrainOnce(examples, directory, key);

        // Loading (the zip's buffers, the weights read in) or training leaves tens of MiB of garbage behind, once: hand it
        // back to the system now rather than hold it while the server idles (bench/README, session 17: 10-22 MiB less idle).
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        return classifier;
    }

    private static IntentClassifier LoadOrTrainOnce(IReadOnlyList<IntentExample> examples, string directory, string key)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"intents-{key}.zip");
        using var exclusive = Lock(path + ".lock");
        if (exclusive is null)
        {
            return IntentClassifier.Train(examples); // another process held the lock for minutes: don't wait for it any longer
        }

        if (File.Exists(path))
        {
            try
            {
                using var saved = File.OpenRead(path);
                return IntentClassifier.Load(saved);
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException or FormatException or InvalidDataException)
            {
                File.Delete(path); // damaged (a crash mid-write cannot do it, see below, but a full disk can): train again
            }
        }

        // Written to a temporary file and renamed: a crash mid-write leaves no half model under the real name.
        var temporary = path + ".tmp";
        IntentClassifier classifier;
        using (var file = File.Create(temporary))
        {
            classifier = IntentClassifier.Train(examples, file);
        }

        File.Move(temporary, path, overwrite: true);
        return classifier;
    }

    /// <summary>An exclusive lock on a file (an advisory lock on Linux), held by the process that trains; null after five minutes.</summary>
    private static FileStream? Lock(string path)
    {
        for (var attempt = 0; attempt < 3000; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                Thread.Sleep(100); // another process is training: its model will be there when it lets go
            }
        }

        return null;
    }

    private static string Hash(IReadOnlyList<IntentExample> examples)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(IntentClassifier.Version + "\n"));
        foreach (var e in examples)
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"{e.Text}\t{e.Category}\t{e.Weight:R}\n"));
        }

        return Convert.ToHexString(hash.GetHashAndReset())[..16].ToLowerInvariant();
    }
}
