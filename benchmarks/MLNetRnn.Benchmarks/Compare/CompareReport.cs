using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using MLNetRnn.Numerics;

namespace MLNetRnn.Benchmarks.Compare;

/// <summary>Renders <c>compare</c>'s results: the table with its notes (text or Markdown) and the JSON file.</summary>
public static class CompareReport
{
    /// <summary>The table and its notes, as aligned text or Markdown.</summary>
    public static string Render(CompareOptions options, List<WorkloadResult> results, IReadOnlyList<int> oursThreads,
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
        foreach (string note in RaggedNotes(results).Concat(LatencyNotes.For(results)))
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
            sb.AppendLine(Line($"PyTorch {version}: best of torch.set_num_threads({string.Join(") and (", options.Threads)}) (the count that won in parentheses); "
                + $"a count more than {CompareCommand.LoserFactor:0}× slower than the best in round 1 is not run in later rounds."));
        }
        else
        {
            sb.AppendLine(Line(options.NoPyTorch ? "PyTorch skipped (--no-pytorch)." : CompareCommand.PyTorchMissing));
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
    private static IEnumerable<string> RaggedNotes(List<WorkloadResult> results) =>
        RaggedNote(results, string.Empty, string.Empty).Concat(RaggedNote(results, "-sparse", ", row-sparse embedding updates"));

    private static IEnumerable<string> RaggedNote(List<WorkloadResult> results, string suffix, string label)
    {
        var ragged = results.FirstOrDefault(r => r.Spec.Name == "lstm-ragged" + suffix && r.ProviderSetting is null);
        var padded = results.FirstOrDefault(r => r.Spec.Name == "lstm-padded" + suffix && r.ProviderSetting is null);
        if (ragged?.OursBest is not { } rOurs || padded?.OursBest is not { } pOurs)
        {
            yield break;
        }

        double share = (double)rOurs.RealTokens / pOurs.RealTokens;
        double ours = rOurs.BestSeconds / pOurs.BestSeconds;
        string text = $"Ragged batch{label} (lengths 5..50, {rOurs.RealTokens} of {pOurs.RealTokens} tokens real = {100 * share:0.0}%): "
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

    /// <summary>Writes every measurement and the run's settings as indented JSON.</summary>
    public static void WriteJson(string path, CompareOptions options, List<WorkloadResult> results,
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
                harness = r.Spec.Harness.ToString(),
                pyTorchWorkload = r.Spec.PyTorchWorkload,
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

    /// <summary>The CPU's model name from /proc/cpuinfo, or the architecture.</summary>
    public static string CpuName()
    {
        const string path = "/proc/cpuinfo";
        string? line = File.Exists(path) ? File.ReadLines(path).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) : null;
        return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':') + 1)..].Trim();
    }
}
