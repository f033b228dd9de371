using MLNetRnn.Benchmarks.Workloads;

namespace MLNetRnn.Benchmarks.Compare;

/// <summary>
/// Every measurement of one table row: one workload with one of our GEMM providers, against PyTorch's measurements of the
/// same workload (shared by the rows of that workload). Speeds are best-of over all rounds (and PyTorch thread counts).
/// </summary>
public sealed class WorkloadResult
{
    /// <summary>Creates an empty result.</summary>
    /// <param name="spec">The workload.</param>
    /// <param name="providerSetting">The value given to <c>MLNETRNN_GEMM</c> in the child, or null to inherit (automatic).</param>
    /// <param name="pyTorch">The list PyTorch's measurements of this workload go to.</param>
    public WorkloadResult(WorkloadSpec spec, string? providerSetting, List<Measurement> pyTorch)
    {
        Spec = spec;
        ProviderSetting = providerSetting;
        PyTorch = pyTorch;
    }

    /// <summary>Gets the workload.</summary>
    public WorkloadSpec Spec { get; }

    /// <summary>Gets the value given to <c>MLNETRNN_GEMM</c>, or null when the child chose automatically.</summary>
    public string? ProviderSetting { get; }

    /// <summary>Gets our measurements, one per round.</summary>
    public List<Measurement> Ours { get; } = [];

    /// <summary>Gets PyTorch's measurements, one per round and thread count.</summary>
    public List<Measurement> PyTorch { get; }

    /// <summary>Gets the errors of failed child processes.</summary>
    public List<string> Errors { get; } = [];

    /// <summary>Gets our fastest measurement over rounds and thread counts, or null.</summary>
    public Measurement? OursBest => Ours.MinBy(m => m.BestSeconds);

    /// <summary>Gets our fastest measurement with <paramref name="threads"/> engine threads, or null.</summary>
    /// <param name="threads">The thread count.</param>
    /// <returns>The measurement, or null when none ran with that count.</returns>
    public Measurement? OursBestWith(int threads) => Ours.Where(m => m.Threads == threads).MinBy(m => m.BestSeconds);

    /// <summary>Gets PyTorch's fastest measurement over rounds and thread counts, or null.</summary>
    public Measurement? PyTorchBest => PyTorch.MinBy(m => m.BestSeconds);

    /// <summary>Gets the provider our child reported (Managed or OpenBlas).</summary>
    public string Provider => OursBest?.Provider ?? ProviderSetting ?? "?";

    /// <summary>Gets ours ÷ PyTorch in throughput (PyTorch's best time ÷ ours; above 1 means ours is faster), or NaN.</summary>
    public double Speedup => OursBest is { } o && PyTorchBest is { } p ? p.BestSeconds / o.BestSeconds : double.NaN;

    /// <summary>Gets our GFLOP/s at the best repetition (FLOPs from <see cref="WorkloadSpec.RepetitionFlops"/>), or NaN.</summary>
    public double OursGflops => Gflops(OursBest);

    /// <summary>Gets PyTorch's GFLOP/s at its best repetition, or NaN.</summary>
    public double PyTorchGflops => Gflops(PyTorchBest);

    /// <summary>Tokens per second (training) of a measurement.</summary>
    /// <param name="m">The measurement.</param>
    /// <returns>Real tokens ÷ best step time.</returns>
    public static double TokensPerSecond(Measurement m) => m.RealTokens / m.BestSeconds;

    /// <summary>Milliseconds per sentence (inference) of a measurement.</summary>
    /// <param name="m">The measurement.</param>
    /// <returns>Best repetition time ÷ sentences per repetition, in ms.</returns>
    public static double MillisecondsPerSentence(Measurement m) => 1000.0 * m.BestSeconds / Math.Max(1, m.SentencesPerRepetition);

    private double Gflops(Measurement? m) => m is null ? double.NaN : Spec.RepetitionFlops(m.RealTokens) / m.BestSeconds / 1e9;
}
