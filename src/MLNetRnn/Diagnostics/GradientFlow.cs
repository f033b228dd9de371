using MLNetRnn.Layers;
using MLNetRnn.Numerics;

namespace MLNetRnn.Diagnostics;

// T = time steps (the length), N = sample sequences, I = input size, H = hidden size, L = layers, D = directions,
// S = L*D state slots; each backward runs B = H copies of one sequence.

/// <summary>
/// Measures how the gradient of a recurrent stack's final hidden state flows back to its inputs: the classic picture of
/// vanishing gradients, where a SimpleRNN's last state hardly depends on its first inputs.
/// </summary>
/// <remarks>
/// <para><b>Definition.</b> A sequence <c>x_1 … x_T</c> (each x_t a vector of I) runs through the stack from zero initial
/// states, without dropout. <c>h_T</c> is the hidden state of the top layer's forward direction after step T (H values;
/// slot <c>(L−1)·D</c> of the stack's final states). For every step t the Jacobian <c>J_t = ∂h_T/∂x_t</c> is an H × I
/// matrix, and the curve is its Frobenius norm</para>
/// <para><c>‖J_t‖_F = sqrt(Σ_j Σ_i (∂h_T[j] / ∂x_t[i])²)</c>, averaged (arithmetic mean of the norms) over N sequences.</para>
/// <para><b>Computation.</b> Exact up to float rounding, by reverse mode: row j of every <c>J_t</c> is the input gradient of
/// one <see cref="RecurrentStack.Backward"/> whose final-hidden-state gradient is the unit vector <c>e_j</c> in the top
/// forward slot (every other gradient zero). The H backward passes run as one batch of H copies of the sequence, so a
/// sequence costs one forward and one backward pass over H rows. For an LSTM the final cell state gets no gradient: only
/// <c>h_T</c> is differentiated. For a bidirectional or multi-layer stack the gradient also flows through the lower
/// layers and their reverse directions, as it does in training.</para>
/// <para>Each run leaves the stack's saved activations replaced and adds to the gradients of its parameters (as every
/// <see cref="RecurrentStack.Backward"/> does); the weights themselves are not changed. Clear the gradients before
/// training the same stack further.</para>
/// </remarks>
public static class GradientFlow
{
    /// <summary>
    /// Measures a freshly initialised single-layer, unidirectional stack (PyTorch's initialisation, every weight and bias
    /// from <c>U(−1/√H, 1/√H)</c>) on random inputs with every component drawn from N(0, 1).
    /// </summary>
    /// <param name="cell">The recurrent cell.</param>
    /// <param name="length">T, steps per sequence; at least 1. Default 100.</param>
    /// <param name="inputSize">I; at least 1. Default 32.</param>
    /// <param name="hiddenSize">H; at least 1. Default 64.</param>
    /// <param name="seed">Seeds the weights and the inputs; equal arguments give equal curves. Default 1.</param>
    /// <param name="samples">N, the random sequences averaged over; at least 1. Default 8.</param>
    /// <param name="forgetGateBias">
    /// LSTM only: added to the forget-gate slice of <c>bias_ih</c> after PyTorch's initialisation, so the forget gate starts
    /// near σ(b) instead of σ(0) = ½ (Keras' <c>unit_forget_bias</c> and Jozefowicz et al. 2015 use 1). Default 0.
    /// </param>
    /// <returns>The curve <c>‖∂h_T/∂x_t‖_F</c> for t = 1..T.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A size, the length or the sample count is below 1, or <paramref name="cell"/> is not a defined cell.</exception>
    /// <exception cref="ArgumentException"><paramref name="forgetGateBias"/> is not 0 for a cell other than LSTM, or is not finite.</exception>
    public static GradientFlowResult Measure(RecurrentCellType cell, int length = 100, int inputSize = 32, int hiddenSize = 64, int seed = 1, int samples = 8,
        float forgetGateBias = 0f)
    {
        if (forgetGateBias != 0f && (cell != RecurrentCellType.Lstm || !float.IsFinite(forgetGateBias)))
        {
            throw new ArgumentException(cell != RecurrentCellType.Lstm
                ? $"A forget-gate bias of {forgetGateBias} was given for a {cell} cell; only an LSTM has a forget gate. Pass 0 or measure an LSTM."
                : $"The forget-gate bias {forgetGateBias} is not a finite number; pass a value such as 1.", nameof(forgetGateBias));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hiddenSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(samples);
        var random = new SeededRandom(seed);
        var store = new ParameterStore();
        var stack = new RecurrentStack(store, cell, inputSize, hiddenSize, random);
        if (forgetGateBias != 0f)
        {
            // Gate order i, f, g, o (PyTorch's): the forget gate is rows H..2H of the bias.
            var bias = store["bias_ih_l0"].Value.Slice(hiddenSize, hiddenSize);
            foreach (ref float b in bias)
            {
                b += forgetGateBias;
            }
        }

        var inputs = new float[(long)length * samples * inputSize <= Array.MaxLength
            ? length * samples * inputSize
            : throw new ArgumentOutOfRangeException(nameof(length), length, $"{length} steps × {samples} samples × {inputSize} inputs do not fit in one array; measure fewer.")];
        random.FillGaussian(inputs, 0f, 1f);
        var result = Measure(stack, inputs, length, samples);
        return forgetGateBias == 0f ? result : result with
        {
            ForgetGateBias = forgetGateBias,
            Label = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"LSTM, forget bias {forgetGateBias:+0.##;-0.##}"),
        };
    }

    /// <summary>
    /// Measures <paramref name="stack"/> (for example a trained model's recurrent layers) on sequences of random tokens
    /// looked up in <paramref name="embedding"/>: each token id is drawn uniformly from the ids other than the padding id.
    /// </summary>
    /// <param name="stack">The stack to measure; not changed apart from its gradients and saved activations (see remarks of <see cref="GradientFlow"/>).</param>
    /// <param name="embedding">The table that feeds the stack; its E must equal the stack's I.</param>
    /// <param name="length">T, tokens per sequence; at least 1. Default 100.</param>
    /// <param name="seed">Seeds the token draws. Default 1.</param>
    /// <param name="samples">N, the random sequences averaged over; at least 1. Default 8.</param>
    /// <returns>The curve <c>‖∂h_T/∂x_t‖_F</c> for t = 1..T, with x_t the embedding vector of token t.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stack"/> or <paramref name="embedding"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> or <paramref name="samples"/> is below 1.</exception>
    /// <exception cref="ArgumentException">The embedding size differs from the stack's input size, or the table has no id besides the padding id.</exception>
    public static GradientFlowResult Measure(RecurrentStack stack, Embedding embedding, int length = 100, int seed = 1, int samples = 8)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(embedding);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(samples);
        if (embedding.EmbeddingSize != stack.InputSize)
        {
            throw new ArgumentException($"The embedding has vectors of {embedding.EmbeddingSize} but the stack reads inputs of {stack.InputSize}; pass the embedding that feeds this stack.", nameof(embedding));
        }

        int choices = embedding.VocabularySize - (embedding.PaddingId >= 0 ? 1 : 0);
        if (choices < 1)
        {
            throw new ArgumentException($"The embedding has {embedding.VocabularySize} id(s), none besides the padding id {embedding.PaddingId}; there is no token to draw.", nameof(embedding));
        }

        var random = new SeededRandom(seed);
        var ids = new int[(long)length * samples <= Array.MaxLength ? length * samples : throw new ArgumentOutOfRangeException(nameof(length), length, "Too many tokens; measure fewer.")];
        for (int k = 0; k < ids.Length; k++)
        {
            int id = random.NextInt(choices);
            ids[k] = embedding.PaddingId >= 0 && id >= embedding.PaddingId ? id + 1 : id; // skip the padding id
        }

        var inputs = new float[checked(ids.Length * embedding.EmbeddingSize)];
        embedding.Forward(ids, inputs); // (T, N, I): ids are time-major too
        return Measure(stack, inputs, length, samples);
    }

    /// <summary>Measures <paramref name="stack"/> on the given input sequences.</summary>
    /// <param name="stack">The stack to measure; not changed apart from its gradients and saved activations (see remarks of <see cref="GradientFlow"/>).</param>
    /// <param name="inputs">(T, N, I) time-major: <c>inputs[(t·N + n)·I + i]</c> is component i of x_{t+1} in sequence n.</param>
    /// <param name="length">T; at least 1.</param>
    /// <param name="samples">N, the number of sequences in <paramref name="inputs"/>; at least 1.</param>
    /// <returns>The curve <c>‖∂h_T/∂x_t‖_F</c> for t = 1..T, averaged over the N sequences.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stack"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> or <paramref name="samples"/> is below 1.</exception>
    /// <exception cref="ArgumentException"><paramref name="inputs"/> does not hold T·N·I values, or holds a value that is not finite.</exception>
    public static GradientFlowResult Measure(RecurrentStack stack, ReadOnlySpan<float> inputs, int length, int samples)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(samples);
        int t = length, n = samples, inSize = stack.InputSize, h = stack.HiddenSize, b = h;
        Check.Exact(inputs, nameof(inputs), ("T", t), ("N", n), ("I", inSize));
        Check.Finite(inputs, nameof(inputs));

        var x = new float[checked(t * b * inSize)];                     // (T, B, I): B copies of one sequence
        var output = new float[checked(t * b * stack.OutputSize)];      // (T, B, D*H), unused
        var hNGradient = new float[checked(stack.StateCount * b * h)];   // (S, B, H): row j of the top forward slot is e_j
        var inputGradient = new float[x.Length];                         // (T, B, I): row j at step t is ∂h_T[j]/∂x_t
        int top = (stack.NumberOfLayers - 1) * stack.Directions;
        for (int j = 0; j < h; j++)
        {
            hNGradient[(((top * b) + j) * h) + j] = 1f;
        }

        var norms = new double[t];
        for (int s = 0; s < n; s++)
        {
            for (int step = 0; step < t; step++)
            {
                var source = inputs.Slice(((step * n) + s) * inSize, inSize);
                for (int row = 0; row < b; row++)
                {
                    source.CopyTo(x.AsSpan(((step * b) + row) * inSize, inSize));
                }
            }

            stack.Forward(x, t, b, default, output);
            stack.Backward(default, hNGradient, default, inputGradient);
            for (int step = 0; step < t; step++)
            {
                double sum = 0;
                foreach (float g in inputGradient.AsSpan(step * b * inSize, b * inSize))
                {
                    sum += (double)g * g;
                }

                norms[step] += Math.Sqrt(sum) / n;
            }
        }

        return new GradientFlowResult(stack.CellType, t, norms);
    }
}
