using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using MLNetRnn.Benchmarks.Compare;
using Perfolizer.Horology;

namespace MLNetRnn.Benchmarks;

/// <summary>
/// The default configuration of <c>bench</c>: one launch, 3 warm-up and 5 measured iterations of about 250 ms each, the
/// memory diagnoser (bytes allocated per operation) and a GFLOP/s column, so that all benchmarks run in a few minutes
/// on a 2-core machine. Pass BenchmarkDotNet's own options (for example <c>--job medium</c>) for longer runs.
/// </summary>
/// <remarks>
/// The engine runs single-threaded (<c>MLNETRNN_THREADS=1</c>, per-core kernel speed, comparable with single-threaded
/// OpenBLAS) unless <c>MLNETRNN_THREADS</c> is set when <c>bench</c> starts, in which case that value is passed on.
/// </remarks>
public sealed class ShortRunConfig : ManualConfig
{
    /// <summary>Creates the configuration on top of BenchmarkDotNet's defaults.</summary>
    public ShortRunConfig()
    {
        string threads = Environment.GetEnvironmentVariable(EngineThreading.Variable) ?? "1";
        Add(DefaultConfig.Instance);
        AddJob(Job.ShortRun
            .WithWarmupCount(3)
            .WithIterationCount(5)
            .WithIterationTime(TimeInterval.FromMilliseconds(250))
            .WithEnvironmentVariables(new EnvironmentVariable(EngineThreading.Variable, threads))
            .WithId($"Short-{threads}thr"));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(new GflopsColumn());
    }
}
