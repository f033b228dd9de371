namespace MLNetRnn.Training;

/// <summary>How a loss combines its per-element terms, as PyTorch's <c>reduction</c> argument.</summary>
public enum LossReduction
{
    /// <summary>The mean over the terms that count (for cross-entropy: rows whose target is not the ignore index).</summary>
    Mean,

    /// <summary>The sum of the terms.</summary>
    Sum,
}
