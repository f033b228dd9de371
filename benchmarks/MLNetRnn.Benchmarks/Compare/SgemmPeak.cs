using System.Diagnostics;
using MLNetRnn.Numerics;

namespace MLNetRnn.Benchmarks.Compare;

/// <summary>
/// Measures square SGEMM speed through <see cref="Gemm.Multiply"/>; the managed 512³ figure is the "peak" that
/// <c>compare</c> divides each workload's GFLOP/s by.
/// </summary>
public static class SgemmPeak
{
    /// <summary>Best-of GFLOP/s of C = A·B for n×n×n with <paramref name="provider"/>, after warm-up.</summary>
    /// <param name="provider">The provider to time; the previous provider is restored afterwards.</param>
    /// <param name="n">The size (default 512).</param>
    /// <param name="seconds">Timing budget after a 0.3 s warm-up (default 1).</param>
    /// <returns>2·n³ / best time, in GFLOP/s.</returns>
    public static double Measure(GemmProvider provider, int n = 512, double seconds = 1.0)
    {
        GemmProvider previous = Gemm.Provider;
        Gemm.Provider = provider;
        try
        {
            var random = new SeededRandom(512);
            var a = new float[n * n];
            var b = new float[n * n];
            var c = new float[n * n];
            random.FillUniform(a, -1f, 1f);
            random.FillUniform(b, -1f, 1f);
            long start = Stopwatch.GetTimestamp();
            while (Stopwatch.GetElapsedTime(start).TotalSeconds < 0.3)
            {
                Gemm.Multiply(false, false, n, n, n, 1f, a, n, b, n, 0f, c, n);
            }

            double best = double.MaxValue;
            start = Stopwatch.GetTimestamp();
            for (int i = 0; i < 5 || Stopwatch.GetElapsedTime(start).TotalSeconds < seconds; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                Gemm.Multiply(false, false, n, n, n, 1f, a, n, b, n, 0f, c, n);
                best = Math.Min(best, Stopwatch.GetElapsedTime(t0).TotalSeconds);
            }

            return 2.0 * n * n * n / best / 1e9;
        }
        finally
        {
            Gemm.Provider = previous;
        }
    }
}
