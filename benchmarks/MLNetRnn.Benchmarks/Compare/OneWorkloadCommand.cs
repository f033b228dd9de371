using System.Reflection;
using MLNetRnn.Benchmarks.Workloads;
using MLNetRnn.Numerics;

namespace MLNetRnn.Benchmarks.Compare;

/// <summary>
/// <c>compare --one NAME</c>: builds one workload in MLNetRnn in this (fresh) process, times it with
/// <see cref="RepetitionTimer"/> and prints one JSON line (<see cref="Measurement"/>). One process per workload keeps
/// each workload's peak memory its own. The GEMM provider comes from <c>MLNETRNN_GEMM</c> and the thread count from
/// <c>MLNETRNN_THREADS</c>, as for any user.
/// </summary>
public static class OneWorkloadCommand
{
    /// <summary>Measures <paramref name="spec"/> and returns the result.</summary>
    /// <param name="spec">The workload.</param>
    /// <param name="timer">How to time it.</param>
    /// <returns>The measurement, also printed by the caller.</returns>
    public static Measurement Run(WorkloadSpec spec, RepetitionTimer timer)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(timer);
        var measurement = new Measurement
        {
            Framework = "mlnetrnn",
            Version = LibraryVersion,
            Workload = spec.Name,
            Threads = EngineThreading.Count,
            Provider = Gemm.Provider.ToString(),
            BaselineRssKb = ProcessMemory.PeakResidentKilobytes,
            SentencesPerRepetition = spec.Inference ? WorkloadSpec.SentencesPerRepetition : 0,
        };

        IWorkloadRunner runner = WorkloadRunner.Create(spec);
        measurement.RealTokens = runner.RealTokens;
        timer.Measure(runner.RunRepetition, measurement);
        measurement.PeakRssKb = ProcessMemory.PeakResidentKilobytes;
        measurement.Check = runner switch
        {
            TrainingStepRunner training => training.LastLoss,
            InferenceRunner inference => inference.LastProbability,
            _ => double.NaN,
        };
        return measurement;
    }

    /// <summary>Gets MLNetRnn's informational version.</summary>
    public static string LibraryVersion =>
        typeof(Gemm).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(Gemm).Assembly.GetName().Version?.ToString() ?? "?";
}
