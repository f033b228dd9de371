namespace MLNetRnn.Benchmarks.Workloads;

/// <summary>Builds the MLNetRnn side of a workload.</summary>
public static class WorkloadRunner
{
    /// <summary>The seed of every model's initialisation.</summary>
    public const long ModelSeed = 1;

    /// <summary>
    /// Builds <paramref name="spec"/>: a <see cref="TrainingStepRunner"/> or an <see cref="InferenceRunner"/> (engine), an
    /// <see cref="OnnxSessionRunner"/> or a <see cref="ZipPredictionRunner"/>.
    /// </summary>
    /// <param name="spec">The workload.</param>
    /// <param name="modelDirectory">Where <see cref="LatencyModel.Prepare"/> wrote its files (ONNX Runtime and ML.NET workloads).</param>
    /// <param name="intraOpThreads">The ONNX Runtime session's intra-op threads, or null for its default (<see cref="OnnxSessionRunner"/> only).</param>
    /// <returns>The runner, with every buffer allocated; dispose it when it is <see cref="IDisposable"/>.</returns>
    /// <exception cref="ArgumentException">An ONNX Runtime or ML.NET workload without <paramref name="modelDirectory"/>.</exception>
    public static IWorkloadRunner Create(WorkloadSpec spec, string? modelDirectory = null, int? intraOpThreads = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Harness != WorkloadHarness.Engine && modelDirectory is null)
        {
            throw new ArgumentException($"Workload '{spec.Name}' runs a fitted model; give the folder LatencyModel.Prepare wrote.", nameof(modelDirectory));
        }

        return spec.Harness switch
        {
            WorkloadHarness.OnnxSession => new OnnxSessionRunner(spec, Path.Combine(modelDirectory!, LatencyModel.OnnxFileName), intraOpThreads),
            WorkloadHarness.MLNetZip => new ZipPredictionRunner(spec, Path.Combine(modelDirectory!, LatencyModel.ZipFileName)),
            _ => spec.Inference ? new InferenceRunner(spec) : new TrainingStepRunner(spec),
        };
    }
}
