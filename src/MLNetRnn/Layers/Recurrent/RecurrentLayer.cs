using System.Numerics.Tensors;
using MLNetRnn.Numerics;

namespace MLNetRnn.Layers;

// B = batch, T = time, I = input size, H = hidden size, G = gates (1 SimpleRnn, 4 LSTM, 3 GRU).
// All buffers are PACKED as PyTorch's PackedSequence.data: the batch is sorted by length, longest first, so the rows
// alive at step t are a prefix [0, batchSizes[t]) of the batch, and only those rows are stored, step after step:
// step t occupies rows [Start[t], Start[t] + batchSizes[t]) of an (N, ·) buffer, N = Σ batchSizes = the real tokens.
// RecurrentStack does the sorting and packing; no padding is ever stored or computed.

/// <summary>
/// One layer, one direction of a recurrent network: the time loop shared by every cell. The cell-specific step
/// (gate non-linearities and their derivatives) lives in <see cref="SimpleRnnLayer"/>, <see cref="LstmLayer"/> and
/// <see cref="GruLayer"/>.
/// </summary>
/// <remarks>
/// Forward: one GEMM projects the input of every step, <c>Xg = X W_ihᵀ + b_ih (+ b_hh when the cell folds it)</c>;
/// then per step one GEMM <c>Hg = h_prev W_hhᵀ</c> over the alive rows and one fused pass of the cell.
/// Forward direction: row b runs t = 0 … len_b−1 and its final state is taken at t = len_b−1.
/// Reverse direction: row b runs t = len_b−1 … 0, starting from its initial state, and its final state is at t = 0.
/// Backward mirrors it; <c>dW_ih</c>, <c>dW_hh</c> and <c>dX</c> are each one GEMM over all steps at the end.
/// </remarks>
internal abstract class RecurrentLayer
{
    protected readonly Parameter WeightIh; // (G*H, I)
    protected readonly Parameter WeightHh; // (G*H, H)
    protected readonly Parameter BiasIh;   // (G*H)
    protected readonly Parameter BiasHh;   // (G*H)

    // Saved by Forward for Backward, sized per batch shape and reused.
    protected float[] Xg = [];      // (T, B, G*H): input projection, then the activated gates
    protected float[] Hs = [];      // (T, B, H): hidden state after each step, zero on dead rows (the layer output)
    protected float[] HPrev = [];   // (T, B, H): hidden state each step started from
    protected float[] Hg = [];      // (B, G*H): hidden projection of the current step
    private float[] _dGx = [];     // (T, B, G*H): gradient w.r.t. the input-side pre-activations
    private float[] _dGh = [];     // (T, B, G*H): gradient w.r.t. the hidden-side pre-activations (GRU only; else = _dGx)
    private float[] _dhCarry = []; // (B, H)
    private float[] _dhPrev = [];  // (B, H)
    private float[] _xCopy = [];   // (T, B, I) the input of the last Forward
    private int[] _batchSizes = [];
    protected int[] Start = [];  // (T + 1) first packed row of each step; Start[T] = N
    protected int T;
    protected int B;
    protected int N;

    protected RecurrentLayer(ParameterStore store, int inputSize, int hiddenSize, int gates, string prefix, string suffix, SeededRandom random)
    {
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        Gates = gates;
        int gh = gates * hiddenSize;
        WeightIh = store.Add(prefix + "weight_ih" + suffix, gh, inputSize);
        WeightHh = store.Add(prefix + "weight_hh" + suffix, gh, hiddenSize);
        BiasIh = store.Add(prefix + "bias_ih" + suffix, gh);
        BiasHh = store.Add(prefix + "bias_hh" + suffix, gh);
        float bound = 1f / MathF.Sqrt(hiddenSize);
        foreach (var p in (Parameter[])[WeightIh, WeightHh, BiasIh, BiasHh])
        {
            random.FillUniform(p.Value, -bound, bound);
        }
    }

    public int InputSize { get; }

    public int HiddenSize { get; }

    public int Gates { get; }

    public bool Reverse { get; init; }

    /// <summary>Gets the output of the last Forward, packed (N, H).</summary>
    public ReadOnlySpan<float> Output => Hs.AsSpan(0, N * HiddenSize);

    /// <summary>Whether b_hh is added into the input projection (true for SimpleRnn and LSTM, false for GRU).</summary>
    protected abstract bool FoldsHiddenBias { get; }

    /// <summary>
    /// Whether the gradients w.r.t. the hidden-side and input-side pre-activations differ (GRU, where r multiplies
    /// <c>W_hn h + b_hn</c>). When they do not, one buffer serves both and the cell writes only dGx.
    /// </summary>
    protected virtual bool SeparateHiddenGradient => false;

    /// <summary>Runs the layer over a sorted, packed batch.</summary>
    /// <param name="x">Packed (N, I).</param>
    /// <param name="batchSizes">T counts, non-increasing, batchSizes[0] = B.</param>
    /// <param name="h0">(B, H) or empty for zeros.</param>
    /// <param name="c0">(B, H) or empty for zeros (LSTM only).</param>
    /// <param name="hN">(B, H) final hidden state of each row, or empty.</param>
    /// <param name="cN">(B, H) final cell state of each row, or empty (LSTM only).</param>
    public void Forward(ReadOnlySpan<float> x, int[] batchSizes, ReadOnlySpan<float> h0, ReadOnlySpan<float> c0, Span<float> hN, Span<float> cN)
    {
        T = batchSizes.Length;
        B = batchSizes[0];
        _batchSizes = batchSizes;
        if (Start.Length != T + 1)
        {
            Start = new int[T + 1];
        }

        for (int step = 0; step < T; step++)
        {
            Start[step + 1] = Start[step] + batchSizes[step];
        }

        N = Start[T];
        int h = HiddenSize, gh = Gates * h, rowsAll = N;
        Buffers.Ensure(ref Xg, rowsAll * gh);
        Buffers.Ensure(ref Hs, rowsAll * h);
        Buffers.Ensure(ref HPrev, rowsAll * h);
        Buffers.Ensure(ref Hg, B * gh);
        Buffers.Ensure(ref _xCopy, rowsAll * InputSize);
        EnsureCellBuffers(rowsAll, B);
        x[..(rowsAll * InputSize)].CopyTo(_xCopy);

        // Input projection for all steps: Xg = X W_ihᵀ + b_ih (+ b_hh).
        Span<float> bias = Hg.AsSpan(0, gh); // scratch for the folded bias
        BiasIh.Value.CopyTo(bias);
        if (FoldsHiddenBias)
        {
            TensorPrimitives.Add(bias, BiasHh.Value, bias);
        }

        Span<float> xg = Xg.AsSpan(0, rowsAll * gh);
        for (int r = 0; r < rowsAll; r++)
        {
            bias.CopyTo(xg.Slice(r * gh, gh));
        }

        Gemm.Multiply(false, true, rowsAll, gh, InputSize, 1f, x, InputSize, WeightIh.Value, InputSize, 1f, xg, gh);

        ReadOnlySpan<float> wHh = WeightHh.Value;
        for (int s = 0; s < T; s++)
        {
            int t = Reverse ? T - 1 - s : s;
            int rows = batchSizes[t];
            int prevT = Reverse ? t + 1 : t - 1;
            int fromPrev = prevT >= 0 && prevT < T ? Math.Min(rows, batchSizes[prevT]) : 0;

            // Assemble the state this step starts from: rows that were alive at the previous step continue, the rest
            // (only in the reverse direction, or at t = 0) start from the initial state.
            Span<float> hPrev = HPrev.AsSpan(Start[t] * h, rows * h);
            if (fromPrev > 0)
            {
                Hs.AsSpan(Start[prevT] * h, fromPrev * h).CopyTo(hPrev);
            }

            CopyOrClear(h0, fromPrev * h, (rows - fromPrev) * h, hPrev);

            // Hidden projection for the alive rows.
            Span<float> hg = Hg.AsSpan(0, rows * gh);
            Gemm.Multiply(false, true, rows, gh, h, 1f, hPrev, h, wHh, h, 0f, hg, gh);
            StepForward(t, rows, fromPrev, prevT, c0);

            // Rows whose last step is this one hand out their final state.
            int nextT = Reverse ? t - 1 : t + 1;
            int stillAlive = nextT >= 0 && nextT < T ? Math.Min(rows, batchSizes[nextT]) : 0;
            if (stillAlive < rows)
            {
                if (!hN.IsEmpty)
                {
                    Hs.AsSpan((Start[t] + stillAlive) * h, (rows - stillAlive) * h).CopyTo(hN.Slice(stillAlive * h));
                }

                FinalCellState(t, stillAlive, rows, cN);
            }
        }
    }

    /// <summary>Back-propagates through the last Forward, adding parameter gradients.</summary>
    /// <param name="dOut">Packed (N, H) gradient w.r.t. the output, or empty.</param>
    /// <param name="dhN">(B, H) gradient w.r.t. the final hidden state, or empty.</param>
    /// <param name="dcN">(B, H) gradient w.r.t. the final cell state, or empty.</param>
    /// <param name="dx">Packed (N, I), overwritten with the input gradient, or empty to skip.</param>
    /// <param name="dh0">(B, H) overwritten with the initial-state gradient, or empty.</param>
    /// <param name="dc0">(B, H) overwritten with the initial cell-state gradient, or empty.</param>
    public void Backward(ReadOnlySpan<float> dOut, ReadOnlySpan<float> dhN, ReadOnlySpan<float> dcN, Span<float> dx, Span<float> dh0, Span<float> dc0)
    {
        int h = HiddenSize, gh = Gates * h, rowsAll = N;
        int[] batchSizes = _batchSizes;
        Buffers.Ensure(ref _dGx, rowsAll * gh);
        if (SeparateHiddenGradient)
        {
            Buffers.Ensure(ref _dGh, rowsAll * gh);
        }

        float[] dGhBuffer = SeparateHiddenGradient ? _dGh : _dGx;
        Buffers.Ensure(ref _dhCarry, B * h);
        Buffers.Ensure(ref _dhPrev, B * h);
        BeginCellBackward();
        ReadOnlySpan<float> wHh = WeightHh.Value;
        Span<float> carry = _dhCarry.AsSpan(0, B * h);
        carry.Clear();

        for (int s = T - 1; s >= 0; s--)
        {
            int t = Reverse ? T - 1 - s : s;
            int rows = batchSizes[t];
            int prevT = Reverse ? t + 1 : t - 1;
            int nextT = Reverse ? t - 1 : t + 1;
            int fromPrev = prevT >= 0 && prevT < T ? Math.Min(rows, batchSizes[prevT]) : 0;
            int stillAlive = nextT >= 0 && nextT < T ? Math.Min(rows, batchSizes[nextT]) : 0;

            // Rows that end at this step receive the final-state gradient.
            CopyOrClear(dhN, stillAlive * h, (rows - stillAlive) * h, carry);
            Span<float> dh = carry[..(rows * h)];
            if (!dOut.IsEmpty)
            {
                TensorPrimitives.Add(dh, dOut.Slice(Start[t] * h, rows * h), dh);
            }

            Span<float> dhPrev = _dhPrev.AsSpan(0, rows * h);
            StepBackward(t, rows, fromPrev, stillAlive, dh, dcN, dc0, _dGx.AsSpan(Start[t] * gh, rows * gh), dGhBuffer.AsSpan(Start[t] * gh, rows * gh), dhPrev);

            // dh_prev = (direct term from the cell) + dGh W_hh.
            Gemm.Multiply(false, false, rows, h, gh, 1f, dGhBuffer.AsSpan(Start[t] * gh, rows * gh), gh, wHh, h, 1f, dhPrev, h);
            dhPrev.CopyTo(carry);
            if (!dh0.IsEmpty && fromPrev < rows)
            {
                dhPrev[(fromPrev * h)..].CopyTo(dh0.Slice(fromPrev * h));
            }
        }

        // Weight and bias gradients, one GEMM each over all packed rows (real tokens only).
        ReadOnlySpan<float> dGx = _dGx.AsSpan(0, rowsAll * gh);
        ReadOnlySpan<float> dGh = dGhBuffer.AsSpan(0, rowsAll * gh);
        Gemm.Multiply(true, false, gh, InputSize, rowsAll, 1f, dGx, gh, _xCopy.AsSpan(0, rowsAll * InputSize), InputSize, 1f, WeightIh.Gradient, InputSize);
        Gemm.Multiply(true, false, gh, h, rowsAll, 1f, dGh, gh, HPrev.AsSpan(0, rowsAll * h), h, 1f, WeightHh.Gradient, h);
        AddRowSums(dGx, rowsAll, gh, BiasIh.Gradient);
        AddRowSums(dGh, rowsAll, gh, BiasHh.Gradient);
        if (!dx.IsEmpty)
        {
            Gemm.Multiply(false, false, rowsAll, InputSize, gh, 1f, dGx, gh, WeightIh.Value, InputSize, 0f, dx, InputSize);
        }
    }

    /// <summary>
    /// One step over rows [0, rows): reads the input projection Xg[t] and the hidden projection Hg (both pre-activation),
    /// HPrev[t], and writes Hs[t] rows [0, rows); overwrites Xg[t] with what the backward step needs.
    /// </summary>
    protected abstract void StepForward(int t, int rows, int fromPrev, int prevT, ReadOnlySpan<float> c0);

    /// <summary>
    /// Gate derivatives for one step over rows [0, rows): given dh (the total gradient w.r.t. this step's hidden
    /// output), writes dGx and dGh (gradients w.r.t. the input-side and hidden-side pre-activations; the same span
    /// unless <see cref="SeparateHiddenGradient"/>) and the part of dh_prev that does not pass through W_hh
    /// (zero for SimpleRnn and LSTM, z ⊙ dh for GRU).
    /// </summary>
    protected abstract void StepBackward(int t, int rows, int fromPrev, int stillAlive, ReadOnlySpan<float> dh,
        ReadOnlySpan<float> dcN, Span<float> dc0, Span<float> dGx, Span<float> dGh, Span<float> dhPrev);

    protected virtual void EnsureCellBuffers(int rowsAll, int batch)
    {
    }

    protected virtual void FinalCellState(int t, int from, int to, Span<float> cN)
    {
    }

    protected virtual void BeginCellBackward()
    {
    }

    /// <summary>Copies source[offset..offset+count] into destination at the same offset, or clears it when source is empty.</summary>
    protected static void CopyOrClear(ReadOnlySpan<float> source, int offset, int count, Span<float> destination)
    {
        if (count <= 0)
        {
            return;
        }

        if (source.IsEmpty)
        {
            destination.Slice(offset, count).Clear();
        }
        else
        {
            source.Slice(offset, count).CopyTo(destination.Slice(offset, count));
        }
    }

    private static void AddRowSums(ReadOnlySpan<float> matrix, int rows, int cols, Span<float> destination)
    {
        for (int r = 0; r < rows; r++)
        {
            TensorPrimitives.Add(destination, matrix.Slice(r * cols, cols), destination);
        }
    }
}
