using MLNetRnn.Training;

namespace MLNetRnn.Tests.TestSupport;

/// <summary>
/// A <see cref="DataParallelGroup"/> whose members are threads of this process: each all-reduce publishes the member's
/// values, waits for all members at a barrier, and sums them in rank order (so every member gets the same bits, as MPI's
/// sum does). Our own test helper for running two training loops side by side without MPI.
/// </summary>
internal sealed class ThreadGroup : DataParallelGroup
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly Shared _shared;

    private ThreadGroup(Shared shared, int rank) => (_shared, Rank) = (shared, rank);

    public override int Rank { get; }

    public override int Size => _shared.Values.Length;

    /// <summary>Makes the <paramref name="size"/> members of one group, rank 0 first.</summary>
    public static ThreadGroup[] Create(int size)
    {
        var shared = new Shared(size);
        return [.. Enumerable.Range(0, size).Select(rank => new ThreadGroup(shared, rank))];
    }

    /// <summary>Runs <paramref name="member"/> for each rank on its own thread and returns their results in rank order.</summary>
    public static T[] Run<T>(int size, Func<ThreadGroup, T> member)
    {
        var group = Create(size);
        var tasks = group.Select(g => Task.Factory.StartNew(() => member(g), TaskCreationOptions.LongRunning)).ToArray();
        Task.WaitAll(tasks);
        return [.. tasks.Select(t => t.Result)];
    }

    protected override void SumCore(Span<float> values)
    {
        double[] mine = [.. values.ToArray().Select(v => (double)v)];
        var all = Exchange(mine);
        for (int i = 0; i < values.Length; i++)
        {
            float sum = 0f;
            foreach (double[] member in all)
            {
                sum += (float)member[i]; // float additions in rank order, as a float all-reduce adds
            }

            values[i] = sum;
        }
    }

    protected override void SumCore(Span<double> values)
    {
        var all = Exchange(values.ToArray());
        for (int i = 0; i < values.Length; i++)
        {
            double sum = 0;
            foreach (double[] member in all)
            {
                sum += member[i];
            }

            values[i] = sum;
        }
    }

    /// <summary>Publishes this member's values and returns every member's, after all have published.</summary>
    private double[][] Exchange(double[] mine)
    {
        _shared.Values[Rank] = mine;
        Wait();
        double[][] all = [.. _shared.Values];
        Wait(); // nobody publishes the next values before everyone has read these
        return all;
    }

    private void Wait()
    {
        if (!_shared.Barrier.SignalAndWait(Patience))
        {
            throw new TimeoutException($"Member {Rank} waited {Patience.TotalSeconds} s for the other members of the thread group; one of them failed or skipped an all-reduce.");
        }
    }

    private sealed class Shared(int size)
    {
        public double[][] Values { get; } = new double[size][];

        public Barrier Barrier { get; } = new(size);
    }
}
