using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MLNetRnn.Numerics;

// Matrix-vector and few-row shapes, and the scalar fallback without SIMD FMA.
internal static unsafe partial class ManagedGemm
{
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
