namespace MLNetRnn.Benchmarks.Workloads;

/// <summary>A training row of <see cref="LatencyModel"/>.</summary>
public sealed class LabeledSentence
{
    /// <summary>Gets or sets the words.</summary>
    public string Text { get; set; } = string.Empty;

    /// <summary>Gets or sets the class.</summary>
    public string Label { get; set; } = string.Empty;
}
