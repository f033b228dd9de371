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
internal abstract unsafe class RecurrentLayer : ITwoPartWork
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
    private PackedMatrix? _packedHh, _packedHhBack; // W_hhᵀ (H, G*H) and W_hh (G*H, H), packed once per pass
    private float[] _dhPrev = [];  // (B, H)
    private float[] _xCopy = [];   // (T, B, I) the input of the last Forward
    private Pinned _in0, _in1, _out0, _out1, _dOut; // the caller's spans of the running pass (see Pinned)
    private bool _backward;
    private int _split;
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

        // The time loop: rows never interact, so two row blocks run their whole loops independently (see RowBlocks).
        // Every step multiplies by W_hhᵀ: packed once for the pass, not once per step (what a ragged batch's short steps
        // paid in full).
        _packedHh = ManagedGemm.Pack(true, WeightHh.Value, h, h, gh, _packedHh);
        fixed (float* ph0 = h0, pc0 = c0, phN = hN, pcN = cN)
        {
            (_in0, _in1, _out0, _out1) = (new(ph0, h0.Length), new(pc0, c0.Length), new(phN, hN.Length), new(pcN, cN.Length));
            RunRowBlocks(backward: false);
            (_in0, _in1, _out0, _out1) = (default, default, default, default);
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
        Buffers.Ensure(ref _dGx, rowsAll * gh);
        if (SeparateHiddenGradient)
        {
            Buffers.Ensure(ref _dGh, rowsAll * gh);
        }

        Buffers.Ensure(ref _dhCarry, B * h);
        Buffers.Ensure(ref _dhPrev, B * h);
        BeginCellBackward();
        _dhCarry.AsSpan(0, B * h).Clear();
        _packedHhBack = ManagedGemm.Pack(false, WeightHh.Value, h, gh, h, _packedHhBack); // every step's dGh · W_hh
        fixed (float* pdOut = dOut, pdhN = dhN, pdcN = dcN, pdh0 = dh0, pdc0 = dc0)
        {
            _dOut = new(pdOut, dOut.Length);
            (_in0, _in1, _out0, _out1) = (new(pdhN, dhN.Length), new(pdcN, dcN.Length), new(pdh0, dh0.Length), new(pdc0, dc0.Length));
            RunRowBlocks(backward: true);
            (_dOut, _in0, _in1, _out0, _out1) = (default, default, default, default, default);
        }

        // Weight and bias gradients, one GEMM each over all packed rows (real tokens only).
        float[] dGhBuffer = SeparateHiddenGradient ? _dGh : _dGx;
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
    /// Runs the time loop (forward or backward) over rows [0, B): as two row blocks when the batch is large enough
    /// (<see cref="RowSplit"/>), on two threads when <see cref="EngineThreads.Count"/> allows, else in order.
    /// </summary>
    private void RunRowBlocks(bool backward)
    {
        _backward = backward;
        _split = RowSplit();
        if (_split == 0)
        {
            ((ITwoPartWork)this).Execute(0);
        }
        else
        {
            TwoWay.Run(this);
        }
    }

    /// <summary>
    /// Where the batch is cut into two row blocks [0, s) and [s, B) of about equal real tokens, or 0 for one block.
    /// It depends on the batch's shape only, never on the thread count, so the arithmetic (and so the bits) is the same
    /// with one thread or two: with one, the blocks run one after the other.
    /// </summary>
    /// <remarks>
    /// Rows never interact inside a layer's time loop, so each block runs all its steps without waiting for the other:
    /// one hand-off per layer and pass instead of one per step. Cut only when each block keeps at least
    /// <see cref="MinBlockRows"/> rows and the loop is at least <see cref="SplitLoopWork"/> multiply-adds.
    /// </remarks>
    private int RowSplit()
    {
        if (B < 2 * MinBlockRows || (long)N * Gates * HiddenSize * HiddenSize < SplitLoopWork)
        {
            return 0;
        }

        // Lengths are non-increasing in the row index; row b's length is the number of steps with batchSizes[t] > b.
        // Find the smallest s whose rows [0, s) hold at least half the real tokens.
        long half = (N + 1) / 2, sum = 0;
        int s = 0;
        int[] sizes = _batchSizes;
        int t = T;
        while (s < B && sum < half)
        {
            while (t > 0 && sizes[t - 1] <= s)
            {
                t--;
            }

            sum += t; // row s is alive at steps [0, t)
            s++;
        }

        return Math.Clamp(s, MinBlockRows, B - MinBlockRows);
    }

    // A block needs enough rows to keep the hidden product efficient, and the loop enough work to repay a hand-off.
    private const int MinBlockRows = 8;
    private const long SplitLoopWork = 1L << 22;

    void ITwoPartWork.Execute(int part)
    {
        int lo = part == 0 ? 0 : _split, hi = _split == 0 || part == 1 ? B : _split;
        if (_backward)
        {
            BackwardRows(lo, hi);
        }
        else
        {
            ForwardRows(lo, hi);
        }
    }

    /// <summary>The forward time loop over batch rows [lo, hi).</summary>
    private void ForwardRows(int lo, int hi)
    {
        int h = HiddenSize, gh = Gates * h;
        int[] batchSizes = _batchSizes;
        ReadOnlySpan<float> h0 = _in0.Span, c0 = _in1.Span;
        Span<float> hN = _out0.Span, cN = _out1.Span;
        for (int s = 0; s < T; s++)
        {
            int t = Reverse ? T - 1 - s : s;
            int rows = Math.Min(hi, batchSizes[t]);
            if (rows <= lo)
            {
                continue;
            }

            int prevT = Reverse ? t + 1 : t - 1;
            int fromPrev = prevT >= 0 && prevT < T ? Math.Min(rows, batchSizes[prevT]) : 0;

            // Assemble the state this step starts from: rows that were alive at the previous step continue, the rest
            // (only in the reverse direction, or at t = 0) start from the initial state.
            Span<float> hPrev = HPrev.AsSpan(Start[t] * h, rows * h);
            if (fromPrev > lo)
            {
                Hs.AsSpan((Start[prevT] + lo) * h, (fromPrev - lo) * h).CopyTo(hPrev[(lo * h)..]);
            }

            int fresh = Math.Max(lo, fromPrev);
            CopyOrClear(h0, fresh * h, (rows - fresh) * h, hPrev);

            // Hidden projection for the block's alive rows.
            Gemm.MultiplyPacked(rows - lo, 1f, hPrev[(lo * h)..], h, _packedHh!, 0f, Hg.AsSpan(lo * gh, (rows - lo) * gh), gh, splitColumns: _split == 0);
            StepForward(t, lo, rows, fromPrev, prevT, c0);

            // Rows whose last step is this one hand out their final state.
            int nextT = Reverse ? t - 1 : t + 1;
            int stillAlive = Math.Max(lo, nextT >= 0 && nextT < T ? Math.Min(rows, batchSizes[nextT]) : 0);
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

    /// <summary>The backward time loop over batch rows [lo, hi).</summary>
    private void BackwardRows(int lo, int hi)
    {
        int h = HiddenSize, gh = Gates * h;
        int[] batchSizes = _batchSizes;
        ReadOnlySpan<float> dhN = _in0.Span, dcN = _in1.Span, dOut = _dOut.Span;
        Span<float> dh0 = _out0.Span, dc0 = _out1.Span;
        float[] dGhBuffer = SeparateHiddenGradient ? _dGh : _dGx;
        Span<float> carry = _dhCarry.AsSpan(0, B * h);
        for (int s = T - 1; s >= 0; s--)
        {
            int t = Reverse ? T - 1 - s : s;
            int rows = Math.Min(hi, batchSizes[t]);
            if (rows <= lo)
            {
                continue;
            }

            int prevT = Reverse ? t + 1 : t - 1;
            int nextT = Reverse ? t - 1 : t + 1;
            int fromPrev = prevT >= 0 && prevT < T ? Math.Min(rows, batchSizes[prevT]) : 0;
            int stillAlive = Math.Max(lo, nextT >= 0 && nextT < T ? Math.Min(rows, batchSizes[nextT]) : 0);

            // Rows that end at this step receive the final-state gradient.
            CopyOrClear(dhN, stillAlive * h, (rows - stillAlive) * h, carry);
            Span<float> dh = carry[(lo * h)..(rows * h)];
            if (!dOut.IsEmpty)
            {
                TensorPrimitives.Add(dh, dOut.Slice((Start[t] + lo) * h, (rows - lo) * h), dh);
            }

            Span<float> dhPrev = _dhPrev.AsSpan(lo * h, (rows - lo) * h);
            Span<float> dGh = dGhBuffer.AsSpan((Start[t] + lo) * gh, (rows - lo) * gh);
            StepBackward(t, lo, rows, fromPrev, stillAlive, dh, dcN, dc0, _dGx.AsSpan((Start[t] + lo) * gh, (rows - lo) * gh), dGh, dhPrev);

            // dh_prev = (direct term from the cell) + dGh W_hh.
            Gemm.MultiplyPacked(rows - lo, 1f, dGh, gh, _packedHhBack!, 1f, dhPrev, h, splitColumns: _split == 0);
            dhPrev.CopyTo(dh);
            int fresh = Math.Max(lo, fromPrev);
            if (!dh0.IsEmpty && fresh < rows)
            {
                dhPrev[((fresh - lo) * h)..].CopyTo(dh0.Slice(fresh * h));
            }
        }
    }

    /// <summary>
    /// One step over batch rows [lo, hi) (hi ≤ the rows alive at t): reads the input projection Xg[t] and the hidden
    /// projection Hg (both pre-activation, Hg indexed by batch row), HPrev[t], and writes Hs[t] rows [lo, hi);
    /// overwrites Xg[t] with what the backward step needs. Rows below <paramref name="fromPrev"/> continue from step
    /// <paramref name="prevT"/>, the others start from the initial state. Touches only rows [lo, hi) of every buffer.
    /// </summary>
    protected abstract void StepForward(int t, int lo, int hi, int fromPrev, int prevT, ReadOnlySpan<float> c0);

    /// <summary>
    /// Gate derivatives for one step over batch rows [lo, hi): given dh (the total gradient w.r.t. this step's hidden
    /// output), writes dGx and dGh (gradients w.r.t. the input-side and hidden-side pre-activations; the same span
    /// unless <see cref="SeparateHiddenGradient"/>) and the part of dh_prev that does not pass through W_hh
    /// (zero for SimpleRnn and LSTM, z ⊙ dh for GRU). dh, dGx, dGh and dhPrev hold rows [lo, hi) only (row lo first);
    /// dcN and dc0 are (B, H). Rows from <paramref name="stillAlive"/> (≥ lo) end at t; rows from max(lo, fromPrev) began at t.
    /// </summary>
    protected abstract void StepBackward(int t, int lo, int hi, int fromPrev, int stillAlive, ReadOnlySpan<float> dh,
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

    /// <summary>
    /// One of the caller's spans (initial/final states, output gradient), pinned by Forward or Backward for the length of
    /// the pass so both row blocks reach it from either thread without copying; empty when the caller passed none.
    /// </summary>
    private readonly struct Pinned(float* pointer, int length)
    {
        public Span<float> Span => new(pointer, length);
    }

    private static void AddRowSums(ReadOnlySpan<float> matrix, int rows, int cols, Span<float> destination)
    {
        for (int r = 0; r < rows; r++)
        {
            TensorPrimitives.Add(destination, matrix.Slice(r * cols, cols), destination);
        }
    }
}
