using System.Diagnostics;
using System.Globalization;

namespace MLNetRnn.Tests.Reliability;

/// <summary>
/// Runs mutated files through one reader and counts what happened. Every case must end in a clean error (the reader's
/// documented <see cref="InvalidDataException"/>, naming the file), or in a load whose content equals the original's, or
/// (for formats without a checksum) a load of changed content the format cannot detect. Anything else is a failure: another
/// exception type, a case that runs past its time limit, a reader that allocates far more than the file's size, or a load
/// of changed content where the format must detect it.
/// </summary>
internal sealed class FuzzTally
{
    private readonly List<string> _failures = [];
    private int _failureCount;
    private readonly Stopwatch _clock = new();

    public FuzzTally(string kind) => Kind = kind;

    public string Kind { get; }

    public int Tried { get; private set; }

    public int CleanErrors { get; private set; }

    public int UnchangedLoads { get; private set; }

    /// <summary>Gets loads of changed content from mutations a format without a checksum cannot tell from real data.</summary>
    public int UndetectableLoads { get; private set; }

    /// <summary>Gets loads of changed content from mutations that wrote a valid file of different content (renamed or swapped entries of a zip without a seal).</summary>
    public int ValidRewrites { get; private set; }

    public int Failures => _failureCount;

    public IReadOnlyList<string> FailureSamples => _failures;

    /// <summary>Runs one case.</summary>
    /// <param name="label">The mutation, for failure messages.</param>
    /// <param name="read">The reader under test; returns whether what it loaded equals the original content.</param>
    /// <param name="mustNameSource">A text every error message must contain (the file or stream name).</param>
    /// <param name="changeIsDetectable">Whether a load of changed content is a failure (sealed zips, CRC-checked entries).</param>
    /// <param name="validRewrite">Whether the mutation wrote a valid file of possibly different content (zip rewrites).</param>
    /// <param name="maxAllocatedBytes">The most the reader may allocate on its thread, or null for no limit.</param>
    /// <param name="timeout">How long the case may run.</param>
    public void Run(string label, Func<bool> read, string mustNameSource, bool changeIsDetectable, bool validRewrite, long? maxAllocatedBytes, TimeSpan timeout)
    {
        Tried++;
        _clock.Start();
        long allocated = 0;
        var task = Task.Run(() =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                return read();
            }
            finally
            {
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            }
        });
        bool finished;
        try
        {
            finished = task.Wait(timeout);
        }
        catch (AggregateException)
        {
            finished = true;
        }

        _clock.Stop();
        if (!finished)
        {
            Fail(label, $"did not finish within {timeout.TotalSeconds:F0} s (a hang)");
            return;
        }

        if (maxAllocatedBytes is long cap && allocated > cap)
        {
            Fail(label, $"allocated {allocated:N0} bytes, more than the {cap:N0} allowed for this file");
            return;
        }

        if (task.IsFaulted)
        {
            var e = task.Exception!.InnerException!;
            if (e is InvalidDataException)
            {
                if (!e.Message.Contains(mustNameSource, StringComparison.Ordinal))
                {
                    Fail(label, $"InvalidDataException whose message does not name '{mustNameSource}': {e.Message}");
                    return;
                }

                CleanErrors++;
                return;
            }

            Fail(label, $"{e.GetType().Name}: {e.Message}{Environment.NewLine}{e.StackTrace}");
            return;
        }

        if (task.Result)
        {
            UnchangedLoads++;
        }
        else if (validRewrite && !changeIsDetectable)
        {
            ValidRewrites++;
        }
        else if (!changeIsDetectable)
        {
            UndetectableLoads++;
        }
        else
        {
            Fail(label, "loaded content that differs from the original (the change should have been detected)");
        }
    }

    public string Summary() => string.Create(CultureInfo.InvariantCulture,
        $"{Kind}: {Tried} mutations, {CleanErrors} clean errors, {UnchangedLoads} loads of unchanged content, "
        + $"{UndetectableLoads} loads of changed content the format cannot detect, {ValidRewrites} valid rewritten files, "
        + $"{Failures} failures, {_clock.Elapsed.TotalSeconds:F1} s");

    private void Fail(string label, string what)
    {
        if (++_failureCount <= 20)
        {
            _failures.Add($"[{label}] {what}");
        }
    }
}
