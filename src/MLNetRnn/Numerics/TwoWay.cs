namespace MLNetRnn.Numerics;

/// <summary>Work split in two parts that may run at the same time.</summary>
internal interface ITwoPartWork
{
    void Execute(int part);
}

/// <summary>
/// Runs part 0 of a job on a thread-pool thread and part 1 on the caller, then waits: fork/join without allocating
/// (one reusable work item per calling thread). Nested calls, and calls when <see cref="EngineThreads.Count"/> is 1,
/// run both parts in order on the caller. The first exception of either part is rethrown.
/// </summary>
internal static class TwoWay
{
    [ThreadStatic] private static Job? s_job;
    [ThreadStatic] private static bool s_inside;

    /// <summary>Gets whether two threads are available here (enabled and not already inside a split).</summary>
    public static bool CanSplit => EngineThreads.Count > 1 && !s_inside;

    public static void Run(ITwoPartWork work)
    {
        if (!CanSplit)
        {
            work.Execute(0);
            work.Execute(1);
            return;
        }

        var job = s_job ??= new Job();
        job.Start(work);
        ThreadPool.UnsafeQueueUserWorkItem(job, preferLocal: false);
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

        Exception? theirs = job.Finish();
        if ((mine ?? theirs) is { } error)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
        }
    }

    private sealed class Job : IThreadPoolWorkItem
    {
        private readonly ManualResetEventSlim _done = new(false, spinCount: 2000);
        private ITwoPartWork? _work;
        private Exception? _error;

        public void Start(ITwoPartWork work)
        {
            _work = work;
            _error = null;
            _done.Reset();
        }

        public Exception? Finish()
        {
            _done.Wait();
            _work = null;
            return _error;
        }

        public void Execute()
        {
            s_inside = true;
            try
            {
                _work!.Execute(0);
            }
            catch (Exception e)
            {
                _error = e;
            }
            finally
            {
                s_inside = false;
                _done.Set();
            }
        }
    }
}
