namespace MLNetRnn.Numerics;

/// <summary>
/// How many threads the engine may use for one operation: the two directions of a bidirectional layer, or the two
/// column halves of a large matrix product. Results never depend on it: each output element is computed by the same
/// arithmetic in the same order whatever the split, so 1 and 2 threads give bit-identical models.
/// </summary>
/// <remarks>
/// The initial value comes from the environment variable <c>MLNETRNN_THREADS</c> (a positive integer); unset, it is
/// <c>min(2, Environment.ProcessorCount)</c>. The engine splits work at most two ways.
/// </remarks>
internal static class EngineThreads
{
    private static int s_count = Parse(Environment.GetEnvironmentVariable("MLNETRNN_THREADS"), Environment.ProcessorCount);

    /// <summary>Gets or sets the number of threads (1 disables parallelism).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public static int Count
    {
        get => s_count;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            s_count = value;
        }
    }

    internal static int Parse(string? value, int processors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Math.Clamp(processors, 1, 2);
        }

        return int.TryParse(value.Trim(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int n) && n >= 1
            ? n
            : throw new InvalidOperationException($"MLNETRNN_THREADS='{value}' is not a positive integer; set it to 1 or 2, or unset it.");
    }
}
