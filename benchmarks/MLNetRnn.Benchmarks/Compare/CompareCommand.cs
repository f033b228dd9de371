using System.Diagnostics;
using MLNetRnn.Benchmarks.Workloads;
using MLNetRnn.Numerics;

namespace MLNetRnn.Benchmarks.Compare;

/// <summary>
/// <c>compare</c>: measures every workload in MLNetRnn and in PyTorch in the same run, alternating between the two,
/// and prints the table (see benchmarks/README.md).
/// </summary>
/// <remarks>
/// Each measurement runs in its own child process (ours: <c>compare --one NAME</c>; PyTorch: <c>compare.py</c>), which
/// warms up, times up to N repetitions and reports its best repetition and its peak RSS. A round visits every workload
/// once; within a workload it runs ours (each GEMM provider and thread count) and PyTorch (each thread count), ours
/// first in odd rounds and PyTorch first in even ones, so slow drift of a shared machine hits both sides alike. The
/// table keeps the best repetition over all rounds (a PyTorch thread count that lost by more than 2× in round 1 is
/// not run again). The managed 512³ SGEMM at each thread count, the "peak" of the %
/// column, is measured in this process before and after the rounds (best of the two).
/// </remarks>
public static class CompareCommand
{
    internal const string PyTorchMissing = "PyTorch not installed: apt-get install python3-torch";

    /// <summary>Runs the command.</summary>
    /// <param name="args">The arguments after <c>compare</c>.</param>
    /// <returns>The process exit code.</returns>
    public static int Run(string[] args)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(CompareOptions.Usage);
            return 0;
        }

        CompareOptions options;
        try
        {
            options = CompareOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }

        if (options.One is { } one)
        {
            Console.WriteLine(OneWorkloadCommand.Run(one, options.Timer, options.ModelDirectory, options.PairedWith).ToJsonLine());
            return 0;
        }

        return RunAll(options);
    }

    private static int RunAll(CompareOptions options)
    {
        var clock = Stopwatch.StartNew();
        GemmProvider automatic = Gemm.Provider;
        bool openBlas = Gemm.IsOpenBlasAvailable;
        IReadOnlyList<int> oursThreads = EngineThreading.IsAvailable ? options.Threads : [1];
        string? script = options.NoPyTorch ? null : FindScript(options.Script);
        bool torch = !options.NoPyTorch && script is not null && PyTorchImports(options.Python);
        if (!options.NoPyTorch && !torch)
        {
            Console.WriteLine(script is null ? "compare.py not found (looked for benchmarks/pytorch/compare.py above the current and program directories); use --script PATH." : PyTorchMissing);
            Console.WriteLine("Showing MLNetRnn only.");
        }

        var results = BuildRows(options, automatic, openBlas);
        string? modelDirectory = PrepareLatencyModel(results);
        try
        {
            return RunRounds(options, results, modelDirectory, clock, automatic, openBlas, oursThreads, script, torch);
        }
        finally
        {
            if (modelDirectory is not null)
            {
                Directory.Delete(modelDirectory, recursive: true);
            }
        }
    }

    private static int RunRounds(CompareOptions options, List<WorkloadResult> results, string? modelDirectory, Stopwatch clock,
        GemmProvider automatic, bool openBlas, IReadOnlyList<int> oursThreads, string? script, bool torch)
    {
        var sgemm = MeasureSgemm(oursThreads, openBlas);
        var (self, prefix) = ChildProcess.Self();
        for (int round = 1; round <= options.Rounds; round++)
        {
            // Workloads that share a PyTorch workload (infer-lstm-onnx reuses infer-lstm's) measure it once per round.
            var pyTorchDone = new HashSet<List<Measurement>>();
            foreach (var group in results.GroupBy(r => r.Spec))
            {
                void Ours()
                {
                    foreach (var row in group)
                    {
                        foreach (int threads in oursThreads)
                        {
                            RunOurs(self, prefix, options, row, threads, round, modelDirectory);
                        }
                    }
                }

                void Theirs()
                {
                    if (!pyTorchDone.Add(group.First().PyTorch))
                    {
                        return;
                    }

                    foreach (int threads in torch ? options.Threads : [])
                    {
                        if (round > 1 && IsClearLoser(group.First().PyTorch, threads))
                        {
                            continue;
                        }

                        RunPyTorch(options, script!, group.First(), threads, round);
                    }
                }

                if (round % 2 == 1)
                {
                    Ours();
                    Theirs();
                }
                else
                {
                    Theirs();
                    Ours();
                }
            }
        }

        if (options.Rounds > 1)
        {
            // Measure the peak again after the rounds and keep the better figure (drift on a shared machine).
            foreach (var (key, value) in MeasureSgemm(oursThreads, openBlas))
            {
                sgemm[key] = Math.Max(sgemm[key], value);
            }
        }

        var peaks = oursThreads.ToDictionary(t => t, t => sgemm[(GemmProvider.Managed, t)]);
        string Render(bool markdown) => CompareReport.Render(options, results, oursThreads, peaks, sgemm, automatic, torch, clock.Elapsed, markdown);
        Console.WriteLine();
        Console.Write(Render(markdown: false));
        if (options.MarkdownPath is { } md)
        {
            File.WriteAllText(md, Render(markdown: true));
            Console.WriteLine($"Markdown written to {md}");
        }

        if (options.JsonPath is { } json)
        {
            CompareReport.WriteJson(json, options, results, sgemm, automatic, clock.Elapsed);
            Console.WriteLine($"JSON written to {json}");
        }

        return results.Any(r => r.Ours.Count == 0) ? 1 : 0;
    }

    /// <summary>
    /// Whether a PyTorch thread count was more than <see cref="LoserFactor"/> slower than the best in round 1, so later
    /// rounds skip it: on a loaded 2-core machine <c>torch.set_num_threads(2)</c> can be 10-100× slower (OpenMP
    /// threads wait for each other), and re-measuring it cannot change which count is best but costs minutes.
    /// </summary>
    private static bool IsClearLoser(List<Measurement> pyTorch, int threads)
    {
        var mine = pyTorch.Where(m => m.Threads == threads).ToList();
        return mine.Count > 0 && mine.Min(m => m.BestSeconds) > LoserFactor * pyTorch.Min(m => m.BestSeconds);
    }

    /// <summary>A PyTorch thread count this much slower than the best in round 1 is skipped later.</summary>
    internal const double LoserFactor = 2.0;

    /// <summary>512³ SGEMM GFLOP/s per (provider, engine threads), measured in this process.</summary>
    private static Dictionary<(GemmProvider Provider, int Threads), double> MeasureSgemm(IReadOnlyList<int> threadCounts, bool openBlas)
    {
        var result = new Dictionary<(GemmProvider, int), double>();
        int previous = EngineThreading.Count;
        try
        {
            foreach (int threads in threadCounts)
            {
                if (EngineThreading.IsAvailable)
                {
                    EngineThreading.Set(threads);
                }

                foreach (var provider in openBlas ? new[] { GemmProvider.Managed, GemmProvider.OpenBlas } : [GemmProvider.Managed])
                {
                    result[(provider, threads)] = SgemmPeak.Measure(provider);
                    Progress($"SGEMM 512³ {provider,-8} {threads} thr: {result[(provider, threads)]:0.0} GFLOP/s");
                }
            }
        }
        finally
        {
            if (EngineThreading.IsAvailable)
            {
                EngineThreading.Set(previous);
            }
        }

        return result;
    }

    /// <summary>
    /// Fits and saves the classifier of the ONNX Runtime and ML.NET workloads once, in this process, so their child
    /// processes only load it (their memory is then the app's, not the fit's); null when no such workload runs.
    /// </summary>
    private static string? PrepareLatencyModel(List<WorkloadResult> results)
    {
        var specs = results.Select(r => r.Spec).Where(s => s.Harness != WorkloadHarness.Engine).Distinct().ToList();
        if (specs.Count == 0)
        {
            return null;
        }

        static object Size(WorkloadSpec s) => (s.Cell, s.EmbeddingSize, s.HiddenSize, s.Layers, s.Bidirectional);
        var spec = specs[0];
        if (specs.Any(s => !Size(s).Equals(Size(spec))))
        {
            throw new InvalidOperationException("The ONNX Runtime and ML.NET workloads must share one model size (they run one prepared model).");
        }

        var clock = Stopwatch.StartNew();
        string directory = Directory.CreateTempSubdirectory("mlnetrnn-latency-").FullName;
        LatencyModel.Prepare(spec, directory);
        Progress($"Latency model (pipeline fitted for 1 epoch, saved as .zip and .onnx) prepared in {clock.Elapsed.TotalSeconds:0.0} s");
        return directory;
    }

    private static List<WorkloadResult> BuildRows(CompareOptions options, GemmProvider automatic, bool openBlas)
    {
        var rows = new List<WorkloadResult>();
        var pyTorchLists = new Dictionary<string, List<Measurement>>(StringComparer.Ordinal);
        foreach (var spec in options.Workloads)
        {
            if (!pyTorchLists.TryGetValue(spec.PyTorchWorkload, out var pyTorch))
            {
                pyTorchLists[spec.PyTorchWorkload] = pyTorch = [];
            }

            if (spec.Harness != WorkloadHarness.Engine)
            {
                rows.Add(new WorkloadResult(spec, null, pyTorch)); // no GEMM provider of ours runs
                continue;
            }

            if (options.Providers.Count > 0)
            {
                foreach (var provider in options.Providers)
                {
                    rows.Add(new WorkloadResult(spec, provider.ToString().ToLowerInvariant(), pyTorch));
                }

                continue;
            }

            rows.Add(new WorkloadResult(spec, null, pyTorch));
            GemmProvider other = automatic == GemmProvider.Managed ? GemmProvider.OpenBlas : GemmProvider.Managed;
            if (spec.Name == "lstm-large" && (other == GemmProvider.Managed || openBlas))
            {
                rows.Add(new WorkloadResult(spec, other.ToString().ToLowerInvariant(), pyTorch));
            }
        }

        return rows;
    }

    private static void RunOurs(string self, string[] prefix, CompareOptions options, WorkloadResult row, int threads, int round, string? modelDirectory)
    {
        string[] args = [.. prefix, "compare", "--one", row.Spec.Name, .. options.TimingArguments(),
            .. row.Spec.Harness != WorkloadHarness.Engine && modelDirectory is not null ? ["--model-dir", modelDirectory] : Array.Empty<string>()];
        var environment = new Dictionary<string, string?>();
        if (row.ProviderSetting is not null)
        {
            environment["MLNETRNN_GEMM"] = row.ProviderSetting;
        }

        if (EngineThreading.IsAvailable)
        {
            environment[EngineThreading.Variable] = threads.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var (exit, output, error) = ChildProcess.Run(self, args, environment);
        var m = exit == 0 ? Measurement.ParseLastLine(output) : null;
        if (m is null)
        {
            row.Errors.Add($"round {round}: ours ({threads} threads) exited {exit}: {Tail(error)}");
            Progress($"[{round}/{options.Rounds}] {row.Spec.Name} ours FAILED ({exit}): {Tail(error)}");
            return;
        }

        row.Ours.Add(m);
        Progress($"[{round}/{options.Rounds}] {row.Spec.Name,-15} ours    {m.Provider + " " + m.Threads + " thr",-12} {ResultTable.Speed(row.Spec, m),16}  (median {Median(row.Spec, m)}, {m.Repetitions} reps)");
    }

    private static void RunPyTorch(CompareOptions options, string script, WorkloadResult row, int threads, int round)
    {
        string[] args = [script, "--workload", row.Spec.PyTorchWorkload, "--threads", threads.ToString(System.Globalization.CultureInfo.InvariantCulture),
            .. options.TimingArguments()];
        var (exit, output, error) = ChildProcess.Run(options.Python, args);
        var m = exit == 0 ? Measurement.ParseLastLine(output) : null;
        if (m is null)
        {
            row.Errors.Add($"round {round}: PyTorch ({threads} threads) exited {exit}: {Tail(error)}");
            Progress($"[{round}/{options.Rounds}] {row.Spec.Name} PyTorch FAILED ({exit}): {Tail(error)}");
            return;
        }

        row.PyTorch.Add(m);
        Progress($"[{round}/{options.Rounds}] {row.Spec.PyTorchWorkload,-15} PyTorch {threads + " thr",-12} {ResultTable.Speed(row.Spec, m),16}  (median {Median(row.Spec, m)}, {m.Repetitions} reps)");
    }

    private static string Median(WorkloadSpec spec, Measurement m)
    {
        var median = new Measurement { BestSeconds = m.MedianSeconds, RealTokens = m.RealTokens, SentencesPerRepetition = m.SentencesPerRepetition };
        return ResultTable.Speed(spec, median);
    }

    private static bool PyTorchImports(string python)
    {
        var (exit, _, _) = ChildProcess.Run(python, ["-c", "import torch"]);
        return exit == 0;
    }

    private static string? FindScript(string? given)
    {
        if (given is not null)
        {
            return File.Exists(given) ? Path.GetFullPath(given) : null;
        }

        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "benchmarks", "pytorch", "compare.py");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private static string Tail(string text)
    {
        string[] lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "(no output)" : string.Join(" | ", lines.TakeLast(3));
    }

    private static void Progress(string message) => Console.Error.WriteLine(message);
}
