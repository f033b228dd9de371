using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using Perfolizer.Horology;

namespace MLNetRnn.Benchmarks;

/// <summary>
/// The default configuration of <c>bench</c>: one launch, 3 warm-up and 5 measured iterations of about 250 ms each, the
/// memory diagnoser (bytes allocated per operation) and a GFLOP/s column, so that all benchmarks run in a few minutes
/// on a 2-core machine. Pass BenchmarkDotNet's own options (for example <c>--job medium</c>) for longer runs.
/// </summary>
public sealed class ShortRunConfig : ManualConfig
{
    /// <summary>Creates the configuration on top of BenchmarkDotNet's defaults.</summary>
    public ShortRunConfig()
    {
        Add(DefaultConfig.Instance);
        AddJob(Job.ShortRun
            .WithWarmupCount(3)
            .WithIterationCount(5)
            .WithIterationTime(TimeInterval.FromMilliseconds(250))
            .WithId("Short"));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(new GflopsColumn());
    }
}
