using System.Numerics;

namespace MLNetRnn.Training;

/// <summary>The first and second moment buffers and update rule shared by <see cref="Adam"/> and <see cref="AdamW"/>.</summary>
internal sealed class AdamMoments
{
    private readonly float[] _m;
    private readonly float[] _v;
    private readonly float _beta1;
    private readonly float _beta2;
    private readonly float _epsilon;

    public AdamMoments(int count, float beta1, float beta2, float epsilon)
    {
        if (!(beta1 >= 0f && beta1 < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(beta1), beta1, $"Invalid beta1: {beta1}. It must be in [0, 1).");
        }

        if (!(beta2 >= 0f && beta2 < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(beta2), beta2, $"Invalid beta2: {beta2}. It must be in [0, 1).");
        }

        if (!(epsilon > 0f && float.IsFinite(epsilon)))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"Invalid epsilon: {epsilon}. It must be positive, such as 1e-8.");
        }

        _m = new float[count];
        _v = new float[count];
        _beta1 = beta1;
        _beta2 = beta2;
        _epsilon = epsilon;
    }

    /// <summary>Gets the first-moment buffer, aligned with the store (for checkpoints).</summary>
    public Span<float> First => _m;

    /// <summary>Gets the second-moment buffer, aligned with the store (for checkpoints).</summary>
    public Span<float> Second => _v;

    public void Apply(Span<float> values, ReadOnlySpan<float> gradients, int offset, float learningRate, long step, float l2)
    {
        Span<float> m = _m.AsSpan(offset, values.Length);
        Span<float> v = _v.AsSpan(offset, values.Length);
        float bc1 = 1f - MathF.Pow(_beta1, step);
        float sqrtBc2 = MathF.Sqrt(1f - MathF.Pow(_beta2, step));
        float stepSize = learningRate / bc1;
        float b1 = _beta1, b2 = _beta2, eps = _epsilon;
        int i = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
        {
            // The same element-wise formula as the scalar tail below, Vector<float>.Count lanes at a time.
            var vb1 = new Vector<float>(b1);
            var vb2 = new Vector<float>(b2);
            var v1b1 = new Vector<float>(1f - b1);
            var v1b2 = new Vector<float>(1f - b2);
            var vl2 = new Vector<float>(l2);
            var vStep = new Vector<float>(stepSize);
            var vBc2 = new Vector<float>(sqrtBc2);
            var vEps = new Vector<float>(eps);
            for (; i <= values.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var p = new Vector<float>(values[i..]);
                var g = new Vector<float>(gradients[i..]) + (vl2 * p);
                var mi = (vb1 * new Vector<float>(m[i..])) + (v1b1 * g);
                var vi = (vb2 * new Vector<float>(v[i..])) + (v1b2 * g * g);
                mi.CopyTo(m[i..]);
                vi.CopyTo(v[i..]);
                (p - (vStep * mi / ((Vector.SquareRoot(vi) / vBc2) + vEps))).CopyTo(values[i..]);
            }
        }

        for (; i < values.Length; i++)
        {
            float g = gradients[i] + (l2 * values[i]);
            m[i] = (b1 * m[i]) + ((1f - b1) * g);
            v[i] = (b2 * v[i]) + ((1f - b2) * g * g);
            values[i] -= stepSize * m[i] / ((MathF.Sqrt(v[i]) / sqrtBc2) + eps);
        }
    }
}
