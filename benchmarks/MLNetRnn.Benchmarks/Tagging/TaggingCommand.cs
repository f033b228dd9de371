using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MLNetRnn.Benchmarks.Beam;
using MLNetRnn.Benchmarks.Compare;
using MLNetRnn.Numerics;
using MLNetRnn.Tagging;
using MLNetRnn.Text;
using MLNetRnn.Training;

namespace MLNetRnn.Benchmarks.Tagging;

/// <summary>
/// <c>tagging</c>: training speed (tokens/s) and test token accuracy of the BiLSTM part-of-speech tagger on Brown
/// (<c>datasets/brown/pos</c>), the engine and PyTorch (<c>benchmarks/pytorch/tagger_reference.py</c>) in one run, on the
/// same sentences, vocabulary rule, model size, batch size, optimizer and epochs, and the ratio.
/// </summary>
/// <remarks>
/// Both train Embedding(V, E) → BiLSTM(H) → Linear(2H, K) with a softmax per token, Adam 0.002, clip 1, length-sorted
/// batches in shuffled order, no validation. Tokens/s = epochs × training tokens / training seconds (scoring excluded).
/// </remarks>
public static class TaggingCommand
{
    private const string Usage = """
        tagging [options]    BiLSTM POS tagger on Brown: engine vs PyTorch training tokens/s and test accuracy
          --epochs N         passes over the training sentences (default 2)
          --limit N          the first N training sentences (default 3000; 0 = all 11,399)
          --embedding E      embedding size (default 100)
          --hidden H         hidden size per direction (default 100)
          --batch-size B     sentences per batch (default 32)
          --threads N        engine threads (MLNETRNN_THREADS) and torch.set_num_threads (default 1)
          --python PATH      the interpreter with torch (default /usr/bin/python3); --no-pytorch skips it
          --json PATH        also write the results as JSON
        """;

    /// <summary>Runs the command.</summary>
    /// <param name="args">The arguments after <c>tagging</c>.</param>
    /// <returns>The process exit code.</returns>
    public static int Run(string[] args)
    {
        int epochs = 2, limit = 3000, embedding = 100, hidden = 100, batchSize = 32, threads = 1;
        string python = "/usr/bin/python3";
        string? json = null;
        bool pytorch = true;
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Int(int least) => int.Parse(Value(), CultureInfo.InvariantCulture) is var n && n >= least ? n : throw new ArgumentException($"{args[i]} must be at least {least}.");
            switch (args[i])
            {
                case "--epochs": epochs = Int(1); break;
                case "--limit": limit = Int(0); break;
                case "--embedding": embedding = Int(1); break;
                case "--hidden": hidden = Int(1); break;
                case "--batch-size": batchSize = Int(1); break;
                case "--threads": threads = Int(1); break;
                case "--python": python = Value(); break;
                case "--json": json = Value(); break;
                case "--no-pytorch": pytorch = false; break;
                case "-h" or "--help": Console.WriteLine(Usage); return 0;
                default: Console.Error.WriteLine($"Unknown option '{args[i]}'.\n{Usage}"); return 2;
            }
        }

        string? root = BeamCommand.FindRoot("datasets/brown/pos/train.conll");
        if (root is null)
        {
            Console.Error.WriteLine("datasets/brown/pos/train.conll not found above the current or program directory; run from the repository.");
            return 2;
        }

        EngineThreads.Count = threads;
        string data = Path.Combine(root, "datasets", "brown", "pos");
        var all = ConllReader.Load(Path.Combine(data, "train.conll"));
        var train = limit == 0 ? all : [.. all.Take(limit)];
        var test = ConllReader.Load(Path.Combine(data, "test.conll"));
        var vocabulary = Vocabulary.Build(train.Select(s => s.Tokens), 1, int.MaxValue, false);
        string[] tags = [.. train.SelectMany(s => s.Tags).Distinct().Order(StringComparer.Ordinal)];
        var tagIds = tags.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i, StringComparer.Ordinal);
        int[][] Ids(IReadOnlyList<TaggedSentence> s) => [.. s.Select(x => vocabulary.Encode(x.Tokens))];
        int[][] sequences = Ids(train), testSequences = Ids(test);
        int[][] targets = [.. train.Select(s => s.Tags.Select(t => tagIds[t]).ToArray())];
        long tokens = sequences.Sum(s => (long)s.Length);

        var trainer = new SequenceTaggingTrainer(new SequenceTaggingOptions
        {
            EmbeddingSize = embedding, HiddenSize = hidden, Epochs = epochs, BatchSize = batchSize, LearningRate = 0.002f, ClipNorm = 1f, Seed = 1,
        });
        Console.Error.WriteLine($"{train.Count} training sentences ({tokens:N0} tokens), {test.Count} test sentences; E {embedding}, H {hidden}x2, {tags.Length} tags, "
            + $"batch {batchSize}, {epochs} epochs, {threads} thread(s), GEMM {Gemm.Provider}; load average {BeamCommand.LoadAverage()}");
        var clock = Stopwatch.StartNew();
        var network = trainer.TrainNetwork(vocabulary.Count, tags.Length, sequences, targets, null, new Progress<TrainingProgress>());
        double seconds = clock.Elapsed.TotalSeconds;
        double ours = epochs * tokens / seconds;
        double accuracy = Accuracy(network, testSequences, [.. test.Select(s => s.Tags.Select(t => tagIds.GetValueOrDefault(t, -1)).ToArray())]);
        Console.Error.WriteLine($"engine: {ours:N0} tokens/s ({seconds:0.0} s), test accuracy {accuracy:0.0000}");

        (double Rate, double Accuracy, string Version)? torch = pytorch ? PyTorch(python, root, epochs, limit, embedding, hidden, batchSize, threads) : null;
        string load = BeamCommand.LoadAverage();
        Console.WriteLine();
        Console.WriteLine($"| BiLSTM POS tagger, Brown ({train.Count} sentences, {epochs} epochs, E {embedding}, H {hidden}) | training tokens/s | test accuracy |");
        Console.WriteLine("|---|---:|---:|");
        Console.WriteLine($"| MLNetRnn engine | {ours:N0} | {accuracy:0.0000} |");
        if (torch is { } t)
        {
            Console.WriteLine($"| PyTorch {t.Version} | {t.Rate:N0} | {t.Accuracy:0.0000} |");
            Console.WriteLine();
            Console.WriteLine($"MLNetRnn / PyTorch training speed: {ours / t.Rate:0.00}x. {threads} thread(s); load average at the end {load}.");
        }

        if (json is not null)
        {
            File.WriteAllText(json, JsonSerializer.Serialize(new
            {
                sentences = train.Count, tokens, epochs, embedding, hidden, batchSize, threads, oursTokensPerSecond = ours, oursAccuracy = accuracy,
                torchTokensPerSecond = torch?.Rate, torchAccuracy = torch?.Accuracy, load,
            }, new JsonSerializerOptions { WriteIndented = true }));
        }

        return 0;
    }

    private static double Accuracy(SequenceTaggerNetwork network, int[][] sequences, int[][] gold)
    {
        long correct = 0, total = 0;
        foreach (int[] rows in LengthBuckets.Sorted(sequences.Select(s => s.Length).ToArray(), 64))
        {
            int[][] predicted = network.Predict(SequenceBatch.Create(sequences, rows));
            for (int j = 0; j < rows.Length; j++)
            {
                correct += predicted[j].Where((tag, i) => tag == gold[rows[j]][i]).Count();
                total += predicted[j].Length;
            }
        }

        return (double)correct / total;
    }

    private static (double Rate, double Accuracy, string Version)? PyTorch(string python, string root, int epochs, int limit, int embedding, int hidden, int batchSize, int threads)
    {
        string script = Path.Combine(root, "benchmarks", "pytorch", "tagger_reference.py");
        List<string> arguments = [script, "--epochs", $"{epochs}", "--embedding", $"{embedding}", "--hidden", $"{hidden}", "--batch-size", $"{batchSize}", "--threads", $"{threads}"];
        if (limit != 0)
        {
            arguments.AddRange(["--limit", $"{limit}"]);
        }

        using var result = ChildProcess.LastJsonLine(python, arguments);
        if (result is null)
        {
            return null;
        }

        var r = result.RootElement;
        double rate = r.GetProperty("tokens_per_second").GetDouble(), accuracy = r.GetProperty("test_accuracy").GetDouble();
        Console.Error.WriteLine($"PyTorch: {rate:N0} tokens/s ({r.GetProperty("train_seconds").GetDouble():0.0} s), test accuracy {accuracy:0.0000}");
        return (rate, accuracy, r.GetProperty("torch").GetString() ?? "");
    }
}
