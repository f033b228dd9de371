namespace MLNetRnn.Benchmarks.Workloads;

/// <summary>What an app gives the loaded model's <c>PredictionEngine</c>: the text alone.</summary>
public sealed class SentenceInput
{
    /// <summary>Gets or sets the sentence.</summary>
    public string Text { get; set; } = string.Empty;
}
