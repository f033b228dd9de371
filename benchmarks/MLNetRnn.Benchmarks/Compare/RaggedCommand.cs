using System.Globalization;
using System.Text;
using System.Text.Json;
using MLNetRnn.Benchmarks.MLNetPath;
using MLNetRnn.Benchmarks.Workloads;

namespace MLNetRnn.Benchmarks.Compare;

/// <summary>
/// <c>ragged</c>: issue 14's ragged-batch target measured as a paired ratio. In each run and for each thread count and
/// embedding update (dense, row-sparse), one fresh process times the ragged batch and its padded twin in alternation
/// (<c>compare --one lstm-ragged --paired-with lstm-padded</c>: one repetition of each in turn), and the run's ratio is
/// the ragged step's median time over the padded step's. The figure is the median of the runs' ratios.
/// </summary>
/// <remarks>
/// <c>compare --rounds 5</c> times the two workloads in separate processes tens of seconds apart, so on a shared VM whose
/// speed drifts by ±15 % between minutes the ratio of two medians moves by as much as the effect it measures (single
/// rounds 0.41–1.03 at stop 20). Alternating repetitions in one process exposes both to the same drift; the workloads,
/// batches and timing are otherwise compare's. The target is the batch's real-token share + 10 points
/// (884 of 1,600 tokens: 55.3 % + 10 = 65.3 %).
/// </remarks>
public static class RaggedCommand
{
    private const string Usage = """
        ragged [options]    ragged / padded step time, paired in one process per run (issue 14's ragged-batch target)
          --runs N           runs (fresh processes) per configuration, median shown (default 5)
          --threads LIST     engine thread counts (default 1,2)
          --reps N           timed repetitions of each workload per run (default 200)
          --budget S         seconds of timing per workload per run (default 3)
          --json PATH        also write every run's ratio as JSON
          --markdown PATH    also write the table as Markdown
        """;

    /// <summary>Runs the command.</summary>
    /// <param name="args">The arguments after <c>ragged</c>.</param>
    /// <returns>The process exit code.</returns>
    public static int Run(string[] args)
    {
        int runs = 5, reps = 200;
        double budget = 3;
        int[] threads = [1, 2];
        string? json = null, markdown = null;
        try
        {
            for (int i = 0; i < args.Length; i++)
            {
                string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value; see 'ragged --help'.");
                int Int(string text) => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0
                    ? n
                    : throw new ArgumentException($"{args[i]} needs a positive integer, got '{text}'.");
                switch (args[i])
                {
                    case "-h" or "--help": Console.WriteLine(Usage); return 0;
                    case "--runs": runs = Int(Value()); break;
                    case "--reps": reps = Int(Value()); break;
                    case "--budget": budget = double.Parse(Value(), CultureInfo.InvariantCulture) is > 0 and var b ? b : throw new ArgumentException("--budget must be positive."); break;
                    case "--threads": threads = [.. Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Int)]; break;
                    case "--json": json = Value(); break;
                    case "--markdown": markdown = Value(); break;
                    default: throw new ArgumentException($"Unknown option '{args[i]}'; see 'ragged --help'.");
                }
            }
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }

        var ragged = WorkloadSpec.Find("lstm-ragged");
        double realShare = (double)WorkloadInputs.Create(ragged).RealTokens / (ragged.BatchSize * ragged.TimeSteps);
        double target = realShare + 0.10;
        (string Label, string Ragged, string Padded)[] modes =
        [
            ("dense", "lstm-ragged", "lstm-padded"),
            ("row-sparse", "lstm-ragged-sparse", "lstm-padded-sparse"),
        ];
        var ratios = new Dictionary<(int Threads, string Mode), List<double>>();
        var (program, prefix) = ChildProcess.Self();
        for (int run = 1; run <= runs; run++)
        {
            foreach (int t in threads)
            {
                foreach (var (label, raggedName, paddedName) in modes)
                {
                    string[] arguments = [.. prefix, "compare", "--one", raggedName, "--paired-with", paddedName,
                        "--reps", reps.ToString(CultureInfo.InvariantCulture), "--budget", budget.ToString(CultureInfo.InvariantCulture)];
                    var (code, output, error) = ChildProcess.Run(program, arguments,
                        new Dictionary<string, string?> { [EngineThreading.Variable] = t.ToString(CultureInfo.InvariantCulture) });
                    var m = code == 0 ? Measurement.ParseLastLine(output) : null;
                    if (m?.AlternativeMedianSeconds is not { } padded)
                    {
                        Console.Error.WriteLine($"run {run}, {t} thr, {label}: the child failed ({code}): {error.Trim()}");
                        return 1;
                    }

                    double ratio = m.MedianSeconds / padded;
                    (ratios.TryGetValue((t, label), out var list) ? list : ratios[(t, label)] = []).Add(ratio);
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"[{run}/{runs}] {t} thr {label,-10}  ragged {m.MedianSeconds * 1e3:F2} ms  padded {padded * 1e3:F2} ms (medians of {m.Repetitions})  ratio {ratio:F3}"));
                }
            }
        }

        var table = new StringBuilder();
        table.AppendLine("| threads | embedding update | ratio per run | median | target | |");
        table.AppendLine("|---:|---|---|---:|---:|---|");
        bool allMet = true;
        var medians = ratios.ToDictionary(kv => kv.Key, kv => PathTiming.MedianOf(kv.Value));
        foreach (var ((t, label), list) in ratios)
        {
            double median = medians[(t, label)];
            bool met = median <= target;
            allMet &= met;
            table.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {t} | {label} | {string.Join(" ", list.Select(r => r.ToString("F3", CultureInfo.InvariantCulture)))} | **{median:F3}** | ≤ {target:F4} | {(met ? "met" : "MISSED")} |"));
        }

        string notes = string.Create(CultureInfo.InvariantCulture,
            $"Ragged step time / padded step time, each run's medians from one process timing both in alternation ({reps} repetitions each at most, {budget} s budget). Real-token share {realShare:P2}; target ≤ share + 10 points. {Environment.ProcessorCount} cores; MLNetRnn {OneWorkloadCommand.LibraryVersion}.");
        Console.WriteLine(table.ToString().TrimEnd());
        Console.WriteLine(notes);
        if (markdown is not null)
        {
            File.WriteAllText(markdown, table + "\n" + notes + "\n");
        }

        if (json is not null)
        {
            var rows = ratios.Select(kv => new { threads = kv.Key.Threads, embeddingUpdate = kv.Key.Mode, ratios = kv.Value, median = medians[kv.Key], target });
            File.WriteAllText(json, JsonSerializer.Serialize(new { realShare, target, runs, reps, budget, version = OneWorkloadCommand.LibraryVersion, rows },
                new JsonSerializerOptions { WriteIndented = true }));
        }

        Console.WriteLine(allMet ? "All configurations met the target." : "Some configuration MISSED the target.");
        return 0;
    }
}
