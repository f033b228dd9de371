// Shapes: op(A) is (M, K), op(B) is (K, N), C is (M, N); all row-major (CblasRowMajor).
using System.Globalization;
using System.Runtime.InteropServices;

namespace MLNetRnn.Numerics;

/// <summary>
/// <c>cblas_sgemm</c> from the native <c>libopenblas.so.0</c>, bound through <see cref="NativeLibrary"/> and
/// unmanaged function pointers, so nothing is resolved (and nothing throws) until <see cref="IsAvailable"/> or
/// <see cref="Multiply"/> is first used.
/// </summary>
/// <remarks>
/// OpenBLAS is limited to one thread by default (<c>openblas_set_num_threads(1)</c>, called once before the first
/// multiplication), so timings do not depend on the other work on the machine and callers can parallelise at a
/// higher level; the environment variable <c>MLNETRNN_BLAS_THREADS</c> (a positive integer) overrides the count.
/// The setting is process-wide: it also applies to any other OpenBLAS user in the process.
/// </remarks>
internal static unsafe class OpenBlasGemm
{
    /// <summary>The soname loaded with <see cref="NativeLibrary.TryLoad(string, out IntPtr)"/>.</summary>
    internal const string LibraryName = "libopenblas.so.0";

    /// <summary>The environment variable that overrides the OpenBLAS thread count (default 1).</summary>
    internal const string ThreadsVariable = "MLNETRNN_BLAS_THREADS";

    private const int CblasRowMajor = 101;
    private const int CblasNoTrans = 111;
    private const int CblasTrans = 112;

    private static readonly Lazy<Exports?> s_exports = new(Load);
    private static readonly Lazy<bool> s_threadsConfigured = new(ConfigureThreads);

    /// <summary>Gets whether <c>libopenblas.so.0</c> loads and exports <c>cblas_sgemm</c>.</summary>
    public static bool IsAvailable => s_exports.Value is not null;

    /// <summary>C = alpha * op(A) * op(B) + beta * C through <c>cblas_sgemm</c>; arguments validated by <see cref="Gemm"/>.</summary>
    /// <exception cref="InvalidOperationException">The library is not available, or <c>MLNETRNN_BLAS_THREADS</c> is invalid.</exception>
    public static void Multiply(bool transposeA, bool transposeB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        Exports exports = s_exports.Value ?? throw new InvalidOperationException(
            $"{LibraryName} could not be loaded: install the package libopenblas0-pthread or use GemmProvider.Managed.");
        _ = s_threadsConfigured.Value;
        fixed (float* pa = a, pb = b, pc = c)
        {
            exports.Sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
        }
    }

    /// <summary>
    /// Parses <c>MLNETRNN_BLAS_THREADS</c>: null or blank means 1, otherwise a positive integer.
    /// </summary>
    /// <exception cref="InvalidOperationException">The value is not a positive integer.</exception>
    internal static int ParseThreadSetting(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return 1;
        }

        if (int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int threads) && threads > 0)
        {
            return threads;
        }

        throw new InvalidOperationException(
            $"{ThreadsVariable}='{value}' is not a positive integer; set it to the number of OpenBLAS threads (e.g. 1) or unset it for 1.");
    }

    private static bool ConfigureThreads()
    {
        int threads = ParseThreadSetting(Environment.GetEnvironmentVariable(ThreadsVariable));
        Exports? exports = s_exports.Value;
        if (exports is not null && exports.SetNumThreads is not null)
        {
            exports.SetNumThreads(threads);
        }

        return true;
    }

    private static Exports? Load()
    {
        if (!NativeLibrary.TryLoad(LibraryName, out IntPtr handle)
            || !NativeLibrary.TryGetExport(handle, "cblas_sgemm", out IntPtr sgemm))
        {
            return null;
        }

        NativeLibrary.TryGetExport(handle, "openblas_set_num_threads", out IntPtr setThreads);
        return new Exports(
            (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)sgemm,
            (delegate* unmanaged<int, void>)setThreads);
    }

    private sealed class Exports(
        delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> sgemm,
        delegate* unmanaged<int, void> setNumThreads)
    {
        public readonly delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> Sgemm = sgemm;
        public readonly delegate* unmanaged<int, void> SetNumThreads = setNumThreads;
    }
}
