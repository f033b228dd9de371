using MLNetRnn.Layers;

namespace MLNetRnn.Onnx;

// T = time, B = batch, I = input size, H = hidden size, G = gates, L = layers, D = directions.

/// <summary>
/// Writes a <see cref="RecurrentStack"/> as ONNX <c>RNN</c>/<c>LSTM</c>/<c>GRU</c> operators (one per layer) and reads the
/// weights back. ONNX packs both directions of a layer in one tensor and orders gates differently from PyTorch:
/// LSTM i,o,f,c (PyTorch i,f,g,o: blocks [0, 3, 1, 2]); GRU z,r,h (PyTorch r,z,n: blocks [1, 0, 2]) with
/// <c>linear_before_reset = 1</c>, which is PyTorch's <c>n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))</c>.
/// </summary>
/// <remarks>
/// Initializers per layer l: <c>{prefix}W_l{l}</c> (D, G*H, I), <c>{prefix}R_l{l}</c> (D, G*H, H) and <c>{prefix}B_l{l}</c>
/// (D, 2*G*H) = [bias_ih | bias_hh] per direction; direction 1 holds the <c>_reverse</c> tensors. Layers are chained by
/// turning ONNX's Y (T, D, B, H) into (T, B, D*H), the next layer's input.
/// </remarks>
internal static class RecurrentStackOnnx
{
    /// <summary>Adds the stack's operators reading <paramref name="x"/> (T, B, I).</summary>
    /// <param name="g">The graph being built.</param>
    /// <param name="stack">The stack; its weights are read from <paramref name="store"/> by their PyTorch names.</param>
    /// <param name="store">The parameters.</param>
    /// <param name="prefix">The stack's name prefix in <paramref name="store"/> (for example <c>"rnn."</c>).</param>
    /// <param name="x">(T, B, I) float input.</param>
    /// <param name="lengths">(B) int32 real lengths, or null when every row has all T steps.</param>
    /// <param name="h0">(L*D, B, H) initial hidden states, or null for zeros.</param>
    /// <param name="c0">(L*D, B, H) initial cell states (LSTM), or null for zeros.</param>
    /// <param name="weights">Where the initializers go (an outer graph, when <paramref name="g"/> is a Loop body); default <paramref name="g"/>.</param>
    /// <returns>Y (T, B, D*H), the final hidden states (L*D, B, H) and, for an LSTM, the final cell states.</returns>
    public static (string Y, string HN, string? CN) Write(OnnxGraphBuilder g, RecurrentStack stack, ParameterStore store, string prefix,
        string x, string? lengths, string? h0, string? c0, OnnxGraphBuilder? weights = null)
    {
        weights ??= g;
        int d = stack.Directions, h = stack.HiddenSize, gates = stack.CellType.Gates();
        bool lstm = stack.CellType == RecurrentCellType.Lstm;
        var hs = new List<string>();
        var cs = new List<string>();
        string input = x;
        for (int l = 0; l < stack.NumberOfLayers; l++)
        {
            int inputSize = l == 0 ? stack.InputSize : d * h;
            var (w, r, b) = Pack(store, prefix, stack.CellType, l, d, h, inputSize);
            string wName = weights.Add(OnnxTensor.FromFloats($"{prefix}W_l{l}", w, d, gates * h, inputSize));
            string rName = weights.Add(OnnxTensor.FromFloats($"{prefix}R_l{l}", r, d, gates * h, h));
            string bName = weights.Add(OnnxTensor.FromFloats($"{prefix}B_l{l}", b, d, 2 * gates * h));
            string layerH0 = h0 is null ? string.Empty : stack.NumberOfLayers == 1 ? h0 : SliceStates(g, h0, l, d);
            string layerC0 = c0 is null ? string.Empty : stack.NumberOfLayers == 1 ? c0 : SliceStates(g, c0, l, d);
            var inputs = new List<string> { input, wName, rName, bName, lengths ?? string.Empty, layerH0 };
            if (lstm)
            {
                inputs.Add(layerC0);
            }

            while (inputs[^1].Length == 0)
            {
                inputs.RemoveAt(inputs.Count - 1); // trailing optional inputs left out
            }

            var attributes = new List<OnnxAttribute>
            {
                OnnxAttribute.Of("hidden_size", (long)h),
                OnnxAttribute.Of("direction", d == 2 ? "bidirectional" : "forward"),
            };
            if (stack.CellType == RecurrentCellType.Gru)
            {
                attributes.Add(OnnxAttribute.Of("linear_before_reset", 1L));
            }

            string op = stack.CellType switch { RecurrentCellType.Lstm => "LSTM", RecurrentCellType.Gru => "GRU", _ => "RNN" };
            var outputs = g.Nodes(op, [.. inputs], lstm ? 3 : 2, string.Empty, [.. attributes]);
            hs.Add(outputs[1]);
            if (lstm)
            {
                cs.Add(outputs[2]);
            }

            // Y (T, D, B, H) -> (T, B, D, H) -> (T, B, D*H)
            input = g.Reshape(g.Transpose(outputs[0], 0, 2, 1, 3), 0, 0, -1);
        }

        string hn = hs.Count == 1 ? hs[0] : g.Concat(0, [.. hs]);
        string? cn = lstm ? (cs.Count == 1 ? cs[0] : g.Concat(0, [.. cs])) : null;
        return (input, hn, cn);
    }

    /// <summary>Copies the stack's weights out of a graph written by <see cref="Write"/> into <paramref name="store"/>.</summary>
    /// <exception cref="InvalidDataException">An initializer is missing or has the wrong shape.</exception>
    public static void Read(OnnxGraph graph, RecurrentStack stack, ParameterStore store, string prefix)
    {
        int d = stack.Directions, h = stack.HiddenSize, gates = stack.CellType.Gates();
        for (int l = 0; l < stack.NumberOfLayers; l++)
        {
            int inputSize = l == 0 ? stack.InputSize : d * h;
            float[] w = Tensor(graph, $"{prefix}W_l{l}", d * gates * h * inputSize);
            float[] r = Tensor(graph, $"{prefix}R_l{l}", d * gates * h * h);
            float[] b = Tensor(graph, $"{prefix}B_l{l}", d * 2 * gates * h);
            int[] order = Order(stack.CellType);
            for (int dir = 0; dir < d; dir++)
            {
                string suffix = $"_l{l}" + (dir == 1 ? "_reverse" : string.Empty);
                Unblock(w.AsSpan(dir * gates * h * inputSize, gates * h * inputSize), store[prefix + "weight_ih" + suffix].Value, order, h * inputSize);
                Unblock(r.AsSpan(dir * gates * h * h, gates * h * h), store[prefix + "weight_hh" + suffix].Value, order, h * h);
                Unblock(b.AsSpan(dir * 2 * gates * h, gates * h), store[prefix + "bias_ih" + suffix].Value, order, h);
                Unblock(b.AsSpan((dir * 2 * gates * h) + (gates * h), gates * h), store[prefix + "bias_hh" + suffix].Value, order, h);
            }
        }
    }

    /// <summary>Reads a float initializer of exactly <paramref name="count"/> values.</summary>
    /// <exception cref="InvalidDataException">It is missing, not float, or of another size.</exception>
    internal static float[] Tensor(OnnxGraph graph, string name, long count)
    {
        var t = graph.Initializer(name) ?? throw new InvalidDataException($"The ONNX graph has no initializer '{name}'; it was not written by this version of MLNetRnn.");
        if (t.Floats is null || t.Floats.Length != count)
        {
            throw new InvalidDataException($"The ONNX initializer '{name}' has {t.Floats?.Length ?? 0} float values; the architecture in its metadata needs {count}.");
        }

        return t.Floats;
    }

    /// <summary>ONNX block k holds PyTorch block <c>Order[k]</c>.</summary>
    private static int[] Order(RecurrentCellType cell) => cell switch
    {
        RecurrentCellType.Lstm => [0, 3, 1, 2],
        RecurrentCellType.Gru => [1, 0, 2],
        _ => [0],
    };

    private static (float[] W, float[] R, float[] B) Pack(ParameterStore store, string prefix, RecurrentCellType cell, int l, int d, int h, int inputSize)
    {
        int gates = cell.Gates();
        int[] order = Order(cell);
        var w = new float[d * gates * h * inputSize];
        var r = new float[d * gates * h * h];
        var b = new float[d * 2 * gates * h];
        for (int dir = 0; dir < d; dir++)
        {
            string suffix = $"_l{l}" + (dir == 1 ? "_reverse" : string.Empty);
            Block(store[prefix + "weight_ih" + suffix].Value, w.AsSpan(dir * gates * h * inputSize, gates * h * inputSize), order, h * inputSize);
            Block(store[prefix + "weight_hh" + suffix].Value, r.AsSpan(dir * gates * h * h, gates * h * h), order, h * h);
            Block(store[prefix + "bias_ih" + suffix].Value, b.AsSpan(dir * 2 * gates * h, gates * h), order, h);
            Block(store[prefix + "bias_hh" + suffix].Value, b.AsSpan((dir * 2 * gates * h) + (gates * h), gates * h), order, h);
        }

        return (w, r, b);
    }

    private static void Block(ReadOnlySpan<float> pytorch, Span<float> onnx, int[] order, int block)
    {
        for (int k = 0; k < order.Length; k++)
        {
            pytorch.Slice(order[k] * block, block).CopyTo(onnx.Slice(k * block, block));
        }
    }

    private static void Unblock(ReadOnlySpan<float> onnx, Span<float> pytorch, int[] order, int block)
    {
        for (int k = 0; k < order.Length; k++)
        {
            onnx.Slice(k * block, block).CopyTo(pytorch.Slice(order[k] * block, block));
        }
    }

    /// <summary>States [l*D, (l+1)*D) of an (L*D, B, H) tensor.</summary>
    private static string SliceStates(OnnxGraphBuilder g, string states, int l, int d) =>
        g.Slice(states, g.Int64s(l * d), g.Int64s((l + 1) * d), g.Int64s(0));
}
