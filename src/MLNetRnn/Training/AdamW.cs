using MLNetRnn.Layers;

namespace MLNetRnn.Training;

/// <summary>Adam with decoupled weight decay (Loshchilov &amp; Hutter), as PyTorch's <c>torch.optim.AdamW</c>.</summary>
/// <remarks>
/// <c>p ← p (1 − lr λ)</c>, then the Adam update of <see cref="Adam"/> with the raw gradient.
/// </remarks>
public sealed class AdamW : Optimizer
{
    private readonly AdamMoments _moments;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="store">The tensors to update.</param>
    /// <param name="learningRate">Step size; positive. Default 0.001.</param>
    /// <param name="beta1">β₁ in [0, 1). Default 0.9.</param>
    /// <param name="beta2">β₂ in [0, 1). Default 0.999.</param>
    /// <param name="epsilon">ε &gt; 0. Default 1e-8.</param>
    /// <param name="weightDecay">λ ≥ 0. Default 0.01, as PyTorch.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range.</exception>
    public AdamW(ParameterStore store, float learningRate = 0.001f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0.01f)
        : base(store, learningRate)
    {
        _moments = new AdamMoments(store.Count, beta1, beta2, epsilon);
        CheckRange(weightDecay, 0f, float.PositiveInfinity, nameof(weightDecay));
        WeightDecay = weightDecay;
    }

    /// <summary>Gets λ.</summary>
    public float WeightDecay { get; }

    /// <inheritdoc/>
    internal override bool UpdatesElementWise => true;

    /// <inheritdoc/>
    protected override void Update(Span<float> values, ReadOnlySpan<float> gradients, int offset)
    {
        System.Numerics.Tensors.TensorPrimitives.Multiply(values, 1f - (LearningRate * WeightDecay), values);

        _moments.Apply(values, gradients, offset, LearningRate, StepCount, 0f);
    }
}
