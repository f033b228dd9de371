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
internal static unsafe class ManagedGemm
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

                            for (int ir = 0; ir < mc; ir += mr)
                            {
                                int rows = Math.Min(mr, mc - ir);
                                float* ap = pA + (nint)ir * kc;
                                float* cp = c + (ic + ir) * ldc + jc + jr;
                                if (cols == nr)
                                {
                                    TKernel.Tile(rows, kc, ap, bp, bStride, cp, ldc, alpha, betaBlock);
                                }
                                else
                                {
                                    TKernel.Tile(rows, kc, ap, bp, bStride, edge, nr, 1f, 0f);
                                    MergeEdge(edge, nr, rows, cols, cp, ldc, alpha, betaBlock);
                                }
                            }
                        }
                    }
                }
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

    // ---- Packing ----------------------------------------------------------------------------------------------

    // Packs op(A)[i0 .. i0+mc, p0 .. p0+kc] into panels of mr rows: dst[panel][p][mr].
    private static void PackA(bool transA, float* a, nint lda, int i0, int mc, int p0, int kc, int mr, float* dst)
    {
        for (int ir = 0; ir < mc; ir += mr)
        {
            int rows = Math.Min(mr, mc - ir);
            float* d = dst + (nint)ir * kc;
            if (transA)
            {
                // A stored (K, M): row p holds op(A)[., p], contiguous in i.
                float* src = a + p0 * lda + i0 + ir;
                for (int p = 0; p < kc; p++, src += lda, d += mr)
                {
                    if (rows == 8)
                    {
                        Vector256.Store(Vector256.Load(src), d);
                    }
                    else
                    {
                        for (int r = 0; r < rows; r++)
                        {
                            d[r] = src[r];
                        }
                    }
                }
            }
            else
            {
                float* src = a + (i0 + ir) * lda + p0;
                int p = 0;
                if (rows == 8 && mr == 8 && Avx.IsSupported)
                {
                    for (; p + 8 <= kc; p += 8)
                    {
                        Transpose8x8(src + p, lda, d + p * 8, 8);
                    }
                }

                for (; p < kc; p++)
                {
                    for (int r = 0; r < rows; r++)
                    {
                        d[p * mr + r] = src[r * lda + p];
                    }
                }
            }
        }
    }

    // Packs op(B)[p0 .. p0+kc, j0 .. j0+nc] into panels of nr columns: dst[panel][p][nr], zero-padded to nr.
    private static void PackB(bool transB, float* b, nint ldb, int p0, int kc, int j0, int nc, int nr, float* dst)
    {
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            float* d = dst + (nint)jr * kc;
            if (!transB)
            {
                float* src = b + p0 * ldb + j0 + jr;
                for (int p = 0; p < kc; p++, src += ldb, d += nr)
                {
                    int j = 0;
                    for (; j + 8 <= cols; j += 8)
                    {
                        Vector256.Store(Vector256.Load(src + j), d + j);
                    }

                    for (; j < cols; j++)
                    {
                        d[j] = src[j];
                    }

                    for (; j < nr; j++)
                    {
                        d[j] = 0f;
                    }
                }
            }
            else
            {
                // B stored (N, K): row j holds op(B)[., j], contiguous in p.
                float* src = b + (j0 + jr) * ldb + p0;
                int fullJ = Avx.IsSupported ? cols - cols % 8 : 0;
                int fullP = kc - kc % 8;
                for (int j = 0; j < fullJ; j += 8)
                {
                    for (int p = 0; p < fullP; p += 8)
                    {
                        Transpose8x8(src + j * ldb + p, ldb, d + p * nr + j, nr);
                    }
                }

                for (int p = 0; p < kc; p++)
                {
                    int jStart = p < fullP ? fullJ : 0;
                    for (int j = jStart; j < cols; j++)
                    {
                        d[p * nr + j] = src[j * ldb + p];
                    }

                    for (int j = cols; j < nr; j++)
                    {
                        d[p * nr + j] = 0f;
                    }
                }
            }
        }
    }

    // dst[c * dstStride + r] = src[r * srcStride + c] for an 8 x 8 block.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* src, nint srcStride, float* dst, nint dstStride)
    {
        Vector256<float> r0 = Avx.LoadVector256(src), r1 = Avx.LoadVector256(src + srcStride);
        Vector256<float> r2 = Avx.LoadVector256(src + 2 * srcStride), r3 = Avx.LoadVector256(src + 3 * srcStride);
        Vector256<float> r4 = Avx.LoadVector256(src + 4 * srcStride), r5 = Avx.LoadVector256(src + 5 * srcStride);
        Vector256<float> r6 = Avx.LoadVector256(src + 6 * srcStride), r7 = Avx.LoadVector256(src + 7 * srcStride);
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(dst, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(dst + dstStride, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(dst + 2 * dstStride, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(dst + 3 * dstStride, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(dst + 4 * dstStride, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(dst + 5 * dstStride, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(dst + 6 * dstStride, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(dst + 7 * dstStride, Avx.Permute2x128(u3, u7, 0x31));
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    private static float[] Rent(ref float[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length)
        {
            buffer = GC.AllocateUninitializedArray<float>(Math.Max(length, 64), pinned: true);
        }

        return buffer;
    }

    // ---- Micro-kernels --------------------------------------------------------------------------------------

    // A micro-kernel: C[rows, NR] = alpha * Ap[rows, kc] * Bp[kc, NR] + beta * C, with rows <= MR.
    // Ap is packed [p][MR]; Bp is [p][NR] with row stride ldb (packed: NR; in place: the caller's ldb).
    private interface IKernel
    {
        static abstract int Mr { get; }

        static abstract int Nr { get; }

        static abstract void Tile(int rows, int kc, float* a, float* b, nint ldb, float* c, nint ldc, float alpha, float beta);
    }

    // Compile-time row counts: the JIT specialises each kernel per count and drops the unused accumulators.
    private interface IRows
    {
        static abstract int Value { get; }
    }

    private struct R1 : IRows { public static int Value => 1; }
    private struct R2 : IRows { public static int Value => 2; }
    private struct R3 : IRows { public static int Value => 3; }
    private struct R4 : IRows { public static int Value => 4; }
    private struct R5 : IRows { public static int Value => 5; }
    private struct R6 : IRows { public static int Value => 6; }
    private struct R7 : IRows { public static int Value => 7; }
    private struct R8 : IRows { public static int Value => 8; }

    private struct Avx512Kernel : IKernel
    {
        public static int Mr => 8;

        public static int Nr => 32;

        public static void Tile(int rows, int kc, float* a, float* b, nint ldb, float* c, nint ldc, float alpha, float beta)
        {
            switch (rows)
            {
                case 8: Tile512<R8>(kc, a, b, ldb, c, ldc, alpha, beta); break;
                case 7: Tile512<R7>(kc, a, b, ldb, c, ldc, alpha, beta); break;
                case 6: Tile512<R6>(kc, a, b, ldb, c, ldc, alpha, beta); break;
                case 5: Tile512<R5>(kc, a, b, ldb, c, ldc, alpha, beta); break;
                case 4: Tile512<R4>(kc, a, b, ldb, c, ldc, alpha, beta); break;
                case 3: Tile512<R3>(kc, a, b, ldb, c, ldc, alpha, beta); break;
                case 2: Tile512<R2>(kc, a, b, ldb, c, ldc, alpha, beta); break;
                default: Tile512<R1>(kc, a, b, ldb, c, ldc, alpha, beta); break;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile512<TRows>(int kc, float* a, float* b, nint ldb, float* c, nint ldc, float alpha, float beta)
        where TRows : struct, IRows
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default;
        for (int p = 0; p < kc; p++, a += 8, b += ldb)
        {
            Vector512<float> b0 = Vector512.Load(b), b1 = Vector512.Load(b + 16), x;
            x = Vector512.Create(a[0]); c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            if (TRows.Value > 1) { x = Vector512.Create(a[1]); c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11); }
            if (TRows.Value > 2) { x = Vector512.Create(a[2]); c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21); }
            if (TRows.Value > 3) { x = Vector512.Create(a[3]); c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31); }
            if (TRows.Value > 4) { x = Vector512.Create(a[4]); c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41); }
            if (TRows.Value > 5) { x = Vector512.Create(a[5]); c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51); }
            if (TRows.Value > 6) { x = Vector512.Create(a[6]); c60 = Vector512.FusedMultiplyAdd(x, b0, c60); c61 = Vector512.FusedMultiplyAdd(x, b1, c61); }
            if (TRows.Value > 7) { x = Vector512.Create(a[7]); c70 = Vector512.FusedMultiplyAdd(x, b0, c70); c71 = Vector512.FusedMultiplyAdd(x, b1, c71); }
        }

        Vector512<float> va = Vector512.Create(alpha), vb = Vector512.Create(beta);
        Store(c, c00, va, vb, beta); Store(c + 16, c01, va, vb, beta);
        if (TRows.Value > 1) { Store(c + ldc, c10, va, vb, beta); Store(c + ldc + 16, c11, va, vb, beta); }
        if (TRows.Value > 2) { Store(c + 2 * ldc, c20, va, vb, beta); Store(c + 2 * ldc + 16, c21, va, vb, beta); }
        if (TRows.Value > 3) { Store(c + 3 * ldc, c30, va, vb, beta); Store(c + 3 * ldc + 16, c31, va, vb, beta); }
        if (TRows.Value > 4) { Store(c + 4 * ldc, c40, va, vb, beta); Store(c + 4 * ldc + 16, c41, va, vb, beta); }
        if (TRows.Value > 5) { Store(c + 5 * ldc, c50, va, vb, beta); Store(c + 5 * ldc + 16, c51, va, vb, beta); }
        if (TRows.Value > 6) { Store(c + 6 * ldc, c60, va, vb, beta); Store(c + 6 * ldc + 16, c61, va, vb, beta); }
        if (TRows.Value > 7) { Store(c + 7 * ldc, c70, va, vb, beta); Store(c + 7 * ldc + 16, c71, va, vb, beta); }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector512<float> acc, Vector512<float> alpha, Vector512<float> betaV, float beta)
    {
        Vector512<float> old = beta == 0f ? Vector512<float>.Zero : Vector512.Load(c) * betaV;
        Vector512.Store(Vector512.FusedMultiplyAdd(acc, alpha, old), c);
    }

    private struct Avx2Kernel : IKernel
    {
        public static int Mr => 6;

        public static int Nr => 16;

        public static void Tile(int rows, int kc, float* a, float* b, nint ldb, float* c, nint ldc, float alpha, float beta)
        {
            switch (rows)
            {
                case 6: Tile256<R6>(kc, a, b, ldb, c, ldc, alpha, beta); break;
                case 5: Tile256<R5>(kc, a, b, ldb, c, ldc, alpha, beta); break;
                case 4: Tile256<R4>(kc, a, b, ldb, c, ldc, alpha, beta); break;
                case 3: Tile256<R3>(kc, a, b, ldb, c, ldc, alpha, beta); break;
                case 2: Tile256<R2>(kc, a, b, ldb, c, ldc, alpha, beta); break;
                default: Tile256<R1>(kc, a, b, ldb, c, ldc, alpha, beta); break;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile256<TRows>(int kc, float* a, float* b, nint ldb, float* c, nint ldc, float alpha, float beta)
        where TRows : struct, IRows
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++, a += 6, b += ldb)
        {
            Vector256<float> b0 = Vector256.Load(b), b1 = Vector256.Load(b + 8), x;
            x = Vector256.Create(a[0]); c00 = Vector256.FusedMultiplyAdd(x, b0, c00); c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            if (TRows.Value > 1) { x = Vector256.Create(a[1]); c10 = Vector256.FusedMultiplyAdd(x, b0, c10); c11 = Vector256.FusedMultiplyAdd(x, b1, c11); }
            if (TRows.Value > 2) { x = Vector256.Create(a[2]); c20 = Vector256.FusedMultiplyAdd(x, b0, c20); c21 = Vector256.FusedMultiplyAdd(x, b1, c21); }
            if (TRows.Value > 3) { x = Vector256.Create(a[3]); c30 = Vector256.FusedMultiplyAdd(x, b0, c30); c31 = Vector256.FusedMultiplyAdd(x, b1, c31); }
            if (TRows.Value > 4) { x = Vector256.Create(a[4]); c40 = Vector256.FusedMultiplyAdd(x, b0, c40); c41 = Vector256.FusedMultiplyAdd(x, b1, c41); }
            if (TRows.Value > 5) { x = Vector256.Create(a[5]); c50 = Vector256.FusedMultiplyAdd(x, b0, c50); c51 = Vector256.FusedMultiplyAdd(x, b1, c51); }
        }

        Vector256<float> va = Vector256.Create(alpha), vb = Vector256.Create(beta);
        Store(c, c00, va, vb, beta); Store(c + 8, c01, va, vb, beta);
        if (TRows.Value > 1) { Store(c + ldc, c10, va, vb, beta); Store(c + ldc + 8, c11, va, vb, beta); }
        if (TRows.Value > 2) { Store(c + 2 * ldc, c20, va, vb, beta); Store(c + 2 * ldc + 8, c21, va, vb, beta); }
        if (TRows.Value > 3) { Store(c + 3 * ldc, c30, va, vb, beta); Store(c + 3 * ldc + 8, c31, va, vb, beta); }
        if (TRows.Value > 4) { Store(c + 4 * ldc, c40, va, vb, beta); Store(c + 4 * ldc + 8, c41, va, vb, beta); }
        if (TRows.Value > 5) { Store(c + 5 * ldc, c50, va, vb, beta); Store(c + 5 * ldc + 8, c51, va, vb, beta); }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector256<float> acc, Vector256<float> alpha, Vector256<float> betaV, float beta)
    {
        Vector256<float> old = beta == 0f ? Vector256<float>.Zero : Vector256.Load(c) * betaV;
        Vector256.Store(Vector256.FusedMultiplyAdd(acc, alpha, old), c);
    }

    // ---- Matrix-vector shapes and the scalar fallback ----------------------------------------------------------

    // Copies op(X)[r, p] = x[r * rowStride + p * inc] for r < rows, p < k into a contiguous (rows, k) buffer.
    private static float* Gather(float* x, nint inc, int rows, nint rowStride, int k)
    {
        if (inc == 1 && (rows == 1 || rowStride == k))
        {
            return x;
        }

        float[] buffer = Rent(ref s_vector, rows * k);
        float* d = (float*)Unsafe.AsPointer(ref buffer[0]); // pinned: GC.AllocateUninitializedArray(pinned: true)
        for (int r = 0; r < rows; r++)
        {
            for (int p = 0; p < k; p++)
            {
                d[r * k + p] = x[r * rowStride + p * inc];
            }
        }

        return d;
    }

    // C[i * ldc + j * incc] = alpha * dot(x row i, y row j) + beta * C[...] for i < m, j < n; rows have length k.
    private static void Dots(int m, int n, int k, float alpha, float* x, nint ldx, float* y, nint ldy,
        float beta, float* c, nint ldc, nint incc)
    {
        int j = 0;
        if (Vector512.IsHardwareAccelerated && Sse3.IsSupported)
        {
            for (; j + 4 <= n; j += 4)
            {
                for (int i = 0; i < m; i += 4)
                {
                    float* xi = x + i * ldx, yj = y + j * ldy, cij = c + i * ldc + j * incc;
                    switch (Math.Min(4, m - i))
                    {
                        case 4: DotTile<R4>(k, xi, ldx, yj, ldy, alpha, beta, cij, ldc, incc); break;
                        case 3: DotTile<R3>(k, xi, ldx, yj, ldy, alpha, beta, cij, ldc, incc); break;
                        case 2: DotTile<R2>(k, xi, ldx, yj, ldy, alpha, beta, cij, ldc, incc); break;
                        default: DotTile<R1>(k, xi, ldx, yj, ldy, alpha, beta, cij, ldc, incc); break;
                    }
                }
            }
        }

        for (; j < n; j++)
        {
            for (int i = 0; i < m; i++)
            {
                float dot = TensorPrimitives.Dot(new ReadOnlySpan<float>(x + i * ldx, k), new ReadOnlySpan<float>(y + j * ldy, k));
                float* cij = c + i * ldc + j * incc;
                *cij = alpha * dot + (beta == 0f ? 0f : beta * *cij);
            }
        }
    }

    // The dots of TRows rows of x with 4 rows of y, 16 lanes of p at a time; C tile (TRows, 4).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotTile<TRows>(int k, float* x, nint ldx, float* y, nint ldy, float alpha, float beta,
        float* c, nint ldc, nint incc)
        where TRows : struct, IRows
    {
        Vector512<float> s00 = default, s01 = default, s02 = default, s03 = default, s10 = default, s11 = default;
        Vector512<float> s12 = default, s13 = default, s20 = default, s21 = default, s22 = default, s23 = default;
        Vector512<float> s30 = default, s31 = default, s32 = default, s33 = default;
        float* y1 = y + ldy, y2 = y1 + ldy, y3 = y2 + ldy;
        int p = 0;
        if (TRows.Value == 1)
        {
            // One row of x leaves accumulators free: odd chunks go to s1*, doubling the independent FMA chains.
            for (; p + 32 <= k; p += 32)
            {
                Vector512<float> v = Vector512.Load(x + p), w = Vector512.Load(x + p + 16);
                s00 = Vector512.FusedMultiplyAdd(v, Vector512.Load(y + p), s00); s10 = Vector512.FusedMultiplyAdd(w, Vector512.Load(y + p + 16), s10);
                s01 = Vector512.FusedMultiplyAdd(v, Vector512.Load(y1 + p), s01); s11 = Vector512.FusedMultiplyAdd(w, Vector512.Load(y1 + p + 16), s11);
                s02 = Vector512.FusedMultiplyAdd(v, Vector512.Load(y2 + p), s02); s12 = Vector512.FusedMultiplyAdd(w, Vector512.Load(y2 + p + 16), s12);
                s03 = Vector512.FusedMultiplyAdd(v, Vector512.Load(y3 + p), s03); s13 = Vector512.FusedMultiplyAdd(w, Vector512.Load(y3 + p + 16), s13);
            }

            s00 += s10; s01 += s11; s02 += s12; s03 += s13;
        }

        for (; p + 16 <= k; p += 16)
        {
            Vector512<float> b0 = Vector512.Load(y + p), b1 = Vector512.Load(y1 + p), b2 = Vector512.Load(y2 + p), b3 = Vector512.Load(y3 + p);
            Vector512<float> v = Vector512.Load(x + p);
            s00 = Vector512.FusedMultiplyAdd(v, b0, s00); s01 = Vector512.FusedMultiplyAdd(v, b1, s01);
            s02 = Vector512.FusedMultiplyAdd(v, b2, s02); s03 = Vector512.FusedMultiplyAdd(v, b3, s03);
            if (TRows.Value > 1)
            {
                v = Vector512.Load(x + ldx + p);
                s10 = Vector512.FusedMultiplyAdd(v, b0, s10); s11 = Vector512.FusedMultiplyAdd(v, b1, s11);
                s12 = Vector512.FusedMultiplyAdd(v, b2, s12); s13 = Vector512.FusedMultiplyAdd(v, b3, s13);
            }

            if (TRows.Value > 2)
            {
                v = Vector512.Load(x + 2 * ldx + p);
                s20 = Vector512.FusedMultiplyAdd(v, b0, s20); s21 = Vector512.FusedMultiplyAdd(v, b1, s21);
                s22 = Vector512.FusedMultiplyAdd(v, b2, s22); s23 = Vector512.FusedMultiplyAdd(v, b3, s23);
            }

            if (TRows.Value > 3)
            {
                v = Vector512.Load(x + 3 * ldx + p);
                s30 = Vector512.FusedMultiplyAdd(v, b0, s30); s31 = Vector512.FusedMultiplyAdd(v, b1, s31);
                s32 = Vector512.FusedMultiplyAdd(v, b2, s32); s33 = Vector512.FusedMultiplyAdd(v, b3, s33);
            }
        }

        // Reduce every accumulator before the first call, so none of them has to survive (be spilled across) a call.
        Vector128<float> r0 = Reduce(s00, s01, s02, s03), r1 = Reduce(s10, s11, s12, s13);
        Vector128<float> r2 = Reduce(s20, s21, s22, s23), r3 = Reduce(s30, s31, s32, s33);
        DotStore(r0, k, p, x, y, ldy, alpha, beta, c, incc);
        if (TRows.Value > 1) { DotStore(r1, k, p, x + ldx, y, ldy, alpha, beta, c + ldc, incc); }
        if (TRows.Value > 2) { DotStore(r2, k, p, x + 2 * ldx, y, ldy, alpha, beta, c + 2 * ldc, incc); }
        if (TRows.Value > 3) { DotStore(r3, k, p, x + 3 * ldx, y, ldy, alpha, beta, c + 3 * ldc, incc); }
    }

    // (sum a, sum b, sum c, sum d) over the 16 lanes of each.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Reduce(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d)
    {
        return Sse3.HorizontalAdd(Sse3.HorizontalAdd(Fold(a), Fold(b)), Sse3.HorizontalAdd(Fold(c), Fold(d)));

        static Vector128<float> Fold(Vector512<float> v)
        {
            Vector256<float> h = v.GetLower() + v.GetUpper();
            return h.GetLower() + h.GetUpper();
        }
    }

    // Adds the tail p..k of four dots of x with rows of y, then C[0, e * incc] = alpha * dot_e + beta * C[...], e < 4.
    private static void DotStore(Vector128<float> sums, int k, int p, float* x, float* y, nint ldy, float alpha, float beta, float* c, nint incc)
    {
        if (p < k)
        {
            float t0 = 0f, t1 = 0f, t2 = 0f, t3 = 0f;
            for (; p < k; p++)
            {
                t0 += x[p] * y[p]; t1 += x[p] * y[ldy + p]; t2 += x[p] * y[2 * ldy + p]; t3 += x[p] * y[3 * ldy + p];
            }

            sums += Vector128.Create(t0, t1, t2, t3);
        }

        if (incc == 1)
        {
            Vector128<float> old = beta == 0f ? Vector128<float>.Zero : Vector128.Load(c) * beta;
            Vector128.Store(sums * alpha + old, c);
            return;
        }

        for (int e = 0; e < 4; e++)
        {
            c[e * incc] = alpha * sums[e] + (beta == 0f ? 0f : beta * c[e * incc]);
        }
    }

    // y[r * ldy + j * incy] = alpha * sum_p x[r * ldx + p * incx] * mat[p, j] + beta * y[...] for r < rows (1..4), j < n;
    // mat is (k, n) with row stride ld. Needs Vector512.
    private static void RowsTimesMatrix(int rows, float* x, nint ldx, nint incx, int k, float* mat, nint ld, int n,
        float* y, nint ldy, nint incy, float alpha, float beta)
    {
        switch (rows)
        {
            case 4: RowsTimesMatrix<R4>(x, ldx, incx, k, mat, ld, n, y, ldy, incy, alpha, beta); break;
            case 3: RowsTimesMatrix<R3>(x, ldx, incx, k, mat, ld, n, y, ldy, incy, alpha, beta); break;
            case 2: RowsTimesMatrix<R2>(x, ldx, incx, k, mat, ld, n, y, ldy, incy, alpha, beta); break;
            default: RowsTimesMatrix<R1>(x, ldx, incx, k, mat, ld, n, y, ldy, incy, alpha, beta); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowsTimesMatrix<TRows>(float* x, nint ldx, nint incx, int k, float* mat, nint ld, int n,
        float* y, nint ldy, nint incy, float alpha, float beta)
        where TRows : struct, IRows
    {
        float* spill = stackalloc float[4 * 64];
        int j = 0;
        for (; j + 64 <= n; j += 64)
        {
            Vector512<float> s00 = default, s01 = default, s02 = default, s03 = default, s10 = default, s11 = default;
            Vector512<float> s12 = default, s13 = default, s20 = default, s21 = default, s22 = default, s23 = default;
            Vector512<float> s30 = default, s31 = default, s32 = default, s33 = default;
            float* row = mat + j, xp = x;
            for (int p = 0; p < k; p++, row += ld, xp += incx)
            {
                Vector512<float> b0 = Vector512.Load(row), b1 = Vector512.Load(row + 16), b2 = Vector512.Load(row + 32), b3 = Vector512.Load(row + 48);
                Vector512<float> v = Vector512.Create(xp[0]);
                s00 = Vector512.FusedMultiplyAdd(v, b0, s00); s01 = Vector512.FusedMultiplyAdd(v, b1, s01);
                s02 = Vector512.FusedMultiplyAdd(v, b2, s02); s03 = Vector512.FusedMultiplyAdd(v, b3, s03);
                if (TRows.Value > 1)
                {
                    v = Vector512.Create(xp[ldx]);
                    s10 = Vector512.FusedMultiplyAdd(v, b0, s10); s11 = Vector512.FusedMultiplyAdd(v, b1, s11);
                    s12 = Vector512.FusedMultiplyAdd(v, b2, s12); s13 = Vector512.FusedMultiplyAdd(v, b3, s13);
                }

                if (TRows.Value > 2)
                {
                    v = Vector512.Create(xp[2 * ldx]);
                    s20 = Vector512.FusedMultiplyAdd(v, b0, s20); s21 = Vector512.FusedMultiplyAdd(v, b1, s21);
                    s22 = Vector512.FusedMultiplyAdd(v, b2, s22); s23 = Vector512.FusedMultiplyAdd(v, b3, s23);
                }

                if (TRows.Value > 3)
                {
                    v = Vector512.Create(xp[3 * ldx]);
                    s30 = Vector512.FusedMultiplyAdd(v, b0, s30); s31 = Vector512.FusedMultiplyAdd(v, b1, s31);
                    s32 = Vector512.FusedMultiplyAdd(v, b2, s32); s33 = Vector512.FusedMultiplyAdd(v, b3, s33);
                }
            }

            s00.Store(spill); s01.Store(spill + 16); s02.Store(spill + 32); s03.Store(spill + 48);
            s10.Store(spill + 64); s11.Store(spill + 80); s12.Store(spill + 96); s13.Store(spill + 112);
            s20.Store(spill + 128); s21.Store(spill + 144); s22.Store(spill + 160); s23.Store(spill + 176);
            s30.Store(spill + 192); s31.Store(spill + 208); s32.Store(spill + 224); s33.Store(spill + 240);
            for (int r = 0; r < TRows.Value; r++)
            {
                Update(spill + r * 64, 64, y + r * ldy + j * incy, incy, alpha, beta);
            }
        }

        for (int r = 0; j < n && r < TRows.Value; r++)
        {
            VectorTimesMatrix(x + r * ldx, incx, k, mat + j, ld, n - j, y + r * ldy + j * incy, incy, alpha, beta);
        }
    }

    // y[j * incy] = alpha * sum_p x[p * incx] * mat[p, j] + beta * y[j * incy] for j < n; mat is (k, n), row stride ld.
    private static void VectorTimesMatrix(float* x, nint incx, int k, float* mat, nint ld, int n, float* y, nint incy, float alpha, float beta)
    {
        int j = 0;
        float* spill = stackalloc float[32];
        if (Vector256.IsHardwareAccelerated && Fma.IsSupported)
        {
            for (; j + 32 <= n; j += 32)
            {
                Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
                float* row = mat + j;
                for (int p = 0; p < k; p++, row += ld)
                {
                    var xp = Vector256.Create(x[p * incx]);
                    s0 = Vector256.FusedMultiplyAdd(xp, Vector256.Load(row), s0);
                    s1 = Vector256.FusedMultiplyAdd(xp, Vector256.Load(row + 8), s1);
                    s2 = Vector256.FusedMultiplyAdd(xp, Vector256.Load(row + 16), s2);
                    s3 = Vector256.FusedMultiplyAdd(xp, Vector256.Load(row + 24), s3);
                }

                s0.Store(spill); s1.Store(spill + 8); s2.Store(spill + 16); s3.Store(spill + 24);
                Update(spill, 32, y + j * incy, incy, alpha, beta);
            }
        }

        for (; j < n; j++)
        {
            float sum = 0f;
            for (int p = 0; p < k; p++)
            {
                sum += x[p * incx] * mat[p * ld + j];
            }

            float* yj = y + j * incy;
            *yj = alpha * sum + (beta == 0f ? 0f : beta * *yj);
        }
    }

    // y[e * incy] = alpha * sums[e] + beta * y[e * incy] for e < count (beta == 0: y is not read).
    private static void Update(float* sums, int count, float* y, nint incy, float alpha, float beta)
    {
        for (int e = 0; e < count; e++, y += incy)
        {
            *y = alpha * sums[e] + (beta == 0f ? 0f : beta * *y);
        }
    }

    // No SIMD FMA: C = beta * C, then C += (alpha * op(A)[i, p]) * op(B)[p, .] row by row.
    private static void Scalar(bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, nint lda, float* b, nint ldb, float beta, float* c, nint ldc)
    {
        for (int i = 0; i < m; i++)
        {
            float* ci = c + i * ldc;
            for (int j = 0; j < n; j++)
            {
                ci[j] = beta == 0f ? 0f : beta * ci[j];
            }

            for (int p = 0; p < k; p++)
            {
                float aip = alpha * (transA ? a[p * lda + i] : a[i * lda + p]);
                for (int j = 0; j < n; j++)
                {
                    ci[j] += aip * (transB ? b[j * ldb + p] : b[p * ldb + j]);
                }
            }
        }
    }
}
