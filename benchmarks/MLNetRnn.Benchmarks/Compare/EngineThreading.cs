using System.Reflection;
using MLNetRnn.Numerics;

namespace MLNetRnn.Benchmarks.Compare;

/// <summary>
/// The engine's thread-count setting, found at run time: <c>MLNetRnn.Numerics.EngineThreads.Count</c>, initialised from
/// the environment variable <c>MLNETRNN_THREADS</c>. Looked up by reflection so this harness builds and runs (single-
/// threaded) against an engine that does not have the setting; <c>compare</c> sets the variable in each child process.
/// </summary>
public static class EngineThreading
{
    /// <summary>The environment variable the engine reads its thread count from.</summary>
    public const string Variable = "MLNETRNN_THREADS";

    private static readonly PropertyInfo? s_count =
        typeof(Gemm).Assembly.GetType("MLNetRnn.Numerics.EngineThreads")?.GetProperty("Count", BindingFlags.Public | BindingFlags.Static);

    /// <summary>Gets whether the engine has a thread-count setting.</summary>
    public static bool IsAvailable => s_count is { CanRead: true, CanWrite: true } && s_count.PropertyType == typeof(int);

    /// <summary>Gets the engine's thread count, or 1 when it has no setting.</summary>
    public static int Count => IsAvailable && s_count!.GetValue(null) is int n ? n : 1;

    /// <summary>Sets the engine's thread count.</summary>
    /// <param name="threads">At least 1.</param>
    /// <exception cref="InvalidOperationException">The engine has no thread-count setting.</exception>
    public static void Set(int threads)
    {
        if (!IsAvailable)
        {
            throw new InvalidOperationException("This MLNetRnn build has no MLNetRnn.Numerics.EngineThreads.Count; it runs single-threaded.");
        }

        s_count!.SetValue(null, threads);
    }
}
