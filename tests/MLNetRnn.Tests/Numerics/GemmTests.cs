// Shapes: op(A) is (M, K), op(B) is (K, N), C is (M, N); all row-major.
// Every product is checked element-wise against ReferenceGemm (double accumulation) with the tolerance
// |actual - expected| <= 1e-4 * (|alpha| * sum_p |op(A)[i, p]| * |op(B)[p, j]| + |beta * C_old[i, j]|) + 1e-30.
using MLNetRnn.Numerics;
using MLNetRnn.Tests.TestSupport;

namespace MLNetRnn.Tests.Numerics;

public sealed class GemmTests
{
    private const int Seed = 20240501;

    private delegate void GemmFunction(bool transposeA, bool transposeB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc);

    // (m, n, k): vectors (m or n = 1), odd sizes, few rows (dot and in-place-B paths), tile edges (MR 8, NR 32),
    // and sizes crossing the cache blocks (KC 256, MC 144, NC 2048).
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 1, 1, 1 }, { 1, 7, 13 }, { 7, 1, 13 }, { 1, 67, 129 }, { 67, 1, 129 }, { 1, 130, 300 }, { 300, 1, 33 },
        { 2, 33, 7 }, { 3, 40, 16 }, { 4, 5, 3 }, { 5, 64, 17 }, { 8, 32, 16 }, { 9, 33, 33 }, { 13, 67, 129 },
        { 33, 13, 7 }, { 64, 96, 31 }, { 65, 129, 67 }, { 7, 13, 257 }, { 129, 67, 260 }, { 150, 70, 300 },
        { 70, 2049, 9 }, { 2, 2, 1 }, { 16, 512, 64 }, { 2, 200, 40 }, { 3, 130, 20 }, { 4, 64, 5 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Managed_MatchesReference_AllTransposeCombos(int m, int n, int k)
    {
        var random = new Random(Seed);
        (float Alpha, float Beta)[] scales = [(1f, 0f), (0.5f, 1f), (-1.25f, 0.75f)];
        int combo = 0;
        foreach (bool transposeA in new[] { false, true })
        {
            foreach (bool transposeB in new[] { false, true })
            {
                (float alpha, float beta) = scales[combo++ % scales.Length];
                CheckAgainstReference(ManagedGemm.Multiply, random, transposeA, transposeB, m, n, k, alpha, beta, padding: 0);
            }
        }
    }

    [Theory]
    [InlineData(1, 37, 19)]
    [InlineData(37, 1, 19)]
    [InlineData(6, 45, 21)]
    [InlineData(40, 45, 21)]
    [InlineData(100, 45, 300)]
    public void Managed_LeadingDimensionsLargerThanMinimum_MatchesReferenceAndLeavesPadding(int m, int n, int k)
    {
        var random = new Random(Seed);
        foreach (bool transposeA in new[] { false, true })
        {
            foreach (bool transposeB in new[] { false, true })
            {
                CheckAgainstReference(ManagedGemm.Multiply, random, transposeA, transposeB, m, n, k, 0.7f, -0.3f, padding: 5);
            }
        }
    }

    [Theory]
    [InlineData(1, 50, 20)]
    [InlineData(50, 1, 20)]
    [InlineData(4, 50, 20)]
    [InlineData(20, 50, 20)]
    [InlineData(150, 50, 20)]
    public void Managed_BetaZero_OverwritesNaNInC(int m, int n, int k)
    {
        var random = new Random(Seed);
        foreach (bool transposeA in new[] { false, true })
        {
            foreach (bool transposeB in new[] { false, true })
            {
                float[] a = RandomArray(random, m * k), b = RandomArray(random, k * n);
                float[] c = Enumerable.Repeat(float.NaN, m * n).ToArray();
                ManagedGemm.Multiply(transposeA, transposeB, m, n, k, 1f, a, transposeA ? m : k, b, transposeB ? k : n, 0f, c, n);
                Assert.All(c, value => Assert.True(float.IsFinite(value), $"NaN survived beta = 0 ({m}, {n}, {k}, tA={transposeA}, tB={transposeB})"));
            }
        }
    }

    [Fact]
    public void Managed_KZero_ScalesC()
    {
        float[] c = [1f, 2f, 3f, 4f, 5f, 6f];
        ManagedGemm.Multiply(false, false, 2, 3, 0, 2f, [], 0, [], 3, 0.5f, c, 3);
        Assert.Equal([0.5f, 1f, 1.5f, 2f, 2.5f, 3f], c);

        float[] nan = [float.NaN, float.NaN];
        ManagedGemm.Multiply(true, true, 1, 2, 0, 1f, [], 1, [], 0, 0f, nan, 2);
        Assert.Equal([0f, 0f], nan);
    }

    [Fact]
    public void Managed_AlphaZero_DoesNotReadAOrB()
    {
        float[] a = Enumerable.Repeat(float.NaN, 12).ToArray(), b = Enumerable.Repeat(float.NaN, 12).ToArray();
        float[] c = [1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f];
        ManagedGemm.Multiply(false, false, 3, 3, 4, 0f, a, 4, b, 3, 2f, c, 3);
        Assert.Equal([2f, 4f, 6f, 8f, 10f, 12f, 14f, 16f, 18f], c);
    }

    [Fact]
    public void Managed_HandComputedProduct()
    {
        // [1 2; 3 4] * [5 6; 7 8] = [19 22; 43 50]
        float[] c = new float[4];
        ManagedGemm.Multiply(false, false, 2, 2, 2, 1f, [1f, 2f, 3f, 4f], 2, [5f, 6f, 7f, 8f], 2, 0f, c, 2);
        Assert.Equal([19f, 22f, 43f, 50f], c);
    }

    [Fact]
    public void Managed_RepeatedCalls_GiveIdenticalResults()
    {
        var random = new Random(Seed);
        float[] a = RandomArray(random, 70 * 90), b = RandomArray(random, 90 * 300);
        float[] first = new float[70 * 300], second = new float[70 * 300];
        ManagedGemm.Multiply(false, true, 70, 300, 90, 1f, a, 90, b, 90, 0f, first, 300);
        ManagedGemm.Multiply(false, true, 70, 300, 90, 1f, a, 90, b, 90, 0f, second, 300);
        Assert.Equal(first, second);
    }

    [Fact]
    public void Managed_SteadyState_DoesNotAllocate()
    {
        var random = new Random(Seed);
        float[] a = RandomArray(random, 300 * 300), b = RandomArray(random, 300 * 300), c = new float[300 * 300];
        int[][] shapes = [[1, 300, 300], [3, 300, 300], [6, 300, 300], [300, 1, 300], [40, 300, 300], [300, 300, 300]];
        void RunAll()
        {
            foreach (int[] s in shapes)
            {
                for (int combo = 0; combo < 4; combo++)
                {
                    ManagedGemm.Multiply(combo % 2 == 1, combo / 2 == 1, s[0], s[1], s[2], 1f, a, 300, b, 300, 0f, c, 300);
                }
            }
        }

        Assert.Equal(0, TestData.SteadyStateAllocation(RunAll));
    }

    [Fact]
    public void Multiply_CurrentProvider_MatchesReference()
    {
        var random = new Random(Seed);
        CheckAgainstReference(Gemm.Multiply, random, false, true, 32, 96, 40, 1f, 0.5f, padding: 1);
        CheckAgainstReference(Gemm.Multiply, random, true, false, 1, 7, 3, 2f, 0f, padding: 0);
    }

    [OpenBlasFact]
    public void OpenBlas_MatchesReference()
    {
        var random = new Random(Seed);
        int[][] shapes = [[1, 1, 1], [1, 67, 129], [67, 1, 129], [13, 67, 129], [65, 129, 67], [150, 70, 300]];
        foreach (int[] s in shapes)
        {
            foreach (bool transposeA in new[] { false, true })
            {
                foreach (bool transposeB in new[] { false, true })
                {
                    CheckAgainstReference(OpenBlasGemm.Multiply, random, transposeA, transposeB, s[0], s[1], s[2], 0.5f, 1f, padding: 2);
                }
            }
        }
    }

    [OpenBlasFact]
    public void OpenBlas_AgreesWithManaged_AndOverwritesNaNWhenBetaIsZero()
    {
        var random = new Random(Seed);
        float[] a = RandomArray(random, 40 * 33), b = RandomArray(random, 33 * 50);
        float[] managed = new float[40 * 50], blas = Enumerable.Repeat(float.NaN, 40 * 50).ToArray();
        ManagedGemm.Multiply(false, false, 40, 50, 33, 1f, a, 33, b, 50, 0f, managed, 50);
        OpenBlasGemm.Multiply(false, false, 40, 50, 33, 1f, a, 33, b, 50, 0f, blas, 50);
        for (int i = 0; i < managed.Length; i++)
        {
            Assert.True(Math.Abs(managed[i] - blas[i]) <= 1e-4f * 33, $"element {i}: managed {managed[i]}, OpenBLAS {blas[i]}");
        }
    }

    [Theory]
    [InlineData(-1, 2, 2, "m")]
    [InlineData(2, -1, 2, "n")]
    [InlineData(2, 2, -1, "k")]
    public void Multiply_ThrowsForNegativeSize(int m, int n, int k, string name)
    {
        float[] buffer = new float[16];
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(false, false, m, n, k, 1f, buffer, 2, buffer, 2, 0f, new float[16], 2));
        Assert.Equal(name, error.ParamName);
        Assert.Contains("-1", error.Message);
    }

    // op(A) (3, 4), op(B) (4, 5), C (3, 5); the minimum strides are lda 4 (3 transposed), ldb 5 (4 transposed), ldc 5.
    [Theory]
    [InlineData(false, false, 3, 5, 5, "lda")]
    [InlineData(true, false, 2, 5, 5, "lda")]
    [InlineData(false, false, 4, 4, 5, "ldb")]
    [InlineData(false, true, 4, 3, 5, "ldb")]
    [InlineData(false, false, 4, 5, 4, "ldc")]
    public void Multiply_ThrowsForLeadingDimensionTooSmall(bool transposeA, bool transposeB, int lda, int ldb, int ldc, string name)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Gemm.Multiply(transposeA, transposeB, 3, 5, 4, 1f, new float[64], lda, new float[64], ldb, 0f, new float[64], ldc));
        Assert.Equal(name, error.ParamName);
        Assert.Contains("must be at least", error.Message);
    }

    [Theory]
    [InlineData(11, 20, 15, "a", "needs 12 elements, got 11")]
    [InlineData(12, 19, 15, "b", "needs 20 elements, got 19")]
    [InlineData(12, 20, 14, "c", "needs 15 elements, got 14")]
    public void Multiply_ThrowsForShortSpan(int aLength, int bLength, int cLength, string name, string detail)
    {
        // op(A) (3, 4), op(B) (4, 5), C (3, 5).
        var error = Assert.Throws<ArgumentException>(() =>
            Gemm.Multiply(false, false, 3, 5, 4, 1f, new float[aLength], 4, new float[bLength], 5, 0f, new float[cLength], 5));
        Assert.Equal(name, error.ParamName);
        Assert.Contains(detail, error.Message);
    }

    [Fact]
    public void Multiply_ThrowsWhenCOverlapsA()
    {
        float[] buffer = new float[32];
        var error = Assert.Throws<ArgumentException>(() =>
            Gemm.Multiply(false, false, 2, 2, 2, 1f, buffer.AsSpan(0, 4), 2, new float[4], 2, 0f, buffer.AsSpan(2, 4), 2));
        Assert.Equal("c", error.ParamName);
    }

    [Fact]
    public void Multiply_AllowsCInTheSameBufferBeyondWhatAReads()
    {
        // A = [1 2; 3 4] in buffer[0..4], B = I in buffer[4..8], C in buffer[8..12]; a and b are passed to the end of the buffer.
        float[] buffer = [1f, 2f, 3f, 4f, 1f, 0f, 0f, 1f, 9f, 9f, 9f, 9f];
        Gemm.Multiply(false, false, 2, 2, 2, 1f, buffer, 2, buffer.AsSpan(4), 2, 0f, buffer.AsSpan(8), 2);
        Assert.Equal([1f, 2f, 3f, 4f], buffer[8..]);
    }

    [Fact]
    public void Multiply_EmptyShapes_DoNothing()
    {
        float[] c = [7f];
        Gemm.Multiply(false, false, 0, 3, 2, 1f, [], 2, new float[6], 3, 0f, c, 3);
        Gemm.Multiply(true, true, 3, 0, 2, 1f, new float[6], 3, [], 2, 0f, c, 0);
        Assert.Equal([7f], c);
    }

    [Theory]
    [InlineData(null, true, GemmProvider.OpenBlas)]
    [InlineData(null, false, GemmProvider.Managed)]
    [InlineData("", true, GemmProvider.OpenBlas)]
    [InlineData("  ", false, GemmProvider.Managed)]
    [InlineData("managed", true, GemmProvider.Managed)]
    [InlineData(" Managed ", false, GemmProvider.Managed)]
    [InlineData("openblas", true, GemmProvider.OpenBlas)]
    [InlineData("OpenBLAS", true, GemmProvider.OpenBlas)]
    public void ParseProviderSetting_MapsValues(string? value, bool available, GemmProvider expected)
    {
        Assert.Equal(expected, Gemm.ParseProviderSetting(value, () => available));
    }

    [Theory]
    [InlineData(null, true, GemmProvider.Managed)]   // AVX-512: the managed kernel is the faster one
    [InlineData("openblas", true, GemmProvider.OpenBlas)] // forcing still works
    [InlineData(null, false, GemmProvider.Managed)]
    public void ParseProviderSetting_PrefersManagedWhenItIsFastest(string? value, bool available, GemmProvider expected)
    {
        Assert.Equal(expected, Gemm.ParseProviderSetting(value, () => available, managedIsFastest: true));
    }

    [Fact]
    public void ParseProviderSetting_ThrowsWhenOpenBlasForcedButMissing()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Gemm.ParseProviderSetting("openblas", () => false));
        Assert.Contains("MLNETRNN_GEMM", error.Message);
        Assert.Contains("libopenblas0-pthread", error.Message);
        Assert.Contains("unset", error.Message);
    }

    [Fact]
    public void ParseProviderSetting_ThrowsForUnknownValue()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Gemm.ParseProviderSetting("mkl", () => true));
        Assert.Contains("'mkl'", error.Message);
        Assert.Contains("'managed'", error.Message);
        Assert.Contains("'openblas'", error.Message);
    }

    [Theory]
    [InlineData(null, 1)]
    [InlineData("", 1)]
    [InlineData("4", 4)]
    [InlineData(" 2 ", 2)]
    public void ParseThreadSetting_MapsValues(string? value, int expected)
    {
        Assert.Equal(expected, OpenBlasGemm.ParseThreadSetting(value));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("many")]
    public void ParseThreadSetting_ThrowsForInvalidValue(string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => OpenBlasGemm.ParseThreadSetting(value));
        Assert.Contains("MLNETRNN_BLAS_THREADS", error.Message);
        Assert.Contains($"'{value}'", error.Message);
    }

    [Fact]
    public void Provider_Setter_RejectsUndefinedValue()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Provider = (GemmProvider)42);
    }

    [Fact]
    public void Provider_Setter_OpenBlasRequiresTheLibrary()
    {
        GemmProvider original = Gemm.Provider;
        try
        {
            if (Gemm.IsOpenBlasAvailable)
            {
                Gemm.Provider = GemmProvider.OpenBlas;
                Assert.Equal(GemmProvider.OpenBlas, Gemm.Provider);
            }
            else
            {
                var error = Assert.Throws<InvalidOperationException>(() => Gemm.Provider = GemmProvider.OpenBlas);
                Assert.Contains("libopenblas0-pthread", error.Message);
            }
        }
        finally
        {
            Gemm.Provider = original;
        }
    }

    // Runs gemm on random padded matrices (each ld = minimum + padding) and compares it with ReferenceGemm;
    // C's padding columns hold a sentinel that must survive.
    private static void CheckAgainstReference(GemmFunction gemm, Random random, bool transposeA, bool transposeB,
        int m, int n, int k, float alpha, float beta, int padding)
    {
        const float Sentinel = -12345f;
        int lda = (transposeA ? m : k) + padding, ldb = (transposeB ? k : n) + padding, ldc = n + padding;
        float[] a = RandomArray(random, (transposeA ? k : m) * lda);
        float[] b = RandomArray(random, (transposeB ? n : k) * ldb);
        float[] c = RandomArray(random, m * ldc);
        for (int i = 0; i < m; i++)
        {
            c.AsSpan(i * ldc + n, padding).Fill(Sentinel);
        }

        float[] expected = (float[])c.Clone();
        ReferenceGemm.Multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, expected, ldc);
        float[] actual = (float[])c.Clone();
        gemm(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, actual, ldc);

        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < ldc; j++)
            {
                int index = i * ldc + j;
                if (j >= n)
                {
                    Assert.True(actual[index] == Sentinel, $"padding C[{i}, {j}] was overwritten ({m}, {n}, {k}, tA={transposeA}, tB={transposeB})");
                    continue;
                }

                double scale = 0;
                for (int p = 0; p < k; p++)
                {
                    scale += Math.Abs(transposeA ? a[p * lda + i] : a[i * lda + p]) * Math.Abs(transposeB ? b[j * ldb + p] : b[p * ldb + j]);
                }

                double tolerance = 1e-4 * (Math.Abs(alpha) * scale + Math.Abs(beta * c[index])) + 1e-30;
                double error = Math.Abs((double)actual[index] - expected[index]);
                Assert.True(error <= tolerance,
                    $"C[{i}, {j}] = {actual[index]}, expected {expected[index]} (error {error:E2} > {tolerance:E2}) for m={m}, n={n}, k={k}, tA={transposeA}, tB={transposeB}, alpha={alpha}, beta={beta}");
            }
        }
    }

    private static float[] RandomArray(Random random, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)(random.NextDouble() * 2 - 1);
        }

        return values;
    }
}
