using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MLNetRnn.Numerics;

// Packing of A and B panels for the blocked driver (see ManagedGemm.cs).
internal static unsafe partial class ManagedGemm
{
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
}
