using System.Numerics.Tensors;
using MLNetRnn.Layers;
using MLNetRnn.Numerics;
using MLNetRnn.Training;

namespace MLNetRnn.LanguageModeling;

// T = steps of a chunk, B = parallel streams, I = input (E, or V with one-hot input), H = hidden, L = layers, V = vocabulary.
// Time-major: token (t, b) is row t*B + b of every (T, B, ·) buffer.

/// <summary>
/// The language model's network: embedding (or one-hot) → unidirectional recurrent stack → dropout → dense head → logits
/// over the vocabulary, with the recurrent state passed in and handed out, so a long text is read chunk after chunk.
/// Tensors are named like a PyTorch module: <c>embedding.weight</c> (V, E) (absent with one-hot input),
/// <c>rnn.weight_ih_l0</c> …, <c>head.weight</c> (V, H), <c>head.bias</c> (V).
/// Not thread-safe (it keeps activations for backward); give each thread its own <see cref="Clone"/>.
/// </summary>
/// <remarks>
/// Truncated BPTT: <see cref="Forward"/> starts from the state it is given and writes the final state back into it; the
/// state enters as a constant, and <see cref="Backward"/> asks the stack for no initial-state gradient, so the gradient of
/// a chunk's loss stops at the chunk's first step (PyTorch's <c>hidden.detach()</c>).
/// Loss: mean over the chunk's T·B tokens of <c>−log softmax(z_t)[y_t]</c>.
/// <para>Weight drop (<see cref="WeightDrop"/>, DropConnect on the recurrent matrices as in Merity et al.'s AWD-LSTM, ICLR 2018):
/// a training forward draws one mask of 0 or 1/(1−p) per entry of every layer's <c>weight_hh</c> and runs the chunk, all
/// its steps and streams, with <c>W_hh ⊙ mask</c>; backward runs with the same masked matrix and multiplies that matrix's
/// gradient by the mask (the chain rule through <c>W ⊙ m</c>). The stored weights are never left masked: they are
/// restored right after each pass, so scoring, generation and export use the full matrices.</para>
/// </remarks>
internal sealed class LanguageModelNetwork
{
    private readonly SeededRandom _dropoutRandom;
    private SeededRandom? _weightDropRandom;
    private WeightDropLayer[] _weightDrop = []; // one per layer while weight drop is on
    private float[] _x = [], _output = [], _dropMask = [], _logits = [], _dLogits = [], _dOut = [], _dx = [], _hN = [], _cN = [];
    private int[] _ids = [];
    private int _t, _b;
    private bool _dropped, _skipBackward, _hasLoss, _weightDropped;

    public LanguageModelNetwork(LanguageModelArchitecture architecture, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentOutOfRangeException.ThrowIfLessThan(architecture.VocabularySize, 2, nameof(architecture.VocabularySize));
        Architecture = architecture;
        Parameters = new ParameterStore();
        Embedding = architecture.OneHotInput ? null : new Embedding(Parameters, architecture.VocabularySize, architecture.EmbeddingSize, random, 0, "embedding.");
        Rnn = new RecurrentStack(Parameters, architecture.CellType, architecture.InputSize, architecture.HiddenSize, random,
            architecture.NumberOfLayers, false, architecture.NumberOfLayers > 1 ? architecture.Dropout : 0f, "rnn.");
        Head = new Dense(Parameters, architecture.HiddenSize, architecture.VocabularySize, random, "head.");
        _dropoutRandom = random.Fork();
    }

    public LanguageModelArchitecture Architecture { get; }

    public ParameterStore Parameters { get; }

    /// <summary>Gets the embedding table, or null with one-hot input.</summary>
    public Embedding? Embedding { get; }

    public RecurrentStack Rnn { get; }

    public Dense Head { get; }

    /// <summary>Gets the logits (T, B, V) of the last <see cref="Forward"/>.</summary>
    public ReadOnlySpan<float> Logits => _logits.AsSpan(0, _t * _b * Architecture.VocabularySize);

    /// <summary>Gets the probability of zeroing each recurrent weight (every layer's <c>weight_hh</c>) for a training chunk, in
    /// [0, 1); 0 (the default) turns weight drop off. Training only: nothing of it is saved with the model.</summary>
    public float WeightDrop { get; private set; }

    /// <summary>Gets every random stream training draws from inside the network, in a fixed order (for checkpoints).</summary>
    internal IReadOnlyList<SeededRandom> RandomStreams => _weightDropRandom is null
        ? [Rnn.DropoutRandom, _dropoutRandom]
        : [Rnn.DropoutRandom, _dropoutRandom, _weightDropRandom];

    /// <summary>Gets layer <paramref name="layer"/>'s weight-drop mask of the last training forward ((4H, H) for an LSTM).</summary>
    internal ReadOnlySpan<float> WeightDropMask(int layer) => _weightDrop[layer].Mask;

    /// <summary>Turns weight drop on for training chunks, with its own random stream (so turning it on leaves every other
    /// stream, and so a run without it, unchanged).</summary>
    /// <param name="probability">In [0, 1); 0 turns it off.</param>
    /// <param name="random">The stream the masks are drawn from.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="probability"/> is outside [0, 1).</exception>
    internal void UseWeightDrop(float probability, SeededRandom random)
    {
        if (!(probability >= 0f && probability < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(probability), probability, $"WeightDrop must be in [0, 1), got {probability}.");
        }

        (WeightDrop, _weightDropRandom) = probability > 0f ? (probability, random) : (0f, null);
        _weightDrop = probability > 0f
            ? [.. Enumerable.Range(0, Architecture.NumberOfLayers).Select(l => new WeightDropLayer(Parameters[$"rnn.weight_hh_l{l}"]))]
            : [];
    }

    /// <summary>A zero state for <paramref name="rows"/> parallel streams.</summary>
    public LanguageModelState NewState(int rows) =>
        new(Architecture.NumberOfLayers, rows, Architecture.HiddenSize, Rnn.HasCellState);

    /// <summary>A network with the same architecture and a copy of the weights, for another thread.</summary>
    public LanguageModelNetwork Clone()
    {
        var copy = new LanguageModelNetwork(Architecture, new SeededRandom(0));
        Parameters.Values.CopyTo(copy.Parameters.Values);
        return copy;
    }

    /// <summary>
    /// Reads one chunk of B streams from <paramref name="state"/>, writes the state after the chunk back into it, keeps the
    /// logits (<see cref="Logits"/>) and returns the mean loss when <paramref name="targets"/> are given (else 0).
    /// </summary>
    /// <param name="ids">(T, B) input token ids in [0, V).</param>
    /// <param name="steps">T; at least 1.</param>
    /// <param name="state">The state of the B streams before the chunk; overwritten with the state after it.</param>
    /// <param name="targets">(T, B) next-token ids, or empty to only compute logits.</param>
    /// <param name="training">Whether dropout is applied.</param>
    /// <returns>The mean loss per token in double (unrounded); in training, NaN when a logit is not finite (then
    /// <see cref="Backward"/> adds nothing), so the training loop can skip the chunk or stop.</returns>
    /// <exception cref="ArgumentException">The sizes of <paramref name="ids"/> or <paramref name="targets"/> do not fit T·B.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside the vocabulary.</exception>
    public double Forward(ReadOnlySpan<int> ids, int steps, LanguageModelState state, ReadOnlySpan<int> targets, bool training)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        int b = state.Rows, t = steps, n = t * b, v = Architecture.VocabularySize, i = Architecture.InputSize, h = Architecture.HiddenSize;
        if (ids.Length != n || (!targets.IsEmpty && targets.Length != n))
        {
            throw new ArgumentException($"The chunk has T={t} steps of B={b} streams, so {n} ids and targets; got {ids.Length} ids and {targets.Length} targets.", nameof(ids));
        }

        (_t, _b, _hasLoss) = (t, b, !targets.IsEmpty);
        Buffers.Ensure(ref _x, n * i);
        Buffers.Ensure(ref _output, n * h);
        Buffers.Ensure(ref _logits, n * v);
        Buffers.Ensure(ref _hN, state.H.Length);
        Buffers.Ensure(ref _cN, state.C.Length);
        ids.CopyTo(Buffers.Grow(ref _ids, n));
        Span<float> x = _x.AsSpan(0, n * i);
        if (Embedding is not null)
        {
            Embedding.Forward(ids, x);
        }
        else
        {
            x.Clear();
            for (int r = 0; r < n; r++)
            {
                if ((uint)ids[r] >= (uint)v)
                {
                    throw new ArgumentOutOfRangeException(nameof(ids), ids[r], $"Id {ids[r]} at position {r} is outside the vocabulary [0, {v}).");
                }

                x[(r * v) + ids[r]] = 1f;
            }
        }

        Span<float> output = _output.AsSpan(0, n * h);
        Span<float> hN = _hN.AsSpan(0, state.H.Length), cN = _cN.AsSpan(0, state.C.Length);
        _weightDropped = training && WeightDrop > 0f;
        if (_weightDropped)
        {
            DrawWeightDropMasks();
            MaskRecurrentWeights();
        }

        try
        {
            Rnn.Forward(x, t, b, default, output, state.H, state.C, hN, cN, training);
        }
        finally
        {
            if (_weightDropped)
            {
                RestoreRecurrentWeights();
            }
        }

        hN.CopyTo(state.H);
        cN.CopyTo(state.C);
        _dropped = training && Architecture.Dropout > 0f;
        if (_dropped)
        {
            Buffers.Ensure(ref _dropMask, n * h);
            DropoutMask.Apply(_dropoutRandom, Architecture.Dropout, _dropMask.AsSpan(0, n * h), output);
        }

        Span<float> logits = _logits.AsSpan(0, n * v);
        Head.Forward(output, n, logits);
        _skipBackward = false;
        if (targets.IsEmpty)
        {
            return 0;
        }

        Buffers.Ensure(ref _dLogits, n * v);
        double loss = SoftmaxCrossEntropy.ComputeExact(logits, targets, v, _dLogits.AsSpan(0, n * v), -100, LossReduction.Mean, 0f, nonFiniteIsNaN: training);
        _skipBackward = double.IsNaN(loss);
        return loss;
    }

    /// <summary>Adds the gradient of the last <see cref="Forward"/>'s loss to every parameter; nothing flows into the initial state.</summary>
    /// <exception cref="InvalidOperationException">No Forward with targets ran before.</exception>
    public void Backward()
    {
        if (!_hasLoss)
        {
            throw new InvalidOperationException("Backward needs a Forward with targets first.");
        }

        if (_skipBackward)
        {
            return;
        }

        int n = _t * _b, v = Architecture.VocabularySize, h = Architecture.HiddenSize, i = Architecture.InputSize;
        Buffers.Ensure(ref _dOut, n * h);
        Span<float> dOut = _dOut.AsSpan(0, n * h);
        Head.Backward(_output.AsSpan(0, n * h), _dLogits.AsSpan(0, n * v), n, dOut);
        if (_dropped)
        {
            TensorPrimitives.Multiply(dOut, _dropMask.AsSpan(0, n * h), dOut);
        }

        Span<float> dx = default;
        if (Embedding is not null)
        {
            Buffers.Ensure(ref _dx, n * i);
            dx = _dx.AsSpan(0, n * i);
        }

        if (_weightDropped)
        {
            SaveRecurrentGradients();
            MaskRecurrentWeights();
        }

        try
        {
            Rnn.Backward(dOut, default, default, dx); // dx is empty with one-hot input: no parameters before the stack, no input gradient
        }
        finally
        {
            if (_weightDropped)
            {
                RestoreRecurrentWeights();
            }
        }

        if (_weightDropped)
        {
            MaskRecurrentGradients();
        }

        Embedding?.Backward(_ids.AsSpan(0, n), dx);
    }

    /// <summary>Draws one fresh mask per layer's <c>weight_hh</c> for this chunk.</summary>
    private void DrawWeightDropMasks()
    {
        float keep = 1f / (1f - WeightDrop);
        foreach (var layer in _weightDrop)
        {
            for (int k = 0; k < layer.Mask.Length; k++)
            {
                layer.Mask[k] = _weightDropRandom!.NextSingle() < WeightDrop ? 0f : keep;
            }
        }
    }

    /// <summary>Saves every <c>weight_hh</c> and multiplies its mask in; <see cref="RestoreRecurrentWeights"/> puts the saved values back.</summary>
    private void MaskRecurrentWeights()
    {
        foreach (var layer in _weightDrop)
        {
            layer.Weight.Value.CopyTo(layer.Saved);
            TensorPrimitives.Multiply(layer.Weight.Value, layer.Mask, layer.Weight.Value);
        }
    }

    /// <summary>Backward adds the masked matrix's gradient to what the gradient buffer holds: keep what was there before.</summary>
    private void SaveRecurrentGradients()
    {
        foreach (var layer in _weightDrop)
        {
            layer.Weight.Gradient.CopyTo(layer.GradientBefore);
        }
    }

    private void RestoreRecurrentWeights()
    {
        foreach (var layer in _weightDrop)
        {
            layer.Saved.CopyTo(layer.Weight.Value);
        }
    }

    /// <summary>Chain rule through <c>W ⊙ m</c>: the gradient this backward added to every <c>weight_hh</c> is multiplied by its mask.</summary>
    private void MaskRecurrentGradients()
    {
        foreach (var layer in _weightDrop)
        {
            Span<float> g = layer.Weight.Gradient;
            TensorPrimitives.Subtract(g, layer.GradientBefore, g);
            TensorPrimitives.Multiply(g, layer.Mask, g);
            TensorPrimitives.Add(g, layer.GradientBefore, g);
        }
    }

    /// <summary>One layer's <c>weight_hh</c> under weight drop: its mask for the chunk, its saved values while masked, and
    /// its gradient from before the backward pass.</summary>
    private sealed class WeightDropLayer(Parameter weight)
    {
        public Parameter Weight { get; } = weight;

        public float[] Mask { get; } = new float[weight.Length];

        public float[] Saved { get; } = new float[weight.Length];

        public float[] GradientBefore { get; } = new float[weight.Length];
    }
}
