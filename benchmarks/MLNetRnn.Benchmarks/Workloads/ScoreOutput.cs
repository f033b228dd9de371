namespace MLNetRnn.Benchmarks.Workloads;

/// <summary>What the loaded model's <c>PredictionEngine</c> fills in: the class probabilities.</summary>
public sealed class ScoreOutput
{
    /// <summary>Gets or sets the probabilities, in the label key's order.</summary>
    public float[] Score { get; set; } = [];
}
