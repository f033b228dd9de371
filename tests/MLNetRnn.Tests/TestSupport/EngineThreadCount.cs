using MLNetRnn.Numerics;

namespace MLNetRnn.Tests.TestSupport;

/// <summary>
/// Runs code with the engine's thread count set, restoring it after. The setting is process-wide: tests running meanwhile
/// may run split or unsplit, and their results do not change, which is what the thread tests assert.
/// </summary>
internal static class EngineThreadCount
{
    /// <summary>Runs <paramref name="run"/> with <see cref="EngineThreads.Count"/> = <paramref name="threads"/>.</summary>
    public static T With<T>(int threads, Func<T> run)
    {
        int saved = EngineThreads.Count;
        EngineThreads.Count = threads;
        try
        {
            return run();
        }
        finally
        {
            EngineThreads.Count = saved;
        }
    }

    /// <summary>Runs <paramref name="run"/> with <see cref="EngineThreads.Count"/> = <paramref name="threads"/>.</summary>
    public static void With(int threads, Action run) => With(threads, () =>
    {
        run();
        return 0;
    });
}
