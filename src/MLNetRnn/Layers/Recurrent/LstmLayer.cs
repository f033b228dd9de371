using System.Numerics;
using System.Numerics.Tensors;
using MLNetRnn.Numerics;

namespace MLNetRnn.Layers;

// B = batch, T = time, H = hidden size, G = 4 gates in PyTorch's order i, f, g, o.

/// <summary>The LSTM step, PyTorch's <c>nn.LSTM</c>.</summary>
/// <remarks>
/// Forward, with <c>a = W_ih x + b_ih + W_hh h + b_hh</c> split into four H-blocks:
/// <c>i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o), c' = f ⊙ c + i ⊙ g, h' = o ⊙ tanh(c')</c>.
/// Backward: <c>dc = dc' + dh' ⊙ o ⊙ (1 − tanh²c')</c>, <c>da_i = dc ⊙ g ⊙ i(1−i)</c>, <c>da_f = dc ⊙ c ⊙ f(1−f)</c>,
/// <c>da_g = dc ⊙ i ⊙ (1−g²)</c>, <c>da_o = dh' ⊙ tanh c' ⊙ o(1−o)</c>, <c>dc_prev = dc ⊙ f</c>.
/// </remarks>
internal sealed class LstmLayer(ParameterStore store, int inputSize, int hiddenSize, string prefix, string suffix, SeededRandom random)
    : RecurrentLayer(store, inputSize, hiddenSize, 4, prefix, suffix, random)
{
    private float[] _c = [];       // (T, B, H) cell state after each step
    private float[] _cPrev = [];   // (T, B, H) cell state each step started from
    private float[] _tanhC = [];   // (T, B, H) tanh of _c
    private float[] _dcCarry = []; // (B, H)

    protected override bool FoldsHiddenBias => true;

    protected override void EnsureCellBuffers(int rowsAll, int batch)
    {
        Buffers.Ensure(ref _c, rowsAll * HiddenSize);
        Buffers.Ensure(ref _cPrev, rowsAll * HiddenSize);
        Buffers.Ensure(ref _tanhC, rowsAll * HiddenSize);
        Buffers.Ensure(ref _dcCarry, batch * HiddenSize);
    }

    protected override void StepForward(int t, int lo, int hi, int fromPrev, int prevT, ReadOnlySpan<float> c0)
    {
        int h = HiddenSize, gh = 4 * h, at = Start[t] * h;
        Span<float> gates = Xg.AsSpan((Start[t] + lo) * gh, (hi - lo) * gh);
        TensorPrimitives.Add(gates, Hg.AsSpan(lo * gh, (hi - lo) * gh), gates);
        Span<float> cPrev = _cPrev.AsSpan(at, hi * h);
        if (fromPrev > lo)
        {
            _c.AsSpan((Start[prevT] + lo) * h, (fromPrev - lo) * h).CopyTo(cPrev[(lo * h)..]);
        }

        int fresh = Math.Max(lo, fromPrev);
        CopyOrClear(c0, fresh * h, (hi - fresh) * h, cPrev);
        for (int r = lo; r < hi; r++)
        {
            Span<float> a = gates.Slice((r - lo) * gh, gh);
            Activations.Sigmoid(a[..(2 * h)], a[..(2 * h)]);
            Activations.Tanh(a.Slice(2 * h, h), a.Slice(2 * h, h));
            Activations.Sigmoid(a.Slice(3 * h, h), a.Slice(3 * h, h));
            Span<float> c = _c.AsSpan(at + (r * h), h);
            Span<float> tc = _tanhC.AsSpan(at + (r * h), h);
            TensorPrimitives.Multiply(a.Slice(h, h), cPrev.Slice(r * h, h), c);
            TensorPrimitives.MultiplyAdd(a[..h], a.Slice(2 * h, h), c, c);
            Activations.Tanh(c, tc);
            TensorPrimitives.Multiply(a.Slice(3 * h, h), tc, Hs.AsSpan(at + (r * h), h));
        }
    }

    protected override void FinalCellState(int t, int from, int to, Span<float> cN)
    {
        if (!cN.IsEmpty)
        {
            int h = HiddenSize;
            _c.AsSpan((Start[t] + from) * h, (to - from) * h).CopyTo(cN.Slice(from * h));
        }
    }

    protected override void BeginCellBackward() => _dcCarry.AsSpan(0, B * HiddenSize).Clear();

    protected override void StepBackward(int t, int lo, int hi, int fromPrev, int stillAlive, ReadOnlySpan<float> dh,
        ReadOnlySpan<float> dcN, Span<float> dc0, Span<float> dGx, Span<float> dGh, Span<float> dhPrev)
    {
        int h = HiddenSize, gh = 4 * h, at = Start[t] * h;
        Span<float> carry = _dcCarry.AsSpan(0, B * h);
        CopyOrClear(dcN, stillAlive * h, (hi - stillAlive) * h, carry);
        ReadOnlySpan<float> gates = Xg.AsSpan((Start[t] + lo) * gh, (hi - lo) * gh);
        for (int r = lo; r < hi; r++)
        {
            int g0 = (r - lo) * gh, k0 = r * h;
            BackwardRow(gates.Slice(g0, gh), _tanhC.AsSpan(at + k0, h), _cPrev.AsSpan(at + k0, h), dh.Slice((r - lo) * h, h), carry.Slice(k0, h), dGx.Slice(g0, gh));
        }

        dhPrev.Clear();
        int fresh = Math.Max(lo, fromPrev);
        if (!dc0.IsEmpty && fresh < hi)
        {
            carry[(fresh * h)..(hi * h)].CopyTo(dc0.Slice(fresh * h));
        }
    }

    /// <summary>One row: the gate pre-activation gradients (i, f, g, o blocks) and the cell-state carry, vectorised.</summary>
    private static void BackwardRow(ReadOnlySpan<float> gates, ReadOnlySpan<float> tanhC, ReadOnlySpan<float> cPrev, ReadOnlySpan<float> dh,
        Span<float> carry, Span<float> dGates)
    {
        int h = tanhC.Length, j = 0;
        ReadOnlySpan<float> gi = gates[..h], gf = gates.Slice(h, h), gg = gates.Slice(2 * h, h), go = gates.Slice(3 * h, h);
        Span<float> di = dGates[..h], df = dGates.Slice(h, h), dg = dGates.Slice(2 * h, h), dO = dGates.Slice(3 * h, h);
        if (Vector.IsHardwareAccelerated)
        {
            var one = Vector<float>.One;
            for (; j <= h - Vector<float>.Count; j += Vector<float>.Count)
            {
                var i = new Vector<float>(gi[j..]);
                var f = new Vector<float>(gf[j..]);
                var g = new Vector<float>(gg[j..]);
                var o = new Vector<float>(go[j..]);
                var tc = new Vector<float>(tanhC[j..]);
                var d = new Vector<float>(dh[j..]);
                var dc = new Vector<float>(carry[j..]) + (d * o * (one - (tc * tc)));
                (dc * g * i * (one - i)).CopyTo(di[j..]);
                (dc * new Vector<float>(cPrev[j..]) * f * (one - f)).CopyTo(df[j..]);
                (dc * i * (one - (g * g))).CopyTo(dg[j..]);
                (d * tc * o * (one - o)).CopyTo(dO[j..]);
                (dc * f).CopyTo(carry[j..]);
            }
        }

        for (; j < h; j++)
        {
            float i = gi[j], f = gf[j], g = gg[j], o = go[j], tc = tanhC[j];
            float dc = carry[j] + (dh[j] * o * (1f - (tc * tc)));
            di[j] = dc * g * i * (1f - i);
            df[j] = dc * cPrev[j] * f * (1f - f);
            dg[j] = dc * i * (1f - (g * g));
            dO[j] = dh[j] * tc * o * (1f - o);
            carry[j] = dc * f;
        }
    }
}
