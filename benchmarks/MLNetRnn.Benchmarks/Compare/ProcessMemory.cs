namespace MLNetRnn.Benchmarks.Compare;

/// <summary>Reads this process's resident memory from <c>/proc/self/status</c> (Linux).</summary>
/// <remarks>
/// <c>VmHWM</c> is the peak resident set size since the process started: the same quantity as Python's
/// <c>resource.getrusage(RUSAGE_SELF).ru_maxrss</c>, which <c>compare.py</c> reports, so the two columns compare
/// like with like (each includes its runtime: the .NET host and JIT on our side, the interpreter and libtorch on theirs).
/// </remarks>
public static class ProcessMemory
{
    /// <summary>Gets the peak resident set size in KiB, or -1 where <c>/proc</c> is not available.</summary>
    public static long PeakResidentKilobytes => Read("VmHWM:");

    /// <summary>Gets the current resident set size in KiB, or -1 where <c>/proc</c> is not available.</summary>
    public static long ResidentKilobytes => Read("VmRSS:");

    /// <summary>Gets the current private (anonymous) resident memory in KiB (<c>RssAnon</c>: heaps, not mapped files), or -1 where <c>/proc</c> is not available.</summary>
    public static long PrivateResidentKilobytes => Read("RssAnon:");

    private static long Read(string key)
    {
        const string path = "/proc/self/status";
        if (!File.Exists(path))
        {
            return -1;
        }

        foreach (string line in File.ReadLines(path))
        {
            if (line.StartsWith(key, StringComparison.Ordinal))
            {
                // "VmHWM:     123456 kB"
                string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return parts.Length >= 2 && long.TryParse(parts[1], out long kb) ? kb : -1;
            }
        }

        return -1;
    }
}
