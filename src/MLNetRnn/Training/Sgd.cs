using MLNetRnn.Layers;

namespace MLNetRnn.Training;

/// <summary>Stochastic gradient descent with optional momentum and L2 weight decay, as PyTorch's <c>torch.optim.SGD</c>.</summary>
/// <remarks>
/// <c>g = ∇ + λ p</c>; with momentum μ: <c>buf = g</c> on the first step, then <c>buf = μ buf + (1 − dampening) g</c>;
/// <c>g = buf</c> (or <c>g + μ buf</c> with Nesterov); <c>p −= lr g</c>.
/// </remarks>
public sealed class Sgd : Optimizer
{
    private readonly float[] _momentumBuffer;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="store">The tensors to update.</param>
    /// <param name="learningRate">Step size; positive.</param>
    /// <param name="momentum">μ in [0, 1). Default 0.</param>
    /// <param name="weightDecay">λ, L2 penalty added to the gradient; ≥ 0. Default 0.</param>
    /// <param name="dampening">In [0, 1). Default 0.</param>
    /// <param name="nesterov">Nesterov momentum (needs momentum &gt; 0 and no dampening). Default false.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range.</exception>
    /// <exception cref="ArgumentException">Nesterov is asked without momentum or with dampening.</exception>
    public Sgd(ParameterStore store, float learningRate, float momentum = 0f, float weightDecay = 0f, float dampening = 0f, bool nesterov = false)
        : base(store, learningRate)
    {
        CheckRange(momentum, 0f, 1f, nameof(momentum));
        CheckRange(weightDecay, 0f, float.PositiveInfinity, nameof(weightDecay));
        CheckRange(dampening, 0f, 1f, nameof(dampening));
        if (nesterov && (momentum == 0f || dampening != 0f))
        {
            throw new ArgumentException("Nesterov momentum requires momentum > 0 and dampening = 0.", nameof(nesterov));
        }

        Momentum = momentum;
        WeightDecay = weightDecay;
        Dampening = dampening;
        Nesterov = nesterov;
        _momentumBuffer = momentum > 0f ? new float[store.Count] : [];
    }

    /// <summary>Gets μ.</summary>
    public float Momentum { get; }

    /// <summary>Gets λ.</summary>
    public float WeightDecay { get; }

    /// <summary>Gets the dampening.</summary>
    public float Dampening { get; }

    /// <summary>Gets whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    internal override bool UpdatesElementWise => true;

    /// <inheritdoc/>
    protected override void Update(Span<float> values, ReadOnlySpan<float> gradients, int offset)
    {
        float lr = LearningRate;
        bool first = StepCount == 1;
        Span<float> buf = Momentum > 0f ? _momentumBuffer.AsSpan(offset, values.Length) : default;
        for (int i = 0; i < values.Length; i++)
        {
            float g = gradients[i] + (WeightDecay * values[i]);
            if (Momentum > 0f)
            {
                buf[i] = first ? g : (Momentum * buf[i]) + ((1f - Dampening) * g);
                g = Nesterov ? g + (Momentum * buf[i]) : buf[i];
            }

            values[i] -= lr * g;
        }
    }
}
