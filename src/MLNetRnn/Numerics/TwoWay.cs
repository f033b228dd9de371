using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace MLNetRnn.Numerics;

/// <summary>Work split in two parts that may run at the same time.</summary>
internal interface ITwoPartWork
{
    void Execute(int part);
}

/// <summary>
/// Runs part 0 of a job on the engine's worker thread and part 1 on the caller, then waits: fork/join without
/// allocating. Nested calls, calls while the worker is busy with another caller's job, and calls when
/// <see cref="EngineThreads.Count"/> is 1 run both parts in order on the caller. The first exception of either part is
/// rethrown.
/// </summary>
/// <remarks>
/// <para>The worker is one dedicated background thread, not the thread pool: after a job it spins for
/// <see cref="SpinTime"/> waiting for the next one (a recurrent layer hands it work every time step, tens of microseconds
/// apart), then parks on a semaphore until a caller wakes it. A pool hand-off costs several microseconds even when a
/// pool thread is idle, and far more when the pool is busy, which made two threads slower than one on small models.</para>
/// <para>The caller never waits for a worker that has not started: when the caller finishes part 1 and the worker has
/// not yet claimed part 0 (it is parked, descheduled on a busy machine, or slow to wake), the caller takes part 0 back
/// and runs it itself. So a split costs at most a few atomic operations more than running both parts in order.</para>
/// <para>Results never depend on which thread ran a part: the parts touch disjoint outputs with the same arithmetic.</para>
/// </remarks>
internal static class TwoWay
{
    /// <summary>How long the idle worker spins for the next job before it parks.</summary>
    internal static readonly TimeSpan SpinTime = TimeSpan.FromMicroseconds(200);

    private static readonly Lazy<Worker> s_worker = new(() => new Worker(), LazyThreadSafetyMode.ExecutionAndPublication);

    [ThreadStatic] private static bool s_inside;

    /// <summary>Gets whether two threads are available here (enabled and not already inside a split).</summary>
    public static bool CanSplit => EngineThreads.Count > 1 && !s_inside;

    /// <summary>Gets how many jobs ran part 0 on the worker, and how many the caller took back (for tests and diagnostics).</summary>
    internal static (long OnWorker, long TakenBack) Counts => s_worker.IsValueCreated ? s_worker.Value.Counts : (0, 0);

    public static void Run(ITwoPartWork work)
    {
        if (!CanSplit || !s_worker.Value.TryPost(work))
        {
            work.Execute(0);
            work.Execute(1);
            return;
        }

        Exception? mine = null;
        s_inside = true;
        try
        {
            work.Execute(1);
        }
        catch (Exception e)
        {
            mine = e;
        }
        finally
        {
            s_inside = false;
        }

        Exception? theirs = s_worker.Value.Join(work);
        if ((mine ?? theirs) is { } error)
        {
            ExceptionDispatchInfo.Capture(error).Throw();
        }
    }

    /// <summary>The dedicated thread that runs part 0 of one job at a time.</summary>
    private sealed class Worker
    {
        // Job states: Idle → Claimed (a caller owns the worker) → Posted (its job is published) → Running (the worker
        // claimed the job) → Done (the worker finished it), or Posted → TakenBack (the caller claimed it); the caller
        // then sets Idle.
        private const int Idle = 0, Claimed = 1, Posted = 2, Running = 3, TakenBack = 4, Done = 5;
        private readonly SemaphoreSlim _wake = new(0);
        private readonly long _spinTicks = (long)(SpinTime.TotalSeconds * Stopwatch.Frequency);
        private ITwoPartWork? _work;
        private Exception? _error;
        private int _state;
        private int _parked;
        private long _onWorker, _takenBack;

        public Worker()
        {
            var thread = new Thread(Loop) { IsBackground = true, Name = "MLNetRnn engine worker" };
            thread.Start();
        }

        public (long OnWorker, long TakenBack) Counts => (Interlocked.Read(ref _onWorker), Interlocked.Read(ref _takenBack));

        /// <summary>Publishes <paramref name="work"/> when the worker is idle; false when another caller's job holds it.</summary>
        public bool TryPost(ITwoPartWork work)
        {
            if (Volatile.Read(ref _state) != Idle || Interlocked.CompareExchange(ref _state, Claimed, Idle) != Idle)
            {
                return false;
            }

            _work = work;
            _error = null;
            Volatile.Write(ref _state, Posted); // publishes the job: the worker reads _work only after it sees Posted
            if (Interlocked.Exchange(ref _parked, 0) == 1) // full fence: orders the write above before this read
            {
                _wake.Release();
            }

            return true;
        }

        /// <summary>Waits for part 0 (running it here if the worker has not claimed it), releases the worker, returns its error.</summary>
        public Exception? Join(ITwoPartWork work)
        {
            Exception? error;
            if (Interlocked.CompareExchange(ref _state, TakenBack, Posted) == Posted)
            {
                Interlocked.Increment(ref _takenBack);
                error = null;
                s_inside = true;
                try
                {
                    work.Execute(0);
                }
                catch (Exception e)
                {
                    error = e;
                }
                finally
                {
                    s_inside = false;
                }
            }
            else
            {
                var spinner = default(SpinWait);
                while (Volatile.Read(ref _state) != Done)
                {
                    spinner.SpinOnce(sleep1Threshold: -1);
                }

                error = _error;
            }

            _work = null;
            _error = null;
            Volatile.Write(ref _state, Idle);
            return error;
        }

        private void Loop()
        {
            s_inside = true; // a split inside part 0 runs in order on this thread
            while (true)
            {
                WaitForPost();
                if (Interlocked.CompareExchange(ref _state, Running, Posted) != Posted)
                {
                    // The caller took the job back: wait until it releases the worker, so the next post is a new job.
                    var spinner = default(SpinWait);
                    while (Volatile.Read(ref _state) == TakenBack)
                    {
                        spinner.SpinOnce(sleep1Threshold: -1);
                    }

                    continue;
                }

                try
                {
                    _work!.Execute(0);
                }
                catch (Exception e)
                {
                    _error = e;
                }

                Interlocked.Increment(ref _onWorker);
                Volatile.Write(ref _state, Done);
            }
        }

        /// <summary>Spins for <see cref="SpinTime"/> until a job is posted, then parks until a caller wakes it.</summary>
        private void WaitForPost()
        {
            long start = Stopwatch.GetTimestamp();
            while (Volatile.Read(ref _state) != Posted)
            {
                if (Stopwatch.GetTimestamp() - start < _spinTicks)
                {
                    Thread.SpinWait(20);
                    continue;
                }

                Volatile.Write(ref _parked, 1);
                Interlocked.MemoryBarrier();
                if (Volatile.Read(ref _state) == Posted)
                {
                    // A job arrived while parking: if its caller saw the flag, it released the semaphore; take that release.
                    if (Interlocked.Exchange(ref _parked, 0) == 0)
                    {
                        _wake.Wait();
                    }

                    return;
                }

                _wake.Wait();
                start = Stopwatch.GetTimestamp();
            }
        }
    }
}
