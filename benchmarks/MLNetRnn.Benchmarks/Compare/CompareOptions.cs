using System.Globalization;
using MLNetRnn.Benchmarks.Workloads;
using MLNetRnn.Numerics;

namespace MLNetRnn.Benchmarks.Compare;

/// <summary>The command line of <c>compare</c>.</summary>
public sealed class CompareOptions
{
    /// <summary>The usage text.</summary>
    public const string Usage = """
        compare [options]            run every workload in MLNetRnn and PyTorch, alternating, and print the table
          --quick                    1 round, fewer repetitions (a few minutes); default 3 rounds
          --workloads a,b            workloads to run (default all): lstm-small gru-small rnn-small bilstm-2layer
                                     lstm-large lstm-ragged lstm-padded lstm-ragged-sparse lstm-padded-sparse
                                     infer-lstm infer-gru infer-lstm-zip infer-lstm-onnx
          --threads 1,2              thread counts (default 1,2): ours via MLNETRNN_THREADS (each shown; for
                                     infer-lstm-onnx ONNX Runtime's intra-op threads), PyTorch via
                                     torch.set_num_threads (best shown)
          --providers p,q            run each workload with these GEMM providers (managed, openblas); default: the
                                     engine's automatic choice for all, plus lstm-large with the other provider
          --rounds N                 alternation rounds (default 3, quick 1)
          --reps N                   at most N timed repetitions per process (default 20, quick 10)
          --budget S                 seconds of timing per process before stopping (default 1.5, quick 1)
          --warmup S                 minimum warm-up seconds per process (default 0.5, quick 0.3)
          --json FILE                also write every measurement as JSON
          --markdown FILE            also write the table as Markdown
          --python PATH              the interpreter with torch (default /usr/bin/python3)
          --script PATH              compare.py (default: found from the repository root)
          --no-pytorch               measure ours only
        compare --one NAME [--reps N --budget S --warmup S] [--model-dir DIR] [--paired-with NAME2]
                                     measure one workload in this process and print one JSON line (used by compare);
                                     infer-lstm-zip/-onnx read the model compare prepared in DIR, or fit it first;
                                     --paired-with times training workload NAME2 in alternation with NAME (one
                                     repetition of each in turn), in the JSON line's alternative fields
        """;

    /// <summary>Gets the workloads, in table order.</summary>
    public IReadOnlyList<WorkloadSpec> Workloads { get; private set; } = WorkloadSpec.All;

    /// <summary>Gets the thread counts (ours and PyTorch).</summary>
    public IReadOnlyList<int> Threads { get; private set; } = [1, 2];

    /// <summary>Gets the explicitly requested GEMM providers, or empty for the default described in <see cref="Usage"/>.</summary>
    public IReadOnlyList<GemmProvider> Providers { get; private set; } = [];

    /// <summary>Gets the alternation rounds.</summary>
    public int Rounds { get; private set; } = 3;

    /// <summary>Gets how each process times its workload.</summary>
    public RepetitionTimer Timer { get; private set; } = new(20, 1.5, 0.5);

    /// <summary>Gets whether <c>--quick</c> was given.</summary>
    public bool Quick { get; private set; }

    /// <summary>Gets the JSON output path, or null.</summary>
    public string? JsonPath { get; private set; }

    /// <summary>Gets the Markdown output path, or null.</summary>
    public string? MarkdownPath { get; private set; }

    /// <summary>Gets the Python interpreter.</summary>
    public string Python { get; private set; } = "/usr/bin/python3";

    /// <summary>Gets the path of compare.py, or null to search for it.</summary>
    public string? Script { get; private set; }

    /// <summary>Gets whether PyTorch is skipped.</summary>
    public bool NoPyTorch { get; private set; }

    /// <summary>Gets the workload of <c>--one</c>, or null in the normal mode.</summary>
    public WorkloadSpec? One { get; private set; }

    /// <summary>Gets the folder of the prepared latency model (<c>--model-dir</c>, with <c>--one</c>), or null.</summary>
    public string? ModelDirectory { get; private set; }

    /// <summary>
    /// Gets the training workload timed in alternation with <c>--one</c>'s in the same process (<c>--paired-with</c>), or
    /// null: its times go to the measurement's alternative fields (the <c>ragged</c> command's paired ratio).
    /// </summary>
    public WorkloadSpec? PairedWith { get; private set; }

    /// <summary>Parses the arguments after <c>compare</c>.</summary>
    /// <param name="args">The arguments.</param>
    /// <returns>The options.</returns>
    /// <exception cref="ArgumentException">An option is unknown, lacks its value, or has a bad value; the message says which.</exception>
    public static CompareOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new CompareOptions();
        int? rounds = null, reps = null;
        double? budget = null, warmup = null;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"Option {arg} needs a value; see 'compare --help'.");
            switch (arg)
            {
                case "--quick": options.Quick = true; break;
                case "--workloads": options.Workloads = List(Value()).Select(WorkloadSpec.Find).ToArray(); break;
                case "--threads": options.Threads = List(Value()).Select(s => PositiveInt(arg, s)).ToArray(); break;
                case "--providers": options.Providers = List(Value()).Select(ParseProvider).ToArray(); break;
                case "--rounds": rounds = PositiveInt(arg, Value()); break;
                case "--reps": reps = PositiveInt(arg, Value()); break;
                case "--budget": budget = PositiveDouble(arg, Value()); break;
                case "--warmup": warmup = PositiveDouble(arg, Value()); break;
                case "--json": options.JsonPath = Value(); break;
                case "--markdown": options.MarkdownPath = Value(); break;
                case "--python": options.Python = Value(); break;
                case "--script": options.Script = Value(); break;
                case "--no-pytorch": options.NoPyTorch = true; break;
                case "--one": options.One = WorkloadSpec.Find(Value()); break;
                case "--model-dir": options.ModelDirectory = Value(); break;
                case "--paired-with": options.PairedWith = WorkloadSpec.Find(Value()); break;
                default: throw new ArgumentException($"Unknown option '{arg}'; see 'compare --help'.");
            }
        }

        options.Rounds = rounds ?? (options.Quick ? 1 : 3);
        options.Timer = new RepetitionTimer(reps ?? (options.Quick ? 10 : 20), budget ?? (options.Quick ? 1.0 : 1.5),
            warmup ?? (options.Quick ? 0.3 : 0.5));
        return options;
    }

    /// <summary>Gets the arguments that make a child process time the same way as this one.</summary>
    /// <returns>The timing options.</returns>
    public IEnumerable<string> TimingArguments() =>
    [
        "--reps", Timer.MaxRepetitions.ToString(CultureInfo.InvariantCulture),
        "--budget", Timer.BudgetSeconds.ToString(CultureInfo.InvariantCulture),
        "--warmup", Timer.WarmupSeconds.ToString(CultureInfo.InvariantCulture),
    ];

    private static string[] List(string value) => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static GemmProvider ParseProvider(string value) =>
        Enum.TryParse(value, ignoreCase: true, out GemmProvider provider) && Enum.IsDefined(provider)
            ? provider
            : throw new ArgumentException($"Unknown GEMM provider '{value}'; use managed or openblas.");

    private static int PositiveInt(string option, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0
            ? n
            : throw new ArgumentException($"{option} needs a positive integer, got '{value}'.");

    private static double PositiveDouble(string option, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) && x > 0
            ? x
            : throw new ArgumentException($"{option} needs a positive number of seconds, got '{value}'.");
}
