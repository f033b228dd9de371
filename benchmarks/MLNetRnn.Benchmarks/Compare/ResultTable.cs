using System.Globalization;
using System.Text;
using MLNetRnn.Benchmarks.Workloads;

namespace MLNetRnn.Benchmarks.Compare;

/// <summary>Formats <c>compare</c>'s results as an aligned text table (console) or a Markdown table.</summary>
public sealed class ResultTable
{
    private static readonly string[] Header =
    [
        "workload", "GEMM", "ours", "PyTorch (threads)", "ours/PyTorch", "target", "ours GFLOP/s", "% SGEMM peak",
        "PyTorch GFLOP/s", "ours alloc/rep", "ours peak RSS MB (Δ)", "PyTorch peak RSS MB (Δ)",
    ];

    private static readonly bool[] RightAligned = [false, false, true, true, true, false, true, true, true, true, true, true];

    private readonly List<string[]> _rows = [];

    /// <summary>Builds the table.</summary>
    /// <param name="results">One entry per row.</param>
    /// <param name="peakGflops">The managed 512³ SGEMM GFLOP/s measured in the same run.</param>
    public ResultTable(IEnumerable<WorkloadResult> results, double peakGflops)
    {
        ArgumentNullException.ThrowIfNull(results);
        foreach (var r in results)
        {
            var ours = r.OursBest;
            var torch = r.PyTorchBest;
            double target = Target(r);
            double speedup = r.Speedup;
            string targetText = target <= 0 ? "" : double.IsNaN(speedup) ? $"≥{target:0.0}×"
                : $"≥{target:0.0}× {(speedup >= target ? "met" : "MISSED")}";
            _rows.Add(
            [
                r.Spec.Name,
                r.Provider,
                ours is null ? "failed" : Speed(r.Spec, ours),
                torch is null ? "–" : $"{Speed(r.Spec, torch)} ({torch.Threads})",
                double.IsNaN(speedup) ? "–" : $"{speedup:0.00}×",
                targetText,
                double.IsNaN(r.OursGflops) ? "–" : r.OursGflops.ToString("0.0", CultureInfo.InvariantCulture),
                double.IsNaN(r.OursGflops) || peakGflops <= 0 ? "–" : $"{100 * r.OursGflops / peakGflops:0.0}%",
                double.IsNaN(r.PyTorchGflops) ? "–" : r.PyTorchGflops.ToString("0.0", CultureInfo.InvariantCulture),
                ours?.AllocatedBytesPerRepetition is double bytes ? Bytes(bytes) : "–",
                Memory(r.Ours),
                Memory(r.PyTorch),
            ]);
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
        int[] widths = Header.Select((h, c) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[c].Length))).ToArray();
        var sb = new StringBuilder();
        AppendLine(sb, Header, widths);
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
        sb.AppendLine("| " + string.Join(" | ", Header) + " |");
        sb.AppendLine("|" + string.Join("|", RightAligned.Select(r => r ? "---:" : "---")) + "|");
        foreach (var row in _rows)
        {
            sb.AppendLine("| " + string.Join(" | ", row) + " |");
        }

        return sb.ToString();
    }

    private static void AppendLine(StringBuilder sb, string[] cells, int[] widths)
    {
        for (int c = 0; c < cells.Length; c++)
        {
            sb.Append(RightAligned[c] ? cells[c].PadLeft(widths[c]) : cells[c].PadRight(widths[c]));
            sb.Append(c + 1 < cells.Length ? "  " : "");
        }

        sb.AppendLine();
    }

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
