using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MLNetRnn.Benchmarks.Compare;
using MLNetRnn.Layers;
using MLNetRnn.Numerics;
using MLNetRnn.SequenceToSequence;
using MLNetRnn.Tensors;
using MLNetRnn.Text;

namespace MLNetRnn.Benchmarks.Beam;

/// <summary>
/// <c>beam</c>: decoding speed on the CMUdict test words, in one run: the engine's one-sentence beam search (one
/// <c>Decode</c> per word, the path before batching), the batched beam search (<c>DecodeMany</c>), greedy (<c>DecodeAll</c>
/// with beam 1), and PyTorch's batched greedy decoding (<c>benchmarks/pytorch/g2p_decode_speed.py</c>) of the same model
/// size: g2p_reference.py's BiLSTM encoder (E, H per direction), LSTM decoder (2H) and Luong "general" attention.
/// </summary>
/// <remarks>
/// Weights are the engine's seeded random ones, loaded into the PyTorch model too (names and target ids mapped), so both
/// decode the same function: PyTorch's greedy outputs are compared with the engine's word by word. Each figure is the best
/// of <c>--repeats</c> timed passes over the words after a warm-up pass on 64 of them. The one-sentence and batched beam
/// outputs are also compared word by word (tokens).
/// </remarks>
public static class BeamCommand
{
    private const string Usage = """
        beam [options]    decoding speed on the CMUdict test words (sentences/s): one-sentence beam, batched beam, greedy, PyTorch greedy
          --beam K           beam size (default 5)
          --limit N          the first N test words (default: all)
          --repeats N        timed passes, best shown (default 2)
          --threads N        engine threads (MLNETRNN_THREADS) and torch.set_num_threads (default 1)
          --embedding E      embedding size (default 64, as g2p_reference.py)
          --hidden H         encoder hidden size per direction; the decoder has 2H (default 128)
          --max-length N     maximum output steps, <EOS> included (default 30)
          --python PATH      the interpreter with torch (default /usr/bin/python3); --no-pytorch skips it
          --json PATH        also write the results as JSON
        """;

    /// <summary>Runs the command.</summary>
    /// <param name="args">The arguments after <c>beam</c>.</param>
    /// <returns>The process exit code.</returns>
    public static int Run(string[] args)
    {
        int beam = 5, limit = int.MaxValue, repeats = 2, threads = 1, embedding = 64, hidden = 128, maxLength = 30;
        string python = "/usr/bin/python3";
        string? json = null;
        bool pytorch = true;
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Int() => int.Parse(Value(), CultureInfo.InvariantCulture) is > 0 and var n ? n : throw new ArgumentException($"{args[i]} must be positive.");
            switch (args[i])
            {
                case "--beam": beam = Int(); break;
                case "--limit": limit = Int(); break;
                case "--repeats": repeats = Int(); break;
                case "--threads": threads = Int(); break;
                case "--embedding": embedding = Int(); break;
                case "--hidden": hidden = Int(); break;
                case "--max-length": maxLength = Int(); break;
                case "--python": python = Value(); break;
                case "--json": json = Value(); break;
                case "--no-pytorch": pytorch = false; break;
                case "-h" or "--help": Console.WriteLine(Usage); return 0;
                default: Console.Error.WriteLine($"Unknown option '{args[i]}'.\n{Usage}"); return 2;
            }
        }

        string? root = FindRoot("datasets", "cmudict", "train.tsv");
        if (root is null)
        {
            Console.Error.WriteLine("datasets/cmudict/train.tsv not found above the current or program directory; run from the repository.");
            return 2;
        }

        EngineThreads.Count = threads;
        string data = Path.Combine(root, "datasets", "cmudict");
        var train = Read(Path.Combine(data, "train.tsv"), int.MaxValue);
        var test = Read(Path.Combine(data, "test.tsv"), limit);

        // Vocabularies as g2p_reference.py: source <PAD>, <UNK>, characters; target <PAD>, <UNK>, <BOS>, <EOS>, phones (ordinal order).
        string[] characters = [.. train.SelectMany(r => r.Word).Distinct().Select(c => c.ToString()).Order(StringComparer.Ordinal)];
        var sourceIds = characters.Select((c, i) => (c, i + 2)).ToDictionary(p => p.c[0], p => p.Item2);
        string[] phones = [.. train.SelectMany(r => r.Phones).Distinct().Order(StringComparer.Ordinal)];
        var target = Vocabulary.FromTokens(["<PAD>", "<UNK>", "<BOS>", "<EOS>", .. phones]);
        int[][] words = [.. test.Select(r => r.Word.Select(c => sourceIds.GetValueOrDefault(c, 1)).ToArray())];

        var architecture = new Seq2SeqArchitecture(characters.Length + 2, target.Count, RecurrentCellType.Lstm, RecurrentCellType.Lstm, embedding, hidden, 1, true,
            2 * hidden, 1, AttentionScore.General, 0f, false);
        var network = new Seq2SeqNetwork(architecture, new SeededRandom(20240501));
        // Ids that are never outputs get a head bias of −10⁴ in both engines (the engine already masks <PAD> and <BOS>;
        // PyTorch's vocabulary has no <UNK>), so that the two greedy decoders choose among the same ids.
        foreach (int never in new[] { 0, 1, 2 })
        {
            network.Head.Bias.Value[never] = -1e4f;
        }

        var decoder = new Seq2SeqDecoder(network, target, TokenLevel.Word, new DecodingSettings(beam, maxLength, 1f));
        Console.Error.WriteLine($"{words.Length} words; E {embedding}, H {hidden}x2, decoder {2 * hidden}, general attention, beam {beam}, max length {maxLength}, "
            + $"{threads} thread(s), GEMM {Gemm.Provider}; load average {LoadAverage()}");

        IReadOnlyList<string>[]? single = null, batched = null;
        double singleRate = Rate("one-sentence beam", words, repeats, w => single = [.. w.Select(x => decoder.Decode(x, beam, 1)[0].Tokens)]);
        double batchedRate = Rate("batched beam", words, repeats, w => batched = [.. decoder.DecodeMany(w, beam, 1).Select(p => p[0].Tokens)]);
        Seq2SeqPrediction[]? greedy = null;
        double greedyRate = Rate("greedy (engine)", words, repeats, w => greedy = decoder.DecodeAll(w, 1));
        double beamLength = batched!.Average(t => t.Count), greedyLength = greedy!.Average(p => p.Tokens.Count);
        int same = single!.Zip(batched!).Count(p => p.First.SequenceEqual(p.Second));
        string weights = Directory.CreateTempSubdirectory("mlnetrnn-beam-").FullName;
        (double? Rate, double? MeanOutputTokens, int? Same) fromTorch = (null, null, null);
        try
        {
            if (pytorch)
            {
                // The same weights in PyTorch (tensor names and target ids mapped), and its greedy outputs compared with ours.
                foreach (var (name, array) in network.Parameters.ToStateDict())
                {
                    NpyFile.Write(Path.Combine(weights, name + ".npy"), array);
                }

                string outputs = Path.Combine(weights, "pytorch-greedy.txt");
                var (rate, length) = PyTorch(python, root, limit, repeats, threads, embedding, hidden, maxLength, weights, outputs);
                int? sameAsTorch = rate is not null && File.Exists(outputs) ? SameAsPyTorch(File.ReadAllLines(outputs), test, greedy!) : null;
                fromTorch = (rate, length, sameAsTorch);
            }
        }
        finally
        {
            Directory.Delete(weights, recursive: true);
        }

        var (torchRate, torchLength, torchSame) = fromTorch;
        string load = LoadAverage();

        Console.WriteLine();
        Console.WriteLine($"| decoding (CMUdict test, {words.Length} words) | sentences/s | vs one-sentence beam {beam} | vs PyTorch greedy |");
        Console.WriteLine("|---|---:|---:|---:|");
        void Row(string name, double rate) => Console.WriteLine(
            $"| {name} | {rate:N0} | {rate / singleRate:0.00}x | {(torchRate is { } t ? $"{rate / t:0.00}x" : "n/a")} |");
        Row($"one-sentence beam {beam} (before)", singleRate);
        Row($"batched beam {beam}", batchedRate);
        Row("greedy (engine, batched)", greedyRate);
        if (torchRate is { } torch)
        {
            Row($"PyTorch {TorchVersion} greedy (batches of 256)", torch);
        }

        Console.WriteLine();
        Console.WriteLine($"Batched and one-sentence beam outputs identical for {same} of {words.Length} words. {threads} thread(s); load average at the end {load}.");
        Console.WriteLine($"Mean output tokens per word (<EOS> not counted; random weights): beam {beamLength:0.00}, greedy {greedyLength:0.00}"
            + (torchLength is { } tl ? $", PyTorch greedy {tl:0.00} (a PyTorch batch runs until its last row ends)." : "."));
        if (torchSame is { } ts)
        {
            Console.WriteLine($"Same weights in both engines: PyTorch's greedy output equals the engine's for {ts} of {words.Length} words.");
        }
        if (json is not null)
        {
            File.WriteAllText(json, JsonSerializer.Serialize(new
            {
                words = words.Length, beam, threads, embedding, hidden, maxLength, singleRate, batchedRate, greedyRate, torchRate, same, load,
                beamLength, greedyLength, torchLength, sameAsPyTorchGreedy = torchSame,
            }, new JsonSerializerOptions { WriteIndented = true }));
        }

        return same == words.Length ? 0 : 1;
    }

    private static string TorchVersion { get; set; } = "";

    private static double Rate(string name, int[][] words, int repeats, Action<int[][]> decode)
    {
        decode(words[..Math.Min(64, words.Length)]);
        double best = double.MaxValue;
        for (int r = 0; r < repeats; r++)
        {
            var clock = Stopwatch.StartNew();
            decode(words);
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }

        Console.Error.WriteLine($"{name}: {words.Length / best:N0} sentences/s ({best:0.00} s)");
        return words.Length / best;
    }

    private static (double? Rate, double? MeanOutputTokens) PyTorch(string python, string root, int limit, int repeats, int threads, int embedding, int hidden, int maxLength,
        string weights, string outputs)
    {
        string script = Path.Combine(root, "benchmarks", "pytorch", "g2p_decode_speed.py");
        List<string> arguments = [script, "--repeats", $"{repeats}", "--threads", $"{threads}", "--embedding", $"{embedding}", "--hidden", $"{hidden}",
            "--max-length", $"{maxLength}", "--weights", weights, "--outputs", outputs];
        if (limit != int.MaxValue)
        {
            arguments.AddRange(["--limit", $"{limit}"]);
        }

        using var result = ChildProcess.LastJsonLine(python, arguments);
        if (result is null)
        {
            return (null, null);
        }

        TorchVersion = result.RootElement.GetProperty("torch").GetString() ?? "";
        double rate = result.RootElement.GetProperty("sentences_per_second").GetDouble();
        Console.Error.WriteLine($"PyTorch greedy: {rate:N0} sentences/s");
        return (rate, result.RootElement.GetProperty("mean_output_tokens").GetDouble());
    }

    /// <summary>Words whose PyTorch greedy output (lines "word&lt;TAB&gt;phone phone …") equals the engine's greedy output.</summary>
    private static int SameAsPyTorch(string[] lines, List<(string Word, string[] Phones)> test, Seq2SeqPrediction[] greedy)
    {
        var theirs = lines.Select(l => l.Split('\t')).GroupBy(f => f[0]).ToDictionary(g => g.Key, g => g.First()[1]);
        int same = 0;
        for (int i = 0; i < test.Count; i++)
        {
            string ours = string.Join(' ', greedy[i].Tokens);
            same += theirs.TryGetValue(test[i].Word, out string? t) && t == ours ? 1 : 0;
        }

        return same;
    }

    private static List<(string Word, string[] Phones)> Read(string path, int limit) =>
        [.. File.ReadLines(path).Skip(1).Where(l => l.Length > 0).Take(limit).Select(l => l.Split('\t')).Select(f => (f[0], f[1].Split(' ')))];

    /// <summary>The 1, 5 and 15 minute load averages, or "n/a".</summary>
    internal static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>The repository folder: the first folder at or above the current or program directory holding <paramref name="file"/>.</summary>
    internal static string? FindRoot(params string[] file)
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine([dir.FullName, .. file])))
                {
                    return dir.FullName;
                }
            }
        }

        return null;
    }
}
