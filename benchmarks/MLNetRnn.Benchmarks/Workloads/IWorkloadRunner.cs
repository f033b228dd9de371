namespace MLNetRnn.Benchmarks.Workloads;

/// <summary>One workload built in MLNetRnn, ready to run repeatedly without allocating anything of its own.</summary>
public interface IWorkloadRunner
{
    /// <summary>Gets the workload.</summary>
    WorkloadSpec Spec { get; }

    /// <summary>Gets the real tokens of one batch (training) or one sentence (inference).</summary>
    long RealTokens { get; }

    /// <summary>Runs one timed repetition: one training step, or <see cref="WorkloadSpec.SentencesPerRepetition"/> sentences.</summary>
    void RunRepetition();
}
