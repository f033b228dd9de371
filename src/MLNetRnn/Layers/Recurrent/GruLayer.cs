using System.Numerics;
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

    protected override bool SeparateHiddenGradient => true;

    protected override void EnsureCellBuffers(int rowsAll, int batch) => Buffers.Ensure(ref _hn, rowsAll * HiddenSize);

    protected override void StepForward(int t, int lo, int hi, int fromPrev, int prevT, ReadOnlySpan<float> c0)
    {
        int h = HiddenSize, gh = 3 * h, at = Start[t] * h;
        ReadOnlySpan<float> bHh = BiasHh.Value;
        for (int r = lo; r < hi; r++)
        {
            Span<float> a = Xg.AsSpan((Start[t] + r) * gh, gh);
            Span<float> hgRow = Hg.AsSpan(r * gh, gh);
            TensorPrimitives.Add(hgRow, bHh, hgRow);
            Span<float> rz = a[..(2 * h)];
            TensorPrimitives.Add(rz, hgRow[..(2 * h)], rz);
            Activations.Sigmoid(rz, rz);
            Span<float> hn = _hn.AsSpan(at + (r * h), h);
            hgRow.Slice(2 * h, h).CopyTo(hn);
            Span<float> n = a.Slice(2 * h, h);
            TensorPrimitives.MultiplyAdd(a[..h], hn, n, n);
            Activations.Tanh(n, n);
            Span<float> hOut = Hs.AsSpan(at + (r * h), h);
            TensorPrimitives.Subtract(HPrev.AsSpan(at + (r * h), h), n, hOut);
            TensorPrimitives.MultiplyAdd(a.Slice(h, h), hOut, n, hOut);
        }
    }

    protected override void StepBackward(int t, int lo, int hi, int fromPrev, int stillAlive, ReadOnlySpan<float> dh,
        ReadOnlySpan<float> dcN, Span<float> dc0, Span<float> dGx, Span<float> dGh, Span<float> dhPrev)
    {
        int h = HiddenSize, gh = 3 * h, at = Start[t] * h;
        ReadOnlySpan<float> gates = Xg.AsSpan((Start[t] + lo) * gh, (hi - lo) * gh);
        for (int row = lo; row < hi; row++)
        {
            int g0 = (row - lo) * gh, k0 = (row - lo) * h, a0 = at + (row * h);
            BackwardRow(gates.Slice(g0, gh), HPrev.AsSpan(a0, h), _hn.AsSpan(a0, h), dh.Slice(k0, h), dGx.Slice(g0, gh), dGh.Slice(g0, gh), dhPrev.Slice(k0, h));
        }
    }

    /// <summary>One row: input- and hidden-side pre-activation gradients and the direct dh_prev term, vectorised.</summary>
    private static void BackwardRow(ReadOnlySpan<float> gates, ReadOnlySpan<float> hPrev, ReadOnlySpan<float> hn, ReadOnlySpan<float> dh,
        Span<float> dGx, Span<float> dGh, Span<float> dhPrev)
    {
        int h = hPrev.Length, j = 0;
        ReadOnlySpan<float> gr = gates[..h], gz = gates.Slice(h, h), gn = gates.Slice(2 * h, h);
        if (Vector.IsHardwareAccelerated)
        {
            var one = Vector<float>.One;
            for (; j <= h - Vector<float>.Count; j += Vector<float>.Count)
            {
                var r = new Vector<float>(gr[j..]);
                var z = new Vector<float>(gz[j..]);
                var n = new Vector<float>(gn[j..]);
                var d = new Vector<float>(dh[j..]);
                var dnPre = d * (one - z) * (one - (n * n));
                var drPre = dnPre * new Vector<float>(hn[j..]) * r * (one - r);
                var dzPre = d * (new Vector<float>(hPrev[j..]) - n) * z * (one - z);
                drPre.CopyTo(dGx[j..]);
                dzPre.CopyTo(dGx[(h + j)..]);
                dnPre.CopyTo(dGx[((2 * h) + j)..]);
                drPre.CopyTo(dGh[j..]);
                dzPre.CopyTo(dGh[(h + j)..]);
                (dnPre * r).CopyTo(dGh[((2 * h) + j)..]);
                (d * z).CopyTo(dhPrev[j..]);
            }
        }

        for (; j < h; j++)
        {
            float r = gr[j], z = gz[j], n = gn[j], d = dh[j];
            float dnPre = d * (1f - z) * (1f - (n * n));
            float drPre = dnPre * hn[j] * r * (1f - r);
            float dzPre = d * (hPrev[j] - n) * z * (1f - z);
            dGx[j] = drPre;
            dGx[h + j] = dzPre;
            dGx[(2 * h) + j] = dnPre;
            dGh[j] = drPre;
            dGh[h + j] = dzPre;
            dGh[(2 * h) + j] = dnPre * r;
            dhPrev[j] = d * z;
        }
    }
}
