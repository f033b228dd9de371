using System.Globalization;
using System.Text;
using MLNetRnn.Benchmarks.Workloads;

namespace MLNetRnn.Benchmarks.Compare;

/// <summary>Formats <c>compare</c>'s results as an aligned text table (console) or a Markdown table.</summary>
/// <remarks>
/// Columns: our speed at each engine thread count, the 2-thread ÷ 1-thread ratio, PyTorch's best (its thread count in
/// parentheses), ours ÷ PyTorch (our best over thread counts vs PyTorch's best; above 1 means ours is faster), issue 5's
/// target, our GFLOP/s and its share of the managed 512³ SGEMM measured at the same thread count, PyTorch's GFLOP/s,
/// managed bytes our repetition allocates (steady state), and each side's peak RSS with, in parentheses, its growth
/// over the process's start.
/// </remarks>
public sealed class ResultTable
{
    private readonly List<string> _header = [];
    private readonly List<bool> _rightAligned = [];
    private readonly List<string[]> _rows = [];

    /// <summary>Builds the table.</summary>
    /// <param name="results">One entry per row.</param>
    /// <param name="oursThreads">Our thread counts, one column each.</param>
    /// <param name="peakGflops">The managed 512³ SGEMM GFLOP/s measured in the same run, by thread count.</param>
    public ResultTable(IEnumerable<WorkloadResult> results, IReadOnlyList<int> oursThreads, IReadOnlyDictionary<int, double> peakGflops)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(oursThreads);
        ArgumentNullException.ThrowIfNull(peakGflops);
        bool scaling = oursThreads.Contains(1) && oursThreads.Contains(2);
        Column("workload", false);
        Column("GEMM", false);
        foreach (int t in oursThreads)
        {
            Column($"ours {t} thr", true);
        }

        if (scaling)
        {
            Column("2 thr/1 thr", true);
        }

        Column("PyTorch (threads)", true);
        Column("ours/PyTorch", true);
        Column("target", false);
        Column("ours GFLOP/s", true);
        Column("% SGEMM peak", true);
        Column("PyTorch GFLOP/s", true);
        Column("ours alloc/rep", true);
        Column("ours peak RSS MB (Δ)", true);
        Column("PyTorch peak RSS MB (Δ)", true);

        foreach (var r in results)
        {
            var ours = r.OursBest;
            var torch = r.PyTorchBest;
            double target = Target(r);
            double speedup = r.Speedup;
            var row = new List<string> { r.Spec.Name, r.Provider };
            foreach (int t in oursThreads)
            {
                row.Add(r.OursBestWith(t) is { } m ? Speed(r.Spec, m) : "–");
            }

            if (scaling)
            {
                row.Add(r.OursBestWith(1) is { } one && r.OursBestWith(2) is { } two ? $"{one.BestSeconds / two.BestSeconds:0.00}×" : "–");
            }

            row.Add(torch is null ? "–" : $"{Speed(r.Spec, torch)} ({torch.Threads})");
            row.Add(double.IsNaN(speedup) ? "–" : $"{speedup:0.00}×");
            row.Add(target <= 0 ? "" : double.IsNaN(speedup) ? $"≥{target:0.0}×" : $"≥{target:0.0}× {(speedup >= target ? "met" : "MISSED")}");
            row.Add(Number(r.OursGflops));
            // The peak is our engine's GEMM: no yardstick for ONNX Runtime's kernels.
            row.Add(ours is not null && r.Spec.Harness == WorkloadHarness.Engine && peakGflops.TryGetValue(ours.Threads, out double peak) && peak > 0
                ? $"{100 * r.OursGflops / peak:0.0}% ({ours.Threads})" : "–");
            row.Add(Number(r.PyTorchGflops));
            // Steady state: the least any round saw (a buffer grown once inside one run's timed window is not a per-step
            // allocation), and the most over thread counts (an allocation on the 2-thread path only still shows).
            row.Add(r.Ours.Count > 0
                ? Bytes(r.Ours.GroupBy(m => m.Threads).Max(g => g.Min(m => m.AllocatedBytesPerRepetition ?? 0)))
                : "–");
            row.Add(Memory(r.Ours));
            row.Add(Memory(r.PyTorch));
            _rows.Add([.. row]);
        }
    }

    /// <summary>The speed-up target of a row: issue 5's per workload, and 1.0 for lstm-large forced onto OpenBLAS.</summary>
    /// <param name="result">The row.</param>
    /// <returns>The target, or 0 for none.</returns>
    public static double Target(WorkloadResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Spec.Name == "lstm-large" && string.Equals(result.ProviderSetting, "openblas", StringComparison.OrdinalIgnoreCase)
            ? 1.0
            : result.Spec.TargetSpeedup;
    }

    /// <summary>Formats a speed: tokens/s for training, ms per sentence for inference.</summary>
    /// <param name="spec">The workload.</param>
    /// <param name="m">The measurement.</param>
    /// <returns>The text.</returns>
    public static string Speed(WorkloadSpec spec, Measurement m)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(m);
        return spec.Inference
            ? $"{WorkloadResult.MillisecondsPerSentence(m).ToString("0.000", CultureInfo.InvariantCulture)} ms"
            : $"{(WorkloadResult.TokensPerSecond(m) / 1000).ToString("0.0", CultureInfo.InvariantCulture)}k tok/s";
    }

    /// <summary>Renders the table with aligned columns.</summary>
    /// <returns>The text, one line per row plus the header.</returns>
    public string ToText()
    {
        int[] widths = _header.Select((h, c) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[c].Length))).ToArray();
        var sb = new StringBuilder();
        AppendLine(sb, [.. _header], widths);
        sb.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in _rows)
        {
            AppendLine(sb, row, widths);
        }

        return sb.ToString();
    }

    /// <summary>Renders the table as GitHub Markdown.</summary>
    /// <returns>The Markdown table.</returns>
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.AppendLine("| " + string.Join(" | ", _header) + " |");
        sb.AppendLine("|" + string.Join("|", _rightAligned.Select(r => r ? "---:" : "---")) + "|");
        foreach (var row in _rows)
        {
            sb.AppendLine("| " + string.Join(" | ", row) + " |");
        }

        return sb.ToString();
    }

    private void Column(string name, bool rightAligned)
    {
        _header.Add(name);
        _rightAligned.Add(rightAligned);
    }

    private void AppendLine(StringBuilder sb, string[] cells, int[] widths)
    {
        for (int c = 0; c < cells.Length; c++)
        {
            sb.Append(_rightAligned[c] ? cells[c].PadLeft(widths[c]) : cells[c].PadRight(widths[c]));
            sb.Append(c + 1 < cells.Length ? "  " : "");
        }

        sb.AppendLine();
    }

    private static string Number(double x) => double.IsNaN(x) ? "–" : x.ToString("0.0", CultureInfo.InvariantCulture);

    private static string Memory(List<Measurement> measurements)
    {
        if (measurements.Count == 0 || measurements.All(m => m.PeakRssKb <= 0))
        {
            return "–";
        }

        long peak = measurements.Max(m => m.PeakRssKb);
        long delta = measurements.Max(m => m.PeakRssKb - m.BaselineRssKb);
        return $"{peak / 1024.0:0} (+{delta / 1024.0:0})";
    }

    private static string Bytes(double bytes) => bytes switch
    {
        < 1024 => $"{bytes:0} B",
        < 1024 * 1024 => $"{bytes / 1024:0.0} KB",
        _ => $"{bytes / (1024 * 1024):0.0} MB",
    };
}
