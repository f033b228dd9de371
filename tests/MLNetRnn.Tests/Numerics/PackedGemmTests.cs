using MLNetRnn.Numerics;
using MLNetRnn.Tests.TestSupport;

namespace MLNetRnn.Tests.Numerics;

/// <summary>
/// <see cref="Gemm.MultiplyPacked"/> (op(B) packed once, <see cref="ManagedGemm.Pack"/>) against the managed kernel's own
/// product of the same operands, which packs B on every call: the same bits, whole or in column halves, at any thread count.
/// </summary>
public sealed class PackedGemmTests
{
    [Theory]
    [InlineData(true, 20, 1024, 256)]   // a decoder step: h (R, Hd) · W_hhᵀ
    [InlineData(true, 9, 73, 256)]      // the head: an edge panel (73 = 4·16 + 9)
    [InlineData(true, 150, 96, 300)]    // more rows than one packed block of A (144), depth over one block (256)
    [InlineData(false, 33, 2100, 70)]   // B (K, N) not transposed, more columns than one column block (2048)
    [InlineData(true, 320, 1024, 256)]  // large enough to run as column halves
    public void MultiplyPacked_EqualsTheBlockedProduct(bool transposeB, int m, int n, int k)
    {
        var random = new SeededRandom(20241129);
        var a = new float[m * k];
        var b = new float[k * n];
        var c0 = new float[m * n];
        random.FillUniform(a, -1, 1);
        random.FillUniform(b, -1, 1);
        random.FillUniform(c0, -1, 1);
        int ldb = transposeB ? k : n;
        var packed = ManagedGemm.Pack(transposeB, b, ldb, k, n);
        foreach (var (alpha, beta) in new[] { (1f, 0f), (0.5f, 1f), (1f, -2f) })
        {
            float[] expected = (float[])c0.Clone();
            ManagedGemm.Multiply(false, transposeB, m, n, k, alpha, a, k, b, ldb, beta, expected, n);
            foreach (int threads in new[] { 1, 2 })
            {
                float[] actual = (float[])c0.Clone();
                EngineThreadCount.With(threads, () => Gemm.MultiplyPacked(m, alpha, a, k, packed, beta, actual, n));

                Assert.True(expected.AsSpan().SequenceEqual(actual), $"alpha {alpha}, beta {beta}, {threads} thread(s): first difference at {Difference(expected, actual)}");
            }
        }
    }

    [Fact]
    public void MultiplyPacked_ChecksTheSpans()
    {
        var packed = ManagedGemm.Pack(true, new float[12], 3, 3, 4); // op(B) (3, 4)
        var error = Assert.Throws<ArgumentException>(() => Gemm.MultiplyPacked(2, 1f, new float[5], 3, packed, 0f, new float[8], 4));
        Assert.Contains("a", error.ParamName);
        Assert.Throws<ArgumentException>(() => Gemm.MultiplyPacked(2, 1f, new float[6], 3, packed, 0f, new float[7], 4));
    }

    private static int Difference(float[] expected, float[] actual) => expected.AsSpan().CommonPrefixLength(actual);
}
