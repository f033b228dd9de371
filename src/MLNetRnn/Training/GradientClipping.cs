using MLNetRnn.Layers;

namespace MLNetRnn.Training;

/// <summary>Gradient clipping by global norm, as PyTorch's <c>torch.nn.utils.clip_grad_norm_</c>.</summary>
public static class GradientClipping
{
    /// <summary>Scales every trainable tensor's gradient so that their joint L2 norm is at most <paramref name="maxNorm"/>.</summary>
    /// <param name="store">The tensors; frozen ones are neither counted nor scaled.</param>
    /// <param name="maxNorm">The largest allowed norm; positive.</param>
    /// <returns>The norm before clipping (useful to log); NaN or infinity when a gradient is not finite, in which case nothing is scaled.</returns>
    /// <remarks><c>n = √Σ g²</c>; when <c>n &gt; maxNorm</c>, every gradient is multiplied by <c>maxNorm / (n + 1e-6)</c>.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is not positive and finite.</exception>
    public static float ClipByGlobalNorm(ParameterStore store, float maxNorm)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (!(maxNorm > 0f && float.IsFinite(maxNorm)))
        {
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, $"Invalid max norm: {maxNorm}. Use a positive value such as 1.0.");
        }

        // Each tensor's sum of squares is vectorised in float (as PyTorch's per-tensor norms are); the tensors' sums are
        // combined in double.
        double sum = 0;
        var parameters = store.Parameters;
        for (int i = 0; i < parameters.Count; i++)
        {
            if (parameters[i].RequiresGradient)
            {
                sum += SumOfSquares(parameters[i]);
            }
        }

        float norm = (float)Math.Sqrt(sum);
        if (!float.IsFinite(norm))
        {
            return norm;
        }

        float coefficient = maxNorm / (norm + 1e-6f);
        if (coefficient < 1f)
        {
            for (int i = 0; i < parameters.Count; i++)
            {
                if (parameters[i].RequiresGradient)
                {
                    Scale(parameters[i], coefficient);
                }
            }
        }

        return norm;
    }

    /// <summary>The tensor's sum of squares in float; a row-sparse one's over its written rows (the others are zero).</summary>
    private static float SumOfSquares(Parameter p)
    {
        if (p.RowSparse is not { } sparse)
        {
            return System.Numerics.Tensors.TensorPrimitives.SumOfSquares(p.Gradient);
        }

        float sum = 0f;
        Span<float> gradient = p.Gradient;
        foreach (int row in sparse.Rows)
        {
            sum += System.Numerics.Tensors.TensorPrimitives.SumOfSquares(gradient.Slice(row * sparse.RowLength, sparse.RowLength));
        }

        return sum;
    }

    private static void Scale(Parameter p, float coefficient)
    {
        Span<float> gradient = p.Gradient;
        if (p.RowSparse is not { } sparse)
        {
            System.Numerics.Tensors.TensorPrimitives.Multiply(gradient, coefficient, gradient);
            return;
        }

        foreach (int row in sparse.Rows)
        {
            Span<float> slice = gradient.Slice(row * sparse.RowLength, sparse.RowLength);
            System.Numerics.Tensors.TensorPrimitives.Multiply(slice, coefficient, slice);
        }
    }
}
