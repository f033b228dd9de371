using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MLNetRnn.Numerics;

/// <summary>
/// The right operand op(B) (K, N) of many products C = A·op(B), packed once into the managed micro-kernel's panels
/// (<see cref="ManagedGemm.Pack"/>), so that each product packs only A: for weights read by every step of a decoding
/// session, whose products have a few hundred rows at most and would otherwise spend a large share of their time
/// repacking the same weights (OpenBLAS, like the blocked driver, packs B on every call).
/// </summary>
internal sealed class PackedMatrix
{
    internal PackedMatrix(float[] data, int k, int n, int nr)
    {
        (Data, K, N, Nr) = (data, k, n, nr);
    }

    /// <summary>Gets K, the rows of op(B).</summary>
    public int K { get; }

    /// <summary>Gets N, the columns of op(B) (and of C).</summary>
    public int N { get; }

    /// <summary>Gets the panels, [column block][depth block][panel][p][Nr] (pinned); or, on a machine without FMA, op(B) itself (K, N).</summary>
    internal float[] Data { get; }

    /// <summary>Gets the panel width, or 0 when <see cref="Data"/> holds op(B) unpacked.</summary>
    internal int Nr { get; }
}

internal static unsafe partial class ManagedGemm
{
    /// <summary>
    /// Packs op(B) (K, N) as the blocked driver would, every block, once (see <see cref="PackedMatrix"/>); into
    /// <paramref name="into"/>'s storage when it has this shape (a layer repacks its weights every pass without allocating).
    /// </summary>
    public static PackedMatrix Pack(bool transposeB, ReadOnlySpan<float> b, int ldb, int k, int n, PackedMatrix? into = null)
    {
        int nr = Vector512.IsHardwareAccelerated ? Avx512Kernel.Nr : Fma.IsSupported ? Avx2Kernel.Nr : 0;
        bool reuse = into is not null && into.K == k && into.N == n && into.Nr == nr;
        if (nr == 0)
        {
            var plain = reuse ? into!.Data : new float[k * n];
            for (int p = 0; p < k; p++)
            {
                for (int j = 0; j < n; j++)
                {
                    plain[(p * n) + j] = transposeB ? b[(j * ldb) + p] : b[(p * ldb) + j];
                }
            }

            return reuse ? into! : new PackedMatrix(plain, k, n, 0);
        }

        long size = 0;
        for (int jc = 0; jc < n; jc += Nc)
        {
            size += (long)RoundUp(Math.Min(Nc, n - jc), nr) * k;
        }

        var data = reuse ? into!.Data : GC.AllocateUninitializedArray<float>((int)Math.Max(size, 1), pinned: true);
        fixed (float* pb = b)
        fixed (float* pd = data)
        {
            float* d = pd;
            for (int jc = 0; jc < n; jc += Nc)
            {
                int nc = Math.Min(Nc, n - jc);
                for (int pc = 0; pc < k; pc += Kc)
                {
                    int kc = Math.Min(Kc, k - pc);
                    PackB(transposeB, pb, ldb, pc, kc, jc, nc, nr, d);
                    d += (nint)RoundUp(nc, nr) * kc;
                }
            }
        }

        return reuse ? into! : new PackedMatrix(data, k, n, nr);
    }

    /// <summary>
    /// C[:, j0..j1) = alpha · A (M, K) · op(B)[:, j0..j1) + beta · C[:, j0..j1), with op(B) packed; <paramref name="c"/> starts at
    /// column 0. j0 must be a multiple of the panel width. The result is the blocked driver's, bit for bit, for the same
    /// columns. Arguments are assumed validated by <see cref="Gemm.MultiplyPacked"/>.
    /// </summary>
    public static void MultiplyPacked(int m, int j0, int j1, float alpha, ReadOnlySpan<float> a, int lda, PackedMatrix b, float beta, Span<float> c, int ldc)
    {
        if (m == 0 || j1 <= j0)
        {
            return;
        }

        if (b.K == 0 || alpha == 0f)
        {
            ScaleC(m, j1 - j0, beta, c[j0..], ldc);
            return;
        }

        fixed (float* pa = a, pb = b.Data, pc = c)
        {
            if (b.Nr == 0)
            {
                Scalar(false, false, m, j1 - j0, b.K, alpha, pa, lda, pb + j0, b.N, beta, pc + j0, ldc);
            }
            else if (b.Nr == Avx512Kernel.Nr && Vector512.IsHardwareAccelerated)
            {
                Prepacked<Avx512Kernel>(m, j0, j1, alpha, pa, lda, b, pb, beta, pc, ldc);
            }
            else
            {
                Prepacked<Avx2Kernel>(m, j0, j1, alpha, pa, lda, b, pb, beta, pc, ldc);
            }
        }
    }

    // The blocked driver's loops over a packed B: the same blocks in the same order, B's packing replaced by a pointer.
    private static void Prepacked<TKernel>(int m, int j0, int j1, float alpha, float* a, nint lda, PackedMatrix b, float* packed, float beta, float* c, nint ldc)
        where TKernel : struct, IKernel
    {
        int mr = TKernel.Mr, nr = TKernel.Nr, k = b.K, n = b.N;
        float[] packA = Rent(ref s_packA, Math.Min(RoundUp(m, mr), Mc) * Math.Min(k, Kc));
        float* edge = stackalloc float[TKernel.Mr * TKernel.Nr];
        fixed (float* pA = packA)
        {
            float* block = packed;
            for (int jc = 0; jc < n; jc += Nc)
            {
                int nc = Math.Min(Nc, n - jc), lo = Math.Max(jc, j0) - jc, hi = Math.Min(jc + nc, j1) - jc;
                for (int pc = 0; pc < k; pc += Kc)
                {
                    int kc = Math.Min(Kc, k - pc);
                    float* bBlock = block;
                    block += (nint)RoundUp(nc, nr) * kc;
                    if (lo >= hi)
                    {
                        continue;
                    }

                    float betaBlock = pc == 0 ? beta : 1f;
                    for (int ic = 0; ic < m; ic += Mc)
                    {
                        int mc = Math.Min(Mc, m - ic);
                        PackA(false, a, lda, ic, mc, pc, kc, mr, pA);
                        for (int jr = lo; jr < hi; jr += nr)
                        {
                            int cols = Math.Min(nr, hi - jr);
                            PanelColumn<TKernel>(mc, kc, cols, pA, bBlock + (nint)jr * kc, nr, c + ic * ldc + jc + jr, ldc, alpha, betaBlock, edge);
                        }
                    }
                }
            }
        }
    }
}
