// Shapes: op(A) is (M, K), op(B) is (K, N), C is (M, N); all row-major.
// A is stored (M, K) with row stride lda, or (K, M) when transposed; B likewise (K, N) or (N, K).
namespace MLNetRnn.Numerics;

/// <summary>
/// The plain triple-loop GEMM with double accumulation: the oracle the fast kernels are tested against.
/// </summary>
internal static class ReferenceGemm
{
    /// <summary>
    /// C = alpha * op(A) * op(B) + beta * C. Arguments are assumed valid (see <see cref="Gemm.Multiply"/>).
    /// beta == 0 overwrites C without reading it; alpha == 0 or k == 0 leaves only beta * C (BLAS semantics).
    /// </summary>
    public static void Multiply(bool transposeA, bool transposeB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                if (alpha != 0f)
                {
                    for (int p = 0; p < k; p++)
                    {
                        float aip = transposeA ? a[p * lda + i] : a[i * lda + p];
                        float bpj = transposeB ? b[j * ldb + p] : b[p * ldb + j];
                        sum += (double)aip * bpj;
                    }
                }

                ref float cij = ref c[i * ldc + j];
                double scaled = beta == 0f ? 0.0 : (double)beta * cij;
                cij = (float)((double)alpha * sum + scaled);
            }
        }
    }
}
