using System.Numerics.Tensors;
using MLNetRnn.Numerics;

namespace MLNetRnn.Layers;

// B = batch, T = time, H = hidden size, G = 3 gates in PyTorch's order r, z, n.

/// <summary>The GRU step in PyTorch's formulation (<c>nn.GRU</c>), where the reset gate multiplies <c>W_hn h + b_hn</c>.</summary>
/// <remarks>
/// Forward, with <c>x̂ = W_ih x + b_ih</c> and <c>ĥ = W_hh h + b_hh</c> split into r, z, n blocks:
/// <c>r = σ(x̂_r + ĥ_r), z = σ(x̂_z + ĥ_z), n = tanh(x̂_n + r ⊙ ĥ_n), h' = (1 − z) ⊙ n + z ⊙ h</c>.
/// Backward: <c>dn = dh' ⊙ (1−z)</c>, <c>dz = dh' ⊙ (h − n)</c>, <c>dâ_n = dn ⊙ (1−n²)</c>, <c>dr = dâ_n ⊙ ĥ_n</c>;
/// input side <c>[dr ⊙ r(1−r), dz ⊙ z(1−z), dâ_n]</c>, hidden side <c>[same, same, dâ_n ⊙ r]</c>, plus <c>dh_prev += dh' ⊙ z</c>.
/// </remarks>
internal sealed class GruLayer(ParameterStore store, int inputSize, int hiddenSize, string prefix, string suffix, SeededRandom random)
    : RecurrentLayer(store, inputSize, hiddenSize, 3, prefix, suffix, random)
{
    private float[] _hn = []; // (T, B, H): ĥ_n = W_hn h + b_hn, kept for the reset-gate gradient

    protected override bool FoldsHiddenBias => false;

    protected override void EnsureCellBuffers(int rowsAll, int batch) => Ensure(ref _hn, rowsAll * HiddenSize);

    protected override void StepForward(int t, int rows, int fromPrev, int prevT, ReadOnlySpan<float> c0)
    {
        int h = HiddenSize, gh = 3 * h, at = t * B * h;
        Span<float> xg = Xg.AsSpan(t * B * gh, rows * gh);
        Span<float> hg = Hg.AsSpan(0, rows * gh);
        ReadOnlySpan<float> bHh = BiasHh.Value;
        ReadOnlySpan<float> hPrev = HPrev.AsSpan(at, rows * h);
        for (int r = 0; r < rows; r++)
        {
            Span<float> a = xg.Slice(r * gh, gh);
            Span<float> hgRow = hg.Slice(r * gh, gh);
            TensorPrimitives.Add(hgRow, bHh, hgRow);
            Span<float> rz = a[..(2 * h)];
            TensorPrimitives.Add(rz, hgRow[..(2 * h)], rz);
            TensorPrimitives.Sigmoid(rz, rz);
            Span<float> hn = _hn.AsSpan(at + (r * h), h);
            hgRow.Slice(2 * h, h).CopyTo(hn);
            Span<float> n = a.Slice(2 * h, h);
            TensorPrimitives.MultiplyAdd(a[..h], hn, n, n);
            TensorPrimitives.Tanh(n, n);
            Span<float> hOut = Hs.AsSpan(at + (r * h), h);
            TensorPrimitives.Subtract(hPrev.Slice(r * h, h), n, hOut);
            TensorPrimitives.MultiplyAdd(a.Slice(h, h), hOut, n, hOut);
        }
    }

    protected override void StepBackward(int t, int rows, int fromPrev, int stillAlive, ReadOnlySpan<float> dh,
        ReadOnlySpan<float> dcN, Span<float> dc0, Span<float> dGx, Span<float> dGh, Span<float> dhPrev)
    {
        int h = HiddenSize, gh = 3 * h, at = t * B * h;
        ReadOnlySpan<float> gates = Xg.AsSpan(t * B * gh, rows * gh);
        ReadOnlySpan<float> hPrev = HPrev.AsSpan(at, rows * h);
        ReadOnlySpan<float> hnAll = _hn.AsSpan(at, rows * h);
        for (int row = 0; row < rows; row++)
        {
            int g0 = row * gh;
            for (int j = 0; j < h; j++)
            {
                int k = (row * h) + j;
                float r = gates[g0 + j], z = gates[g0 + h + j], n = gates[g0 + (2 * h) + j];
                float d = dh[k];
                float dnPre = d * (1f - z) * (1f - (n * n));
                float drPre = dnPre * hnAll[k] * r * (1f - r);
                float dzPre = d * (hPrev[k] - n) * z * (1f - z);
                dGx[g0 + j] = drPre;
                dGx[g0 + h + j] = dzPre;
                dGx[g0 + (2 * h) + j] = dnPre;
                dGh[g0 + j] = drPre;
                dGh[g0 + h + j] = dzPre;
                dGh[g0 + (2 * h) + j] = dnPre * r;
                dhPrev[k] = d * z;
            }
        }
    }
}
