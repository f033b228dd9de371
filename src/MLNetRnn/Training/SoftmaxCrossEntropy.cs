using System.Numerics.Tensors;
using MLNetRnn.Numerics;

namespace MLNetRnn.Training;

// N = rows, C = classes.

/// <summary>Softmax cross-entropy over class logits, as PyTorch's <c>F.cross_entropy</c> with <c>ignore_index</c>.</summary>
public static class SoftmaxCrossEntropy
{
    /// <summary>Computes the loss and its gradient with respect to the logits.</summary>
    /// <param name="logits">(N, C) unnormalised scores.</param>
    /// <param name="targets">(N) class ids in [0, C), or <paramref name="ignoreIndex"/> for rows that do not count (padding).</param>
    /// <param name="classes">C; at least 1.</param>
    /// <param name="logitsGradient">(N, C) overwritten with dLoss/dlogits (zero on ignored rows), or empty to skip.</param>
    /// <param name="ignoreIndex">The target value of rows to skip. Default -100, as PyTorch.</param>
    /// <param name="reduction">Mean over counted rows (default) or sum.</param>
    /// <param name="labelSmoothing">ε in [0, 1): the target becomes <c>(1 − ε)·onehot + ε/C</c>, as PyTorch's
    /// <c>label_smoothing</c>. Default 0.</param>
    /// <returns>The loss; 0 when every row is ignored (PyTorch returns NaN there; a batch of only padding should not poison training).</returns>
    /// <remarks>
    /// <c>loss_n = (1 − ε)(logsumexp(z_n) − z_n[y_n]) + (ε/C) Σ_c (logsumexp(z_n) − z_n[c])</c>; gradient
    /// <c>softmax(z_n) − (1 − ε)·onehot(y_n) − ε/C</c>, divided by the number of counted rows for <see cref="LossReduction.Mean"/>. Computed with the max subtracted, so large logits do not overflow.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classes"/> is not positive, a target is outside [0, C) and not
    /// the ignore index, or <paramref name="labelSmoothing"/> is outside [0, 1).</exception>
    /// <exception cref="ArgumentException">The spans' sizes disagree, or a logit is NaN or infinite (the message gives its row and column).</exception>
    public static float Compute(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, int classes, Span<float> logitsGradient,
        int ignoreIndex = -100, LossReduction reduction = LossReduction.Mean, float labelSmoothing = 0f) =>
        (float)ComputeExact(logits, targets, classes, logitsGradient, ignoreIndex, reduction, labelSmoothing);

    /// <summary>As <see cref="Compute"/>, returning the loss accumulated in double without rounding it to float (for
    /// finite-difference checks, whose difference quotients would otherwise be dominated by that rounding). With
    /// <paramref name="nonFiniteIsNaN"/> a non-finite logit gives a NaN loss and gradient instead of an exception, so the
    /// training loop can name the epoch and step (or skip the batch).</summary>
    internal static double ComputeExact(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, int classes, Span<float> logitsGradient,
        int ignoreIndex = -100, LossReduction reduction = LossReduction.Mean, float labelSmoothing = 0f, bool nonFiniteIsNaN = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        if (!(labelSmoothing >= 0f && labelSmoothing < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "Label smoothing must be in [0, 1), for example 0.1.");
        }

        int n = targets.Length;
        if (logits.Length != (long)n * classes)
        {
            throw new ArgumentException($"'logits' has {logits.Length} values but {n} targets x {classes} classes need {(long)n * classes}.", nameof(logits));
        }

        if (!logitsGradient.IsEmpty && logitsGradient.Length != logits.Length)
        {
            throw new ArgumentException($"'logitsGradient' has {logitsGradient.Length} values; it must match 'logits' ({logits.Length}).", nameof(logitsGradient));
        }

        int counted = 0;
        for (int i = 0; i < n; i++)
        {
            int y = targets[i];
            if (y == ignoreIndex)
            {
                continue;
            }

            if ((uint)y >= (uint)classes)
            {
                throw new ArgumentOutOfRangeException(nameof(targets), y, $"Target {y} at row {i} is not a class in [0, {classes}) nor the ignore index {ignoreIndex}.");
            }

            counted++;
        }

        double total = 0;
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> z = logits.Slice(i * classes, classes);
            int y = targets[i];
            if (y == ignoreIndex)
            {
                if (!logitsGradient.IsEmpty)
                {
                    logitsGradient.Slice(i * classes, classes).Clear();
                }

                continue;
            }

            for (int c = 0; c < classes; c++)
            {
                if (!float.IsFinite(z[c]))
                {
                    if (nonFiniteIsNaN)
                    {
                        logitsGradient.Fill(float.NaN);
                        return double.NaN;
                    }

                    throw new ArgumentException($"Logit at row {i}, class {c} is {z[c]}; the model produced a non-finite value (lower the learning rate, enable gradient clipping, or check the inputs for NaN).", nameof(logits));
                }
            }

            float max = TensorPrimitives.Max(z);
            double sum = 0;
            for (int c = 0; c < classes; c++)
            {
                sum += Math.Exp(z[c] - max);
            }

            double logSum = Math.Log(sum) + max;
            total += (1 - labelSmoothing) * (logSum - z[y]);
            if (labelSmoothing > 0f)
            {
                double all = 0;
                for (int c = 0; c < classes; c++)
                {
                    all += logSum - z[c];
                }

                total += labelSmoothing * all / classes;
            }

            if (!logitsGradient.IsEmpty)
            {
                float scale = reduction == LossReduction.Mean ? 1f / counted : 1f;
                Span<float> g = logitsGradient.Slice(i * classes, classes);
                float smooth = labelSmoothing / classes;
                for (int c = 0; c < classes; c++)
                {
                    g[c] = ((float)Math.Exp(z[c] - logSum) - smooth) * scale;
                }

                g[y] -= (1f - labelSmoothing) * scale;
            }
        }

        return counted == 0 ? 0 : reduction == LossReduction.Mean ? total / counted : total;
    }
}
