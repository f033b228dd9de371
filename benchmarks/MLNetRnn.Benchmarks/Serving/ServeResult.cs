using System.Globalization;
using System.Text;

namespace MLNetRnn.Benchmarks.Serving;

/// <summary>One thread count's measurement by <c>serve</c>.</summary>
/// <param name="Threads">Concurrent callers.</param>
/// <param name="Calls">Predictions in the timed window.</param>
/// <param name="Seconds">The timed window.</param>
/// <param name="P50Milliseconds">Median latency of one <c>Predict</c> call.</param>
/// <param name="P99Milliseconds">99th-percentile latency.</param>
/// <param name="EnginesCreated">Prediction engines the pool made (warm-up included).</param>
/// <param name="ModelMiB">Private resident memory the loaded model added (weights in ONNX Runtime, ML.NET's steps), before any engine.</param>
/// <param name="PeakMiB">The highest private resident memory sampled during the timed window, above the loaded model's level: N callers' engines and activations.</param>
/// <param name="RetainedMiB">Private resident memory after the window, above the loaded model's level: the engines the pool keeps.</param>
public sealed record ServeResult(int Threads, long Calls, double Seconds, double P50Milliseconds, double P99Milliseconds, long EnginesCreated,
    double ModelMiB, double PeakMiB, double RetainedMiB)
{
    /// <summary>Gets predictions per second over all threads.</summary>
    public double Throughput => Calls / Seconds;

    /// <summary>The results as a Markdown table with the setup above it.</summary>
    /// <param name="results">One row per thread count.</param>
    /// <param name="setup">A line describing the model and machine.</param>
    /// <returns>The Markdown.</returns>
    public static string ToMarkdown(IReadOnlyList<ServeResult> results, string setup)
    {
        ArgumentNullException.ThrowIfNull(results);
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"{setup}").AppendLine();
        md.AppendLine("| threads | predictions/s | p50 ms | p99 ms | engines made | model loaded (MiB) | peak above model (MiB) | kept after (MiB) |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Threads} | {r.Throughput:N0} | {r.P50Milliseconds:0.000} | {r.P99Milliseconds:0.000} | {r.EnginesCreated} | {r.ModelMiB:0.0} | {r.PeakMiB:0.0} | {r.RetainedMiB:0.0} |");
        }

        return md.ToString();
    }
}
