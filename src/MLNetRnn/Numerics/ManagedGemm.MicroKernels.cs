using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MLNetRnn.Numerics;

// The register-blocked FMA micro-kernels (Vector512 8x32, Vector256 6x16).
internal static unsafe partial class ManagedGemm
{
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
}
