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
        Ensure(ref _c, rowsAll * HiddenSize);
        Ensure(ref _cPrev, rowsAll * HiddenSize);
        Ensure(ref _tanhC, rowsAll * HiddenSize);
        Ensure(ref _dcCarry, batch * HiddenSize);
    }

    protected override void StepForward(int t, int rows, int fromPrev, int prevT, ReadOnlySpan<float> c0)
    {
        int h = HiddenSize, gh = 4 * h, at = t * B * h;
        Span<float> gates = Xg.AsSpan(t * B * gh, rows * gh);
        TensorPrimitives.Add(gates, Hg.AsSpan(0, rows * gh), gates);
        Span<float> cPrev = _cPrev.AsSpan(at, B * h);
        if (fromPrev > 0)
        {
            _c.AsSpan(prevT * B * h, fromPrev * h).CopyTo(cPrev);
        }

        CopyOrClear(c0, fromPrev * h, (rows - fromPrev) * h, cPrev);
        for (int r = 0; r < rows; r++)
        {
            Span<float> a = gates.Slice(r * gh, gh);
            TensorPrimitives.Sigmoid(a[..(2 * h)], a[..(2 * h)]);
            TensorPrimitives.Tanh(a.Slice(2 * h, h), a.Slice(2 * h, h));
            TensorPrimitives.Sigmoid(a.Slice(3 * h, h), a.Slice(3 * h, h));
            Span<float> c = _c.AsSpan(at + (r * h), h);
            Span<float> tc = _tanhC.AsSpan(at + (r * h), h);
            TensorPrimitives.Multiply(a.Slice(h, h), cPrev.Slice(r * h, h), c);
            TensorPrimitives.MultiplyAdd(a[..h], a.Slice(2 * h, h), c, c);
            TensorPrimitives.Tanh(c, tc);
            TensorPrimitives.Multiply(a.Slice(3 * h, h), tc, Hs.AsSpan(at + (r * h), h));
        }
    }

    protected override void FinalCellState(int t, int from, int to, Span<float> cN)
    {
        if (!cN.IsEmpty)
        {
            int h = HiddenSize;
            _c.AsSpan(((t * B) + from) * h, (to - from) * h).CopyTo(cN.Slice(from * h));
        }
    }

    protected override void BeginCellBackward() => _dcCarry.AsSpan(0, B * HiddenSize).Clear();

    protected override void StepBackward(int t, int rows, int fromPrev, int stillAlive, ReadOnlySpan<float> dh,
        ReadOnlySpan<float> dcN, Span<float> dc0, Span<float> dGx, Span<float> dGh, Span<float> dhPrev)
    {
        int h = HiddenSize, gh = 4 * h, at = t * B * h;
        Span<float> carry = _dcCarry.AsSpan(0, B * h);
        CopyOrClear(dcN, stillAlive * h, (rows - stillAlive) * h, carry);
        ReadOnlySpan<float> gates = Xg.AsSpan(t * B * gh, rows * gh);
        ReadOnlySpan<float> cPrev = _cPrev.AsSpan(at, rows * h);
        ReadOnlySpan<float> tanhC = _tanhC.AsSpan(at, rows * h);
        for (int r = 0; r < rows; r++)
        {
            int g0 = r * gh;
            for (int j = 0; j < h; j++)
            {
                int k = (r * h) + j;
                float i = gates[g0 + j], f = gates[g0 + h + j], g = gates[g0 + (2 * h) + j], o = gates[g0 + (3 * h) + j];
                float tc = tanhC[k];
                float dc = carry[k] + (dh[k] * o * (1f - (tc * tc)));
                dGx[g0 + j] = dc * g * i * (1f - i);
                dGx[g0 + h + j] = dc * cPrev[k] * f * (1f - f);
                dGx[g0 + (2 * h) + j] = dc * i * (1f - (g * g));
                dGx[g0 + (3 * h) + j] = dh[k] * tc * o * (1f - o);
                carry[k] = dc * f;
            }
        }

        dGx.CopyTo(dGh);
        dhPrev.Clear();
        if (!dc0.IsEmpty && fromPrev < rows)
        {
            carry[(fromPrev * h)..(rows * h)].CopyTo(dc0.Slice(fromPrev * h));
        }
    }
}
