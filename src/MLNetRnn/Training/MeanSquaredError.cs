namespace MLNetRnn.Training;

/// <summary>Mean squared error, as PyTorch's <c>F.mse_loss</c>.</summary>
public static class MeanSquaredError
{
    /// <summary>Computes the loss and its gradient with respect to the predictions.</summary>
    /// <param name="predictions">N values.</param>
    /// <param name="targets">N values.</param>
    /// <param name="predictionsGradient">N values overwritten with dLoss/dprediction, or empty to skip.</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <returns><c>Σ (p − y)²</c>, divided by N for <see cref="LossReduction.Mean"/>; 0 for N = 0.</returns>
    /// <remarks>Gradient <c>2 (p − y)</c>, divided by N for the mean.</remarks>
    /// <exception cref="ArgumentException">The lengths differ, or a value is NaN or infinite (the message names which input and where).</exception>
    public static float Compute(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, Span<float> predictionsGradient,
        LossReduction reduction = LossReduction.Mean)
    {
        if (predictions.Length != targets.Length)
        {
            throw new ArgumentException($"'predictions' has {predictions.Length} values but 'targets' has {targets.Length}; they must match.", nameof(targets));
        }

        if (!predictionsGradient.IsEmpty && predictionsGradient.Length != predictions.Length)
        {
            throw new ArgumentException($"'predictionsGradient' has {predictionsGradient.Length} values; it must match 'predictions' ({predictions.Length}).", nameof(predictionsGradient));
        }

        Numerics.Check.Finite(predictions, nameof(predictions));
        Numerics.Check.Finite(targets, nameof(targets));
        int n = predictions.Length;
        if (n == 0)
        {
            return 0f;
        }

        float scale = reduction == LossReduction.Mean ? 1f / n : 1f;
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            float diff = predictions[i] - targets[i];
            total += (double)diff * diff;
            if (!predictionsGradient.IsEmpty)
            {
                predictionsGradient[i] = 2f * diff * scale;
            }
        }

        return (float)(reduction == LossReduction.Mean ? total / n : total);
    }
}
