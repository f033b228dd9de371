using MLNetRnn.Layers;

namespace MLNetRnn.Training;

/// <summary>Adam with optional L2 weight decay added to the gradient, as PyTorch's <c>torch.optim.Adam</c>.</summary>
/// <remarks>
/// <c>g = ∇ + λ p</c>; <c>m = β₁ m + (1 − β₁) g</c>; <c>v = β₂ v + (1 − β₂) g²</c>;
/// <c>p −= (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)</c>. For decoupled decay use <see cref="AdamW"/>.
/// </remarks>
public sealed class Adam : Optimizer
{
    private readonly AdamMoments _moments;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="store">The tensors to update.</param>
    /// <param name="learningRate">Step size; positive. PyTorch's default is 0.001.</param>
    /// <param name="beta1">β₁ in [0, 1). Default 0.9.</param>
    /// <param name="beta2">β₂ in [0, 1). Default 0.999.</param>
    /// <param name="epsilon">ε &gt; 0. Default 1e-8.</param>
    /// <param name="weightDecay">λ ≥ 0, L2 penalty. Default 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range.</exception>
    public Adam(ParameterStore store, float learningRate = 0.001f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0f)
        : base(store, learningRate)
    {
        _moments = new AdamMoments(store.Count, beta1, beta2, epsilon);
        CheckRange(weightDecay, 0f, float.PositiveInfinity, nameof(weightDecay));
        WeightDecay = weightDecay;
    }

    /// <summary>Gets the moment buffers (for checkpoints).</summary>
    internal AdamMoments Moments => _moments;

    /// <summary>Gets λ.</summary>
    public float WeightDecay { get; }

    /// <inheritdoc/>
    internal override bool UpdatesElementWise => true;

    /// <inheritdoc/>
    protected override void Update(Span<float> values, ReadOnlySpan<float> gradients, int offset) =>
        _moments.Apply(values, gradients, offset, LearningRate, StepCount, WeightDecay);
}
