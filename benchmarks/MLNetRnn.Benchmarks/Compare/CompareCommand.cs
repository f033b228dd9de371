using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
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
/// table keeps the best repetition over all rounds. The managed 512³ SGEMM at each thread count, the "peak" of the %
/// column, is measured in this process before and after the rounds (best of the two).
/// </remarks>
public static class CompareCommand
{
    private const string PyTorchMissing = "PyTorch not installed: apt-get install python3-torch";

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
            Console.WriteLine(OneWorkloadCommand.Run(one, options.Timer).ToJsonLine());
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
        var sgemm = MeasureSgemm(oursThreads, openBlas);
        var (self, prefix) = ChildProcess.Self();
        for (int round = 1; round <= options.Rounds; round++)
        {
            foreach (var group in results.GroupBy(r => r.Spec))
            {
                void Ours()
                {
                    foreach (var row in group)
                    {
                        foreach (int threads in oursThreads)
                        {
                            RunOurs(self, prefix, options, row, threads, round);
                        }
                    }
                }

                void Theirs()
                {
                    foreach (int threads in torch ? options.Threads : [])
                    {
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
        string Render(bool markdown) => Report(options, results, oursThreads, peaks, sgemm, automatic, torch, clock.Elapsed, markdown);
        Console.WriteLine();
        Console.Write(Render(markdown: false));
        if (options.MarkdownPath is { } md)
        {
            File.WriteAllText(md, Render(markdown: true));
            Console.WriteLine($"Markdown written to {md}");
        }

        if (options.JsonPath is { } json)
        {
            WriteJson(json, options, results, sgemm, automatic, clock.Elapsed);
            Console.WriteLine($"JSON written to {json}");
        }

        return results.Any(r => r.Ours.Count == 0) ? 1 : 0;
    }

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

    private static List<WorkloadResult> BuildRows(CompareOptions options, GemmProvider automatic, bool openBlas)
    {
        var rows = new List<WorkloadResult>();
        foreach (var spec in options.Workloads)
        {
            var pyTorch = new List<Measurement>();
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

    private static void RunOurs(string self, string[] prefix, CompareOptions options, WorkloadResult row, int threads, int round)
    {
        string[] args = [.. prefix, "compare", "--one", row.Spec.Name, .. options.TimingArguments()];
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
        Progress($"[{round}/{options.Rounds}] {row.Spec.Name,-14} ours    {m.Provider + " " + m.Threads + " thr",-12} {ResultTable.Speed(row.Spec, m),16}  (median {Median(row.Spec, m)}, {m.Repetitions} reps)");
    }

    private static void RunPyTorch(CompareOptions options, string script, WorkloadResult row, int threads, int round)
    {
        string[] args = [script, "--workload", row.Spec.Name, "--threads", threads.ToString(System.Globalization.CultureInfo.InvariantCulture),
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
        Progress($"[{round}/{options.Rounds}] {row.Spec.Name,-14} PyTorch {threads + " thr",-12} {ResultTable.Speed(row.Spec, m),16}  (median {Median(row.Spec, m)}, {m.Repetitions} reps)");
    }

    private static string Report(CompareOptions options, List<WorkloadResult> results, IReadOnlyList<int> oursThreads,
        IReadOnlyDictionary<int, double> peaks, IReadOnlyDictionary<(GemmProvider Provider, int Threads), double> sgemm,
        GemmProvider automatic, bool torch, TimeSpan elapsed, bool markdown)
    {
        var table = new ResultTable(results, oursThreads, peaks);
        var sb = new StringBuilder();
        string Line(string text) => markdown ? $"- {text}" : text;
        sb.Append(markdown ? table.ToMarkdown() : table.ToText());
        sb.AppendLine();
        var sgemmText = oursThreads.Select(t =>
        {
            string text = $"{t} thr: managed {sgemm[(GemmProvider.Managed, t)]:0.0}";
            return sgemm.TryGetValue((GemmProvider.OpenBlas, t), out double blas)
                ? text + $", OpenBLAS {blas:0.0} (managed/OpenBLAS {sgemm[(GemmProvider.Managed, t)] / blas:0.00}×)"
                : text + ", OpenBLAS not installed";
        });
        sb.AppendLine(Line($"SGEMM 512³ GFLOP/s through Gemm.Multiply, {string.Join("; ", sgemmText)}. "
            + "The managed figure at the same thread count is the peak of the % column (the count in parentheses)."));
        foreach (string note in RaggedNotes(results))
        {
            sb.AppendLine(Line(note));
        }

        sb.AppendLine(Line((EngineThreading.IsAvailable
                ? $"Ours: engine threads {string.Join(", ", oursThreads)} (MLNETRNN_THREADS), each shown; ours/PyTorch uses our best. "
                : "Ours: 1 thread (this engine build has no thread-count setting). ")
            + $"GEMM '{automatic}' is the engine's automatic choice on this machine; MLNetRnn {OneWorkloadCommand.LibraryVersion}, .NET {Environment.Version}."));
        if (torch)
        {
            string version = results.SelectMany(r => r.PyTorch).Select(m => m.Version).FirstOrDefault() ?? "?";
            sb.AppendLine(Line($"PyTorch {version}: best of torch.set_num_threads({string.Join(") and (", options.Threads)}) (the count that won in parentheses)."));
        }
        else
        {
            sb.AppendLine(Line(options.NoPyTorch ? "PyTorch skipped (--no-pytorch)." : PyTorchMissing));
        }

        sb.AppendLine(Line($"Speeds: best repetition of {options.Rounds} round(s) × up to {options.Timer.MaxRepetitions} repetitions per process; "
            + "training in real tokens/s per step, inference in ms per sentence (batch 1); ours/PyTorch > 1 means ours is faster. "
            + $"{Environment.ProcessorCount} cores ({CpuName()}), {RuntimeInformation.OSDescription}; total {elapsed.TotalMinutes:0.0} min."));
        foreach (var r in results.Where(r => r.Errors.Count > 0))
        {
            sb.AppendLine(Line($"{r.Spec.Name} ({r.Provider}): {string.Join("; ", r.Errors)}"));
        }

        return sb.ToString();
    }

    /// <summary>Issue 5's ragged target: time(ragged) ÷ time(padded) ≤ real-token share + 0.10.</summary>
    private static IEnumerable<string> RaggedNotes(List<WorkloadResult> results)
    {
        var ragged = results.FirstOrDefault(r => r.Spec.Name == "lstm-ragged" && r.ProviderSetting is null);
        var padded = results.FirstOrDefault(r => r.Spec.Name == "lstm-padded" && r.ProviderSetting is null);
        if (ragged?.OursBest is not { } rOurs || padded?.OursBest is not { } pOurs)
        {
            yield break;
        }

        double share = (double)rOurs.RealTokens / pOurs.RealTokens;
        double ours = rOurs.BestSeconds / pOurs.BestSeconds;
        string text = $"Ragged batch (lengths 5..50, {rOurs.RealTokens} of {pOurs.RealTokens} tokens real = {100 * share:0.0}%): "
            + $"ours costs {100 * ours:0.0}% of the padded batch (target ≤ {100 * (share + 0.10):0.0}%: {(ours <= share + 0.10 ? "met" : "MISSED")})";
        if (ragged.PyTorchBest is { } rTorch && padded.PyTorchBest is { } pTorch)
        {
            text += $"; PyTorch (packed) {100 * rTorch.BestSeconds / pTorch.BestSeconds:0.0}%";
            if (rTorch.RealTokens != rOurs.RealTokens)
            {
                text += $" (WARNING: PyTorch saw {rTorch.RealTokens} real tokens, ours {rOurs.RealTokens}: the generators differ)";
            }
        }

        yield return text + ".";
    }

    private static void WriteJson(string path, CompareOptions options, List<WorkloadResult> results,
        IReadOnlyDictionary<(GemmProvider Provider, int Threads), double> sgemm, GemmProvider automatic, TimeSpan elapsed)
    {
        var document = new
        {
            date = DateTime.UtcNow.ToString("o"),
            machine = new { cores = Environment.ProcessorCount, cpu = CpuName(), os = RuntimeInformation.OSDescription, dotnet = Environment.Version.ToString() },
            mlnetrnn = OneWorkloadCommand.LibraryVersion,
            automaticProvider = automatic.ToString(),
            engineThreadSetting = EngineThreading.IsAvailable,
            rounds = options.Rounds,
            maxRepetitions = options.Timer.MaxRepetitions,
            budgetSeconds = options.Timer.BudgetSeconds,
            warmupSeconds = options.Timer.WarmupSeconds,
            threads = options.Threads,
            sgemm512 = sgemm.Select(kv => new { provider = kv.Key.Provider.ToString(), threads = kv.Key.Threads, gflops = kv.Value }),
            elapsedSeconds = elapsed.TotalSeconds,
            results = results.Select(r => new
            {
                workload = r.Spec.Name,
                provider = r.Provider,
                providerSetting = r.ProviderSetting,
                flopsPerRepetition = r.OursBest is { } o ? r.Spec.RepetitionFlops(o.RealTokens) : (double?)null,
                speedup = NullIfNaN(r.Speedup),
                target = ResultTable.Target(r),
                oursGflops = NullIfNaN(r.OursGflops),
                pyTorchGflops = NullIfNaN(r.PyTorchGflops),
                pyTorchReference = r.Spec.PyTorchReference,
                ours = r.Ours,
                pyTorch = r.PyTorch,
                errors = r.Errors,
            }),
        };
        File.WriteAllText(path, JsonSerializer.Serialize(document, new JsonSerializerOptions(Measurement.JsonOptions) { WriteIndented = true }));
    }

    private static double? NullIfNaN(double x) => double.IsNaN(x) ? null : x;

    private static string CpuName()
    {
        const string path = "/proc/cpuinfo";
        string? line = File.Exists(path) ? File.ReadLines(path).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) : null;
        return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':') + 1)..].Trim();
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
