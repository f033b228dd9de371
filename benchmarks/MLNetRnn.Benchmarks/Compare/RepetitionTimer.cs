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
        int warmup = 0;
        long start = Stopwatch.GetTimestamp();
        while (true)
        {
            double elapsedSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            bool warm = warmup >= 1 && elapsedSeconds >= WarmupSeconds
                && (warmup >= TierUpRepetitions || elapsedSeconds >= MaxWarmupSeconds);
            if (warm)
            {
                break;
            }

            run();
            warmup++;
        }

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
        measurement.Repetitions = count;
        Array.Sort(seconds, 0, count);
        measurement.BestSeconds = seconds[0];
        measurement.MedianSeconds = count % 2 == 1 ? seconds[count / 2] : 0.5 * (seconds[(count / 2) - 1] + seconds[count / 2]);
    }
}
