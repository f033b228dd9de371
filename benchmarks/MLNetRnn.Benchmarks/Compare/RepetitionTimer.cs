using System.Diagnostics;

namespace MLNetRnn.Benchmarks.Compare;

/// <summary>
/// Times repetitions of an action the way <c>compare.py</c> does: warm-up, then up to N timed repetitions, stopping
/// early once a time budget is spent. The fastest repetition is the result (least disturbed by other work on a shared
/// machine).
/// </summary>
/// <remarks>
/// Warm-up runs at least one repetition and <see cref="WarmupSeconds"/>, and then goes on until
/// <see cref="TierUpRepetitions"/> repetitions or <see cref="MaxWarmupSeconds"/>, whichever comes first. The count matters
/// for .NET: tiered compilation promotes a method to fully optimised code only after 30 calls, and a method called
/// once per training step (a layer's Forward) needs 30 steps; measured on lstm-small, 0.5 s of warm-up (about 5
/// steps) left the step 3× slower than its steady state. Long steps (lstm-large) reach the time cap first; their hot
/// code is in loops (on-stack replacement) and in callees called many times per step, so they are warm by then.
/// Timing stops at N repetitions or once <see cref="BudgetSeconds"/> is spent, so a repetition slower than the budget
/// (PyTorch with 2 threads on a loaded 2-core machine can take seconds per step) is timed once, not three times.
/// </remarks>
/// <param name="MaxRepetitions">N, the most timed repetitions.</param>
/// <param name="BudgetSeconds">Stop timing once this much time has been spent.</param>
/// <param name="WarmupSeconds">Minimum warm-up time (JIT tiering, caches, buffer growth).</param>
public sealed record RepetitionTimer(int MaxRepetitions, double BudgetSeconds, double WarmupSeconds)
{
    /// <summary>The warm-up count aimed for (tiered compilation's call-count threshold is 30).</summary>
    public const int TierUpRepetitions = 50;

    /// <summary>The warm-up stops aiming for <see cref="TierUpRepetitions"/> after this long.</summary>
    public const double MaxWarmupSeconds = 3.0;

    /// <summary>Warms up, then times <paramref name="run"/>.</summary>
    /// <param name="run">One repetition.</param>
    /// <param name="measurement">Receives the counts and times; the allocation fields cover the timed part only.</param>
    public void Measure(Action run, Measurement measurement)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(measurement);
        int warmup = WarmUp(run);
        var seconds = new double[Math.Max(MaxRepetitions, 1)];
        int count = 0;
        double spent = 0;
        int collections = GC.CollectionCount(0);
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        while (count < seconds.Length && (count == 0 || spent < BudgetSeconds))
        {
            long t0 = Stopwatch.GetTimestamp();
            run();
            double elapsed = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            seconds[count++] = elapsed;
            spent += elapsed;
        }

        long allocatedAfter = GC.GetTotalAllocatedBytes(precise: true);
        measurement.GcCollections = GC.CollectionCount(0) - collections;
        measurement.AllocatedBytesPerRepetition = (double)(allocatedAfter - allocated) / count;
        measurement.WarmupRepetitions = warmup;
        Summarise(seconds, count, measurement);
    }

    /// <summary>
    /// Warms up both actions, then times them in alternation (one repetition of each in turn, up to N each, until twice
    /// the budget is spent), so drift of a shared machine hits both alike. Each result gets its own allocations per
    /// repetition, and both get the collections of the whole timed loop.
    /// </summary>
    /// <param name="first">One repetition of the first configuration.</param>
    /// <param name="firstResult">Receives its counts and times.</param>
    /// <param name="second">One repetition of the second configuration.</param>
    /// <param name="secondResult">Receives its counts and times.</param>
    public void MeasureInterleaved(Action first, Measurement firstResult, Action second, Measurement secondResult)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(firstResult);
        ArgumentNullException.ThrowIfNull(second);
        ArgumentNullException.ThrowIfNull(secondResult);
        firstResult.WarmupRepetitions = WarmUp(first);
        secondResult.WarmupRepetitions = WarmUp(second);
        var a = new double[Math.Max(MaxRepetitions, 1)];
        var b = new double[a.Length];
        int count = 0;
        double spent = 0;
        long allocatedA = 0, allocatedB = 0;
        int collections = GC.CollectionCount(0);
        while (count < a.Length && (count == 0 || spent < 2 * BudgetSeconds))
        {
            long bytes = GC.GetTotalAllocatedBytes(precise: true);
            long t0 = Stopwatch.GetTimestamp();
            first();
            a[count] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            long middle = GC.GetTotalAllocatedBytes(precise: true);
            long t1 = Stopwatch.GetTimestamp();
            second();
            b[count] = Stopwatch.GetElapsedTime(t1).TotalSeconds;
            allocatedA += middle - bytes;
            allocatedB += GC.GetTotalAllocatedBytes(precise: true) - middle;
            spent += a[count] + b[count];
            count++;
        }

        firstResult.GcCollections = secondResult.GcCollections = GC.CollectionCount(0) - collections;
        firstResult.AllocatedBytesPerRepetition = (double)allocatedA / count;
        secondResult.AllocatedBytesPerRepetition = (double)allocatedB / count;
        Summarise(a, count, firstResult);
        Summarise(b, count, secondResult);
    }

    /// <summary>Runs <paramref name="run"/> until warm (see the remarks); returns the repetitions run.</summary>
    private int WarmUp(Action run)
    {
        int warmup = 0;
        long start = Stopwatch.GetTimestamp();
        while (true)
        {
            double elapsedSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            bool warm = warmup >= 1 && elapsedSeconds >= WarmupSeconds
                && (warmup >= TierUpRepetitions || elapsedSeconds >= MaxWarmupSeconds);
            if (warm)
            {
                return warmup;
            }

            run();
            warmup++;
        }
    }

    private static void Summarise(double[] seconds, int count, Measurement measurement)
    {
        measurement.Repetitions = count;
        Array.Sort(seconds, 0, count);
        measurement.BestSeconds = seconds[0];
        measurement.MedianSeconds = count % 2 == 1 ? seconds[count / 2] : 0.5 * (seconds[(count / 2) - 1] + seconds[count / 2]);
    }
}
