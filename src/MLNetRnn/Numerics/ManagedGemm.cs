// Shapes: op(A) is (M, K), op(B) is (K, N), C is (M, N); all row-major.
// MR x NR = register tile of the micro-kernel (8 x 32 with AVX-512, 6 x 16 with AVX2 + FMA).
// KC = depth of one packed block, MC = rows of A packed at once, NC = columns of B packed at once.
// Packed A: panels of MR rows, laid out [panel][p][MR]. Packed B: panels of NR columns, [panel][p][NR].
// Paths: few rows (m <= 4 with B (K, N), m <= 8 with B (N, K)) and vectors (m == 1, n == 1) skip packing and stream
// the big operand once; everything else goes through the blocked driver. All paths are single-threaded and fixed-order.
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MLNetRnn.Numerics;

/// <summary>
/// The managed single-threaded SGEMM: packed panels, cache blocking and a register-blocked FMA micro-kernel,
/// plus direct paths for matrix-vector shapes (m == 1 or n == 1). Arguments are assumed validated by <see cref="Gemm"/>.
/// </summary>
[SkipLocalsInit]
internal static unsafe partial class ManagedGemm
{
    private const int Kc = 256;
    private const int Mc = 144;            // multiple of both MR values (8 and 6)
    private const int Nc = 2048;           // multiple of both NR values (32 and 16)
    private const int DotMaxRows = 8;      // up to this many rows of C, A * Bt is computed as dot products of rows
    private const int DirectBMaxRows = 64; // up to this many rows of C, B (not transposed) is read in place

    [ThreadStatic] private static float[]? s_packA;
    [ThreadStatic] private static float[]? s_packB;
    [ThreadStatic] private static float[]? s_vector;

    /// <summary>C = alpha * op(A) * op(B) + beta * C (see <see cref="Gemm.Multiply"/>).</summary>
    public static void Multiply(bool transposeA, bool transposeB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        if (m == 0 || n == 0)
        {
            return;
        }

        if (k == 0 || alpha == 0f)
        {
            ScaleC(m, n, beta, c, ldc);
            return;
        }

        fixed (float* pa = a, pb = b, pc = c)
        {
            bool wide = Vector512.IsHardwareAccelerated;
            if (!transposeB && m <= 4 && wide)
            {
                // Few rows of C, B stored (K, N): B is streamed once in 64-column strips, nothing is packed.
                RowsTimesMatrix(m, pa, transposeA ? 1 : lda, transposeA ? lda : 1, k, pb, ldb, n, pc, ldc, 1, alpha, beta);
            }
            else if (n == 1 && transposeA && wide)
            {
                // C[., 0] = (column of op(B))ᵀ * A with A stored (K, M): the same one-row product, written down C's column.
                RowsTimesMatrix(1, pb, 0, transposeB ? 1 : ldb, k, pa, lda, m, pc, 0, ldc, alpha, beta);
            }
            else if (m == 1 && !transposeB)
            {
                VectorTimesMatrix(pa, transposeA ? lda : 1, k, pb, ldb, n, pc, 1, alpha, beta);
            }
            else if (n == 1 && transposeA)
            {
                VectorTimesMatrix(pb, transposeB ? 1 : ldb, k, pa, lda, m, pc, ldc, alpha, beta);
            }
            else if (n == 1)
            {
                // C[i, 0] = dot(A row i, column of op(B)): one "x" row against m rows of A, written down column 0 of C.
                Dots(1, m, k, alpha, Gather(pb, transposeB ? 1 : ldb, 1, 0, k), 0, pa, lda, beta, pc, 0, ldc);
            }
            else if (transposeB && (m == 1 || (m <= DotMaxRows && wide)))
            {
                // Few rows of C, B stored (N, K): dot products of rows, nothing is packed.
                float* rows = transposeA ? Gather(pa, lda, m, 1, k) : pa;
                Dots(m, n, k, alpha, rows, transposeA ? k : lda, pb, ldb, beta, pc, ldc, 1);
            }
            else if (wide)
            {
                Blocked<Avx512Kernel>(transposeA, transposeB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
            }
            else if (Fma.IsSupported)
            {
                Blocked<Avx2Kernel>(transposeA, transposeB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
            }
            else
            {
                Scalar(transposeA, transposeB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
            }
        }
    }

    /// <summary>C = beta * C over an (m, n) block; beta == 0 writes zeros without reading C.</summary>
    internal static void ScaleC(int m, int n, float beta, Span<float> c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            Span<float> row = c.Slice(i * ldc, n);
            if (beta == 0f)
            {
                row.Clear();
            }
            else if (beta != 1f)
            {
                TensorPrimitives.Multiply(row, beta, row);
            }
        }
    }

    // ---- Blocked driver -------------------------------------------------------------------------------------

    private static void Blocked<TKernel>(bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, nint lda, float* b, nint ldb, float beta, float* c, nint ldc)
        where TKernel : struct, IKernel
    {
        int mr = TKernel.Mr, nr = TKernel.Nr;
        bool directB = !transB && m <= DirectBMaxRows;
        int kcMax = Math.Min(k, Kc);
        int mcMax = Math.Min(RoundUp(m, mr), Mc);
        int ncMax = Math.Min(RoundUp(n, nr), Nc);
        float[] packA = Rent(ref s_packA, mcMax * kcMax);
        float[] packB = Rent(ref s_packB, (directB ? nr : ncMax) * kcMax);
        float* edge = stackalloc float[TKernel.Mr * TKernel.Nr];

        fixed (float* pA = packA, pB = packB)
        {
            for (int jc = 0; jc < n; jc += Nc)
            {
                int nc = Math.Min(Nc, n - jc);
                int fullCols = nc - nc % nr;
                for (int pc = 0; pc < k; pc += Kc)
                {
                    int kc = Math.Min(Kc, k - pc);
                    float betaBlock = pc == 0 ? beta : 1f;
                    if (!directB)
                    {
                        PackB(transB, b, ldb, pc, kc, jc, nc, nr, pB);
                    }
                    else if (fullCols < nc)
                    {
                        PackB(false, b, ldb, pc, kc, jc + fullCols, nc - fullCols, nr, pB);
                    }

                    for (int ic = 0; ic < m; ic += Mc)
                    {
                        int mc = Math.Min(Mc, m - ic);
                        PackA(transA, a, lda, ic, mc, pc, kc, mr, pA);
                        for (int jr = 0; jr < nc; jr += nr)
                        {
                            int cols = Math.Min(nr, nc - jr);
                            float* bp = pB + (nint)jr * kc;
                            nint bStride = nr;
                            if (directB)
                            {
                                bp = cols == nr ? b + pc * ldb + jc + jr : pB;
                                bStride = cols == nr ? ldb : nr;
                            }

                            PanelColumn<TKernel>(mc, kc, cols, pA, bp, bStride, c + ic * ldc + jc + jr, ldc, alpha, betaBlock, edge);
                        }
                    }
                }
            }
        }
    }

    // One packed panel of B (kc × nr, cols real columns) against the mc packed rows of A: C tile by tile, edge columns
    // through a scratch tile. c points at C's element (first row, first column) of the panel.
    private static void PanelColumn<TKernel>(int mc, int kc, int cols, float* pA, float* bp, nint bStride, float* c, nint ldc, float alpha, float beta, float* edge)
        where TKernel : struct, IKernel
    {
        int mr = TKernel.Mr, nr = TKernel.Nr;
        for (int ir = 0; ir < mc; ir += mr)
        {
            int rows = Math.Min(mr, mc - ir);
            float* ap = pA + (nint)ir * kc;
            float* cp = c + ir * ldc;
            if (cols == nr)
            {
                TKernel.Tile(rows, kc, ap, bp, bStride, cp, ldc, alpha, beta);
            }
            else
            {
                TKernel.Tile(rows, kc, ap, bp, bStride, edge, nr, 1f, 0f);
                MergeEdge(edge, nr, rows, cols, cp, ldc, alpha, beta);
            }
        }
    }

    private static void MergeEdge(float* tile, int nr, int rows, int cols, float* c, nint ldc, float alpha, float beta)
    {
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                float old = beta == 0f ? 0f : beta * c[i * ldc + j];
                c[i * ldc + j] = alpha * tile[i * nr + j] + old;
            }
        }
    }
}
