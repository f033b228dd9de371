using System.Globalization;
using System.Text.Json;
using MLNetRnn.Benchmarks.Beam;
using MLNetRnn.Benchmarks.Compare;
using MLNetRnn.LanguageModeling;
using MLNetRnn.Numerics;
using MLNetRnn.Training;

namespace MLNetRnn.Benchmarks.CharLm;

/// <summary>
/// <c>charlm</c>: training speed of the character language model on Moby-Dick, MLNetRnn against PyTorch in one run:
/// the same one-hot LSTM (hidden H), the same B streams and chunks of T steps, the same number of chunks, Adam and
/// clipping; MLNetRnn through <see cref="LanguageModelTrainer"/>, PyTorch through
/// <c>benchmarks/pytorch/char_lm_reference.py --max-chunks N --no-eval</c>. Prints both rates and their ratio.
/// </summary>
/// <remarks>
/// Both train on the first N·T·B + 1 characters of the training part (N chunks, one epoch, no held-out scoring), so the
/// figures are pure training throughput. Accuracy is compared by full runs of the example and the reference script
/// (benchmarks/results/char-lm.md). The machine's load average is printed before and after: on a shared machine it moves
/// both figures.
/// </remarks>
public static class CharLmCommand
{
    private const string Usage = """
        charlm [options]    training speed of the character LSTM language model: MLNetRnn vs PyTorch (characters/s)
          --hidden H         hidden size (default 512)
          --batch B          parallel streams (default 64)
          --bptt T           steps per chunk (default 100)
          --chunks N         chunks trained, i.e. optimizer steps (default 20)
          --threads N        engine threads (MLNETRNN_THREADS) and torch.set_num_threads (default 2)
          --held-out         also score the held-out 5 % after training (bits per character, both engines)
          --python PATH      the interpreter with torch (default /usr/bin/python3); --no-pytorch skips it
          --json PATH        also write the results as JSON
        """;

    /// <summary>Runs the command.</summary>
    /// <param name="args">The arguments after <c>charlm</c>.</param>
    /// <returns>The process exit code.</returns>
    public static int Run(string[] args)
    {
        int hidden = 512, batch = 64, bptt = 100, chunks = 20, threads = 2;
        string python = "/usr/bin/python3";
        string? json = null;
        bool pytorch = true, heldOut = false;
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Int() => int.Parse(Value(), CultureInfo.InvariantCulture) is > 0 and var n ? n : throw new ArgumentException($"{args[i]} must be positive.");
            switch (args[i])
            {
                case "--hidden": hidden = Int(); break;
                case "--batch": batch = Int(); break;
                case "--bptt": bptt = Int(); break;
                case "--chunks": chunks = Int(); break;
                case "--threads": threads = Int(); break;
                case "--python": python = Value(); break;
                case "--json": json = Value(); break;
                case "--no-pytorch": pytorch = false; break;
                case "--held-out": heldOut = true; break;
                case "-h" or "--help": Console.WriteLine(Usage); return 0;
                default: Console.Error.WriteLine($"Unknown option '{args[i]}'.\n{Usage}"); return 2;
            }
        }

        string? root = BeamCommand.FindRoot("datasets", "moby-dick", "moby-dick.txt");
        if (root is null)
        {
            Console.Error.WriteLine("datasets/moby-dick/moby-dick.txt not found above the current or program directory; run from the repository.");
            return 2;
        }

        EngineThreads.Count = threads;
        string text = File.ReadAllText(Path.Combine(root, "datasets", "moby-dick", "moby-dick.txt"));
        int cut = text.Length - (text.Length / 20);
        string train = text[..cut];
        string loadBefore = BeamCommand.LoadAverage();
        Console.Error.WriteLine($"H {hidden}, B {batch}, T {bptt}, {chunks} chunks, {threads} thread(s), GEMM {Gemm.Provider}; load average {loadBefore}");

        // The vocabulary of the whole training part (as the reference builds it), the text cut to N chunks.
        var options = new LanguageModelOptions { OneHotInput = true, HiddenSize = hidden, BatchSize = batch, Bptt = bptt, Epochs = 1, Seed = 1 };
        var textSettings = new LanguageModelText(options.Level, false, false);
        var vocabulary = Text.Vocabulary.Build(textSettings.Documents(train), addBeginEnd: true);
        int[] ids = textSettings.Encode(train, vocabulary)[..((chunks * bptt * batch) + 1)];
        TrainingProgress? last = null;
        var network = new LanguageModelTrainer(options).TrainNetwork(vocabulary.Count, ids, null, new Progress(p => last = p));
        double ours = last!.TokensPerSecond;
        double? oursBits = heldOut ? LanguageModelMetrics.Score(network, textSettings.Encode(text[cut..], vocabulary)).BitsPerToken : null;
        Console.Error.WriteLine($"MLNetRnn: {ours:N0} characters/s" + (oursBits is { } b ? $", held-out {b:F3} bits/char" : string.Empty));
        var (torch, torchBits) = pytorch ? PyTorch(python, root, hidden, batch, bptt, chunks, threads, heldOut) : (null, null);
        string loadAfter = BeamCommand.LoadAverage();

        Console.WriteLine();
        Console.WriteLine($"| char LSTM LM training (Moby-Dick, one-hot V={vocabulary.Count}, H={hidden}, B={batch}, T={bptt}, {chunks} chunks) | characters/s | vs PyTorch | held-out bits/char |");
        Console.WriteLine("|---|---:|---:|---:|");
        Console.WriteLine($"| MLNetRnn ({threads} thread(s), GEMM {Gemm.Provider}) | {ours:N0} | {(torch is { } t ? $"{ours / t:0.00}x" : "n/a")} | {Bits(oursBits)} |");
        if (torch is { } rate)
        {
            Console.WriteLine($"| PyTorch {TorchVersion} ({threads} thread(s)) | {rate:N0} | 1.00x | {Bits(torchBits)} |");
        }

        Console.WriteLine();
        Console.WriteLine($"Load average before {loadBefore}, after {loadAfter}.");
        if (json is not null)
        {
            File.WriteAllText(json, JsonSerializer.Serialize(new { hidden, batch, bptt, chunks, threads, vocabulary = vocabulary.Count, ours, torch, ratio = ours / torch, oursBits, torchBits, loadBefore, loadAfter },
                new JsonSerializerOptions { WriteIndented = true }));
        }

        return 0;
    }

    private static string TorchVersion { get; set; } = "";

    private static string Bits(double? bits) => bits is { } b ? b.ToString("F3", CultureInfo.InvariantCulture) : "n/a";

    private static (double? Rate, double? Bits) PyTorch(string python, string root, int hidden, int batch, int bptt, int chunks, int threads, bool heldOut)
    {
        string script = Path.Combine(root, "benchmarks", "pytorch", "char_lm_reference.py");
        List<string> arguments = [script, "--hidden", $"{hidden}", "--batch", $"{batch}", "--bptt", $"{bptt}", "--epochs", "1", "--max-chunks", $"{chunks}", "--threads", $"{threads}"];
        if (!heldOut)
        {
            arguments.Add("--no-eval");
        }

        var (code, output, error) = ChildProcess.Run(python, arguments, timeout: TimeSpan.FromHours(2));
        if (code != 0)
        {
            Console.Error.WriteLine($"PyTorch run failed ({code}): {error.Trim()}\n{CompareCommand.PyTorchMissing}");
            return (null, null);
        }

        using var result = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        TorchVersion = result.RootElement.GetProperty("framework").GetString() ?? "";
        double rate = result.RootElement.GetProperty("tokensPerSecond").GetDouble();
        double? bits = heldOut ? result.RootElement.GetProperty("heldOutBitsPerCharacter").GetDouble() : null;
        Console.Error.WriteLine($"PyTorch: {rate:N0} characters/s" + (bits is { } b ? $", held-out {b:F3} bits/char" : string.Empty));
        return (rate, bits);
    }

    /// <summary>Calls back on the training thread.</summary>
    private sealed class Progress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
