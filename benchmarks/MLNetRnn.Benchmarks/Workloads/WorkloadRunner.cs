namespace MLNetRnn.Benchmarks.Workloads;

/// <summary>Builds the MLNetRnn side of a workload.</summary>
public static class WorkloadRunner
{
    /// <summary>The seed of every model's initialisation.</summary>
    public const long ModelSeed = 1;

    /// <summary>Builds <paramref name="spec"/>: a <see cref="TrainingStepRunner"/> or an <see cref="InferenceRunner"/>.</summary>
    /// <param name="spec">The workload.</param>
    /// <returns>The runner, with every buffer allocated.</returns>
    public static IWorkloadRunner Create(WorkloadSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Inference ? new InferenceRunner(spec) : new TrainingStepRunner(spec);
    }
}
