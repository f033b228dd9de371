namespace MLNetRnn.Benchmarks.MLNetPath;

/// <summary>The timings of one path of <c>mlnet-path</c> over the rounds.</summary>
/// <param name="Name">The row's name.</param>
/// <param name="Timed">What the time covers.</param>
public sealed record PathTiming(string Name, string Timed)
{
    /// <summary>Gets each round's seconds for the timed call.</summary>
    public List<double> Seconds { get; } = [];

    /// <summary>Gets each round's seconds inside the call spent in the training loop (from the trainer's own per-epoch
    /// reports; equal to <see cref="Seconds"/> for the engine-only path).</summary>
    public List<double> TrainingSeconds { get; } = [];

    /// <summary>Gets each round's per-epoch training losses.</summary>
    public List<double[]> Losses { get; } = [];

    /// <summary>Gets the fastest round's seconds.</summary>
    public double Best => Seconds.Min();

    /// <summary>Gets the median round's seconds.</summary>
    public double Median => MedianOf(Seconds);

    /// <summary>Gets the training loop's seconds in the fastest round.</summary>
    public double TrainingInBest => TrainingSeconds[Seconds.IndexOf(Best)];

    /// <summary>The median of <paramref name="values"/>.</summary>
    /// <param name="values">At least one value.</param>
    /// <returns>The middle value, or the mean of the two middle ones.</returns>
    public static double MedianOf(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var sorted = values.Order().ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[(n / 2) - 1] + sorted[n / 2]);
    }
}
