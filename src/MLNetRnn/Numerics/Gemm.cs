// Shapes: op(A) is (M, K), op(B) is (K, N), C is (M, N); all row-major.
// A is stored (M, K) with row stride lda >= K, or (K, M) with lda >= M when transposed; B is (K, N) or (N, K).
namespace MLNetRnn.Numerics;

/// <summary>
/// Single-precision general matrix multiply (SGEMM) over row-major spans, run by the managed kernel or OpenBLAS.
/// </summary>
/// <remarks>
/// The provider is chosen at first use from the environment variable <c>MLNETRNN_GEMM</c>:
/// <c>managed</c> uses the built-in kernel; <c>openblas</c> requires <c>libopenblas.so.0</c>;
/// unset (or empty) uses the managed kernel when the CPU has AVX-512 (where it matches or beats OpenBLAS, whose Debian
/// build falls back to its AVX2 kernel on newer CPUs), else OpenBLAS when <c>libopenblas.so.0</c> loads, else managed.
/// The rule depends only on the machine, never on timing, so a run picks the same provider every time.
/// OpenBLAS runs single-threaded unless <c>MLNETRNN_BLAS_THREADS</c> says otherwise (the setting is process-wide).
/// Large products run as two column halves, on two threads when <see cref="EngineThreads.Count"/> allows; whether a
/// product is split depends on its size only, so the bits do not change with the thread count. The two providers agree up to float rounding, not bit for bit; the managed kernel gives the same bits on every call
/// with the same shapes on the same machine. <see cref="Multiply"/> may be called from several threads at once (the managed kernel
/// keeps its packing buffers per thread and allocates nothing once they have grown).
/// </remarks>
internal static class Gemm
{
    /// <summary>The environment variable that selects the provider at start-up.</summary>
    internal const string ProviderVariable = "MLNETRNN_GEMM";

    private static volatile int s_provider = -1; // -1: not yet read from the environment

    /// <summary>Gets whether <c>libopenblas.so.0</c> can be loaded and exports <c>cblas_sgemm</c>.</summary>
    public static bool IsOpenBlasAvailable => OpenBlasGemm.IsAvailable;

    /// <summary>
    /// Gets or sets the implementation used by <see cref="Multiply"/>. The initial value comes from
    /// <c>MLNETRNN_GEMM</c> (see the class remarks).
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// Getting: <c>MLNETRNN_GEMM</c> holds an unknown value, or is <c>openblas</c> but the library does not load.
    /// Setting: the value is <see cref="GemmProvider.OpenBlas"/> but <see cref="IsOpenBlasAvailable"/> is false.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">Setting: the value is not a defined <see cref="GemmProvider"/>.</exception>
    public static GemmProvider Provider
    {
        get
        {
            int provider = s_provider;
            if (provider < 0)
            {
                provider = (int)ParseProviderSetting(Environment.GetEnvironmentVariable(ProviderVariable), () => IsOpenBlasAvailable,
                    System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated);
                s_provider = provider;
            }

            return (GemmProvider)provider;
        }

        set
        {
            if (!Enum.IsDefined(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "Expected GemmProvider.Managed or GemmProvider.OpenBlas.");
            }

            if (value == GemmProvider.OpenBlas && !IsOpenBlasAvailable)
            {
                throw new InvalidOperationException(
                    $"GemmProvider.OpenBlas needs {OpenBlasGemm.LibraryName}, which could not be loaded: install the package libopenblas0-pthread or keep GemmProvider.Managed.");
            }

            s_provider = (int)value;
        }
    }

    /// <summary>
    /// Computes C = alpha * op(A) * op(B) + beta * C on row-major matrices, where op(X) is X or its transpose.
    /// </summary>
    /// <param name="transposeA">When true, A is stored (k, m) and op(A) = Aᵀ; otherwise A is stored (m, k).</param>
    /// <param name="transposeB">When true, B is stored (n, k) and op(B) = Bᵀ; otherwise B is stored (k, n).</param>
    /// <param name="m">Rows of op(A) and of C.</param>
    /// <param name="n">Columns of op(B) and of C.</param>
    /// <param name="k">Columns of op(A) and rows of op(B); 0 leaves C = beta * C.</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">A, row-major; element (r, c) of the stored matrix is <c>a[r * lda + c]</c>.</param>
    /// <param name="lda">Row stride of A: at least k, or at least m when <paramref name="transposeA"/> is true.</param>
    /// <param name="b">B, row-major; element (r, c) of the stored matrix is <c>b[r * ldb + c]</c>.</param>
    /// <param name="ldb">Row stride of B: at least n, or at least k when <paramref name="transposeB"/> is true.</param>
    /// <param name="beta">Scale of the old C; 0 overwrites C without reading it, so NaN in C does not propagate.</param>
    /// <param name="c">C, (m, n) row-major with row stride <paramref name="ldc"/>; must not overlap the elements of A or B that are read.</param>
    /// <param name="ldc">Row stride of C, at least n.</param>
    /// <remarks>
    /// C[i, j] = alpha * Σ_p op(A)[i, p] * op(B)[p, j] + beta * C[i, j] for i &lt; m, j &lt; n, with BLAS semantics:
    /// when alpha is 0 or k is 0, A and B are not read. A stored matrix with r rows and c columns needs
    /// <c>(r - 1) * ld + c</c> elements (none when r or c is 0). Entries of C beyond column n in each row are untouched.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">m, n or k is negative, or lda, ldb or ldc is below its minimum.</exception>
    /// <exception cref="ArgumentException">a, b or c is shorter than its shape requires, or the extent of C overlaps the extent of A or B.</exception>
    /// <exception cref="InvalidOperationException">The provider from <c>MLNETRNN_GEMM</c> is invalid (see <see cref="Provider"/>).</exception>
    public static void Multiply(bool transposeA, bool transposeB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc) =>
        MultiplyCore(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, split: true);

    /// <summary>As <see cref="Multiply"/>; with <paramref name="split"/> false a large product is never cut into halves
    /// (for callers that already run two parts of their own work at once, such as a recurrent layer's row blocks, where
    /// halves would only repack the operands). The choice must not depend on the thread count.</summary>
    internal static void MultiplyCore(bool transposeA, bool transposeB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc, bool split)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        int usedA = CheckMatrix(a.Length, transposeA ? k : m, transposeA ? m : k, lda, transposeA ? "k" : "m", transposeA ? "m" : "k", nameof(a), nameof(lda));
        int usedB = CheckMatrix(b.Length, transposeB ? n : k, transposeB ? k : n, ldb, transposeB ? "n" : "k", transposeB ? "k" : "n", nameof(b), nameof(ldb));
        int usedC = CheckMatrix(c.Length, m, n, ldc, "m", "n", nameof(c), nameof(ldc));
        if (m == 0 || n == 0)
        {
            return;
        }

        Span<float> output = c.Slice(0, usedC);
        if (k > 0 && (output.Overlaps(a.Slice(0, usedA)) || output.Overlaps(b.Slice(0, usedB))))
        {
            throw new ArgumentException("c overlaps the elements of a or b that are read; the output must be a separate buffer.", nameof(c));
        }

        bool openBlas = Provider == GemmProvider.OpenBlas && k > 0 && alpha != 0f;
        if (split && (long)m * n * k >= SplitWork && (n >= 2 * SplitColumns || RowHalves(openBlas, m, n)))
        {
            // Split by size alone, never by the thread count: with one thread the halves run in order, so the bits
            // are the same whatever the count (OpenBLAS, unlike the managed kernel, may round a half differently from
            // the whole product).
            MultiplyInHalves(openBlas, transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        }
        else if (openBlas)
        {
            OpenBlasGemm.Multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        }
        else
        {
            ManagedGemm.Multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        }
    }

    /// <summary>
    /// C = alpha · A (M, K) · op(B) + beta · C with op(B) (K, N) packed once (<see cref="ManagedGemm.Pack"/>), on the managed
    /// kernel whatever the provider: for a right operand used by many products (a recurrent layer's W_hh in every step of
    /// a pass, a decoder's weights in every step of a session). Large products are
    /// cut into column halves by size alone, as <see cref="Multiply"/> does, so the bits do not depend on the thread count.
    /// </summary>
    /// <param name="m">M, the rows of A and C.</param>
    /// <param name="alpha">The scale of the product.</param>
    /// <param name="a">A (M, K), row-major.</param>
    /// <param name="lda">A's row stride.</param>
    /// <param name="b">op(B) (K, N), packed.</param>
    /// <param name="beta">The scale of C's old values (0: C is only written).</param>
    /// <param name="c">C (M, N), row-major.</param>
    /// <param name="ldc">C's row stride.</param>
    /// <param name="splitColumns">Whether a large product may run as two column halves (false inside work already split in two).</param>
    /// <exception cref="ArgumentException">A span is shorter than its shape needs (the message gives both), or C overlaps A.</exception>
    public static unsafe void MultiplyPacked(int m, float alpha, ReadOnlySpan<float> a, int lda, PackedMatrix b, float beta, Span<float> c, int ldc,
        bool splitColumns = true)
    {
        ArgumentNullException.ThrowIfNull(b);
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        int n = b.N, k = b.K;
        int usedA = CheckMatrix(a.Length, m, k, lda, "m", "k", nameof(a), nameof(lda));
        int usedC = CheckMatrix(c.Length, m, n, ldc, "m", "n", nameof(c), nameof(ldc));
        if (m == 0 || n == 0)
        {
            return;
        }

        if (k > 0 && c[..usedC].Overlaps(a[..usedA]))
        {
            throw new ArgumentException("c overlaps the elements of a that are read; the output must be a separate buffer.", nameof(c));
        }

        if (splitColumns && n >= 2 * SplitColumns && (long)m * n * k >= SplitWork)
        {
            var work = s_packedHalves ??= new PackedHalves();
            fixed (float* pa = a)
            fixed (float* pc = c)
            {
                work.Set(m, alpha, pa, a.Length, lda, b, beta, pc, c.Length, ldc, split: (n / 2 + SplitColumns - 1) / SplitColumns * SplitColumns);
                try
                {
                    TwoWay.Run(work);
                }
                finally
                {
                    work.Clear();
                }
            }

            return;
        }

        ManagedGemm.MultiplyPacked(m, 0, n, alpha, a, lda, b, beta, c, ldc);
    }

    [ThreadStatic] private static PackedHalves? s_packedHalves;

    private sealed unsafe class PackedHalves : ITwoPartWork
    {
        private PackedMatrix? _b;
        private int _m, _lda, _ldc, _aLength, _cLength, _split;
        private float _alpha, _beta;
        private float* _a, _c;

        public void Set(int m, float alpha, float* a, int aLength, int lda, PackedMatrix b, float beta, float* c, int cLength, int ldc, int split)
        {
            (_m, _alpha, _aLength, _lda, _b, _beta, _cLength, _ldc, _split) = (m, alpha, aLength, lda, b, beta, cLength, ldc, split);
            _a = a;
            _c = c;
        }

        public void Clear() => _b = null;

        public void Execute(int part) =>
            ManagedGemm.MultiplyPacked(_m, part == 0 ? 0 : _split, part == 0 ? _split : _b!.N, _alpha, new ReadOnlySpan<float>(_a, _aLength), _lda, _b!, _beta,
                new Span<float>(_c, _cLength), _ldc);
    }

    // Splitting pays off when each half is well above the cost of handing it to the engine's worker thread (a few
    // microseconds when it is spinning; the caller takes the half back when the worker is late, see TwoWay): ~4M
    // multiply-adds is ~100 µs on one core here. Halves are cut at a multiple of the micro-kernel width.
    internal const long SplitWork = 1L << 22;
    private const int SplitColumns = 32;

    [ThreadStatic] private static ProductHalves? s_halves;

    // The managed kernel packs A once per half when cut into column halves, so a product whose A is the larger operand
    // (M ≥ 2N: a weight gradient dW = dGᵀ X over all the batch's tokens, an input gradient dX = dG W, the input projection
    // X W_ihᵀ) is cut into row halves instead: each half packs its own rows of A, and only the smaller B twice. Row halves
    // are cut at a multiple of every kernel's row count (6 and 8). OpenBLAS keeps column halves (measured there).
    private const int SplitRows = 48;

    private static bool RowHalves(bool openBlas, int m, int n) => !openBlas && m >= 2 * n && m >= 2 * SplitRows;

    internal static unsafe void MultiplyInHalves(bool openBlas, bool transposeA, bool transposeB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        var work = s_halves ??= new ProductHalves();
        bool rows = RowHalves(openBlas, m, n);
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            work.Set(openBlas, transposeA, transposeB, m, n, k, alpha, pa, a.Length, lda, pb, b.Length, ldb, beta, pc, c.Length, ldc, rows,
                split: rows ? (m / 2 + SplitRows - 1) / SplitRows * SplitRows : (n / 2 + SplitColumns - 1) / SplitColumns * SplitColumns);
            TwoWay.Run(work);
        }
    }

    /// <summary>
    /// Columns [0, split) and [split, n) of one product, or rows [0, split) and [split, m), run as two parts (pointers
    /// stay pinned by the caller).
    /// </summary>
    private sealed unsafe class ProductHalves : ITwoPartWork
    {
        private bool _openBlas, _ta, _tb, _rows;
        private int _m, _n, _k, _lda, _ldb, _ldc, _aLength, _bLength, _cLength, _split;
        private float _alpha, _beta;
        private float* _a, _b, _c;

        public void Set(bool openBlas, bool ta, bool tb, int m, int n, int k, float alpha, float* a, int aLength, int lda, float* b, int bLength, int ldb,
            float beta, float* c, int cLength, int ldc, bool rows, int split)
        {
            (_openBlas, _ta, _tb, _m, _n, _k, _alpha, _beta, _rows, _split) = (openBlas, ta, tb, m, n, k, alpha, beta, rows, split);
            (_aLength, _lda, _bLength, _ldb, _cLength, _ldc) = (aLength, lda, bLength, ldb, cLength, ldc);
            _a = a;
            _b = b;
            _c = c;
        }

        public void Execute(int part)
        {
            int end = _rows ? _m : _n, from = part == 0 ? 0 : _split, to = part == 0 ? _split : end;
            int aOffset = 0, bOffset = 0, cOffset;
            if (_rows)
            {
                aOffset = _ta ? from : from * _lda; // op(A) rows from.. are columns from.. of a transposed A, rows from.. otherwise
                cOffset = from * _ldc;
            }
            else
            {
                bOffset = _tb ? from * _ldb : from; // op(B) columns from.. are rows from.. of a transposed B, columns from.. otherwise
                cOffset = from;
            }

            int m = _rows ? to - from : _m, n = _rows ? _n : to - from;
            var a = new ReadOnlySpan<float>(_a + aOffset, _aLength - aOffset);
            var b = new ReadOnlySpan<float>(_b + bOffset, _bLength - bOffset);
            var c = new Span<float>(_c + cOffset, _cLength - cOffset);
            if (_openBlas)
            {
                OpenBlasGemm.Multiply(_ta, _tb, m, n, _k, _alpha, a, _lda, b, _ldb, _beta, c, _ldc);
            }
            else
            {
                ManagedGemm.Multiply(_ta, _tb, m, n, _k, _alpha, a, _lda, b, _ldb, _beta, c, _ldc);
            }
        }
    }

    /// <summary>
    /// Maps a value of <c>MLNETRNN_GEMM</c> to a provider: null or blank means OpenBLAS when available, else managed;
    /// <c>managed</c> and <c>openblas</c> (any case, surrounding spaces ignored) force one.
    /// </summary>
    /// <exception cref="InvalidOperationException">The value is unknown, or <c>openblas</c> while OpenBLAS is unavailable.</exception>
    internal static GemmProvider ParseProviderSetting(string? value, Func<bool> isOpenBlasAvailable, bool managedIsFastest = false)
    {
        string setting = value?.Trim() ?? string.Empty;
        if (setting.Length == 0)
        {
            return !managedIsFastest && isOpenBlasAvailable() ? GemmProvider.OpenBlas : GemmProvider.Managed;
        }

        if (setting.Equals("managed", StringComparison.OrdinalIgnoreCase))
        {
            return GemmProvider.Managed;
        }

        if (setting.Equals("openblas", StringComparison.OrdinalIgnoreCase))
        {
            return isOpenBlasAvailable() ? GemmProvider.OpenBlas : throw new InvalidOperationException(
                $"{ProviderVariable}=openblas but {OpenBlasGemm.LibraryName} could not be loaded: install the package libopenblas0-pthread (apt-get install libopenblas0-pthread) or unset {ProviderVariable} to use the managed kernel.");
        }

        throw new InvalidOperationException(
            $"{ProviderVariable}='{value}' is not recognised; allowed values are 'managed', 'openblas', or unset for automatic selection.");
    }

    // Checks ld and the span length of a stored (rows, cols) matrix; returns the elements it spans.
    private static int CheckMatrix(int length, int rows, int cols, int ld, string rowsName, string colsName, string spanName, string ldName)
    {
        if (ld < cols)
        {
            throw new ArgumentOutOfRangeException(ldName, ld, $"{ldName} must be at least {colsName} = {cols} (the row length of the stored matrix {spanName}).");
        }

        int required = Required(rows, cols, ld, ldName);
        if (length < required)
        {
            throw new ArgumentException(
                $"{spanName} is too short: a ({rowsName}={rows}, {colsName}={cols}) matrix with {ldName}={ld} needs {required} elements, got {length}.", spanName);
        }

        return required;
    }

    private static int Required(int rows, int cols, int ld, string ldName)
    {
        if (rows == 0 || cols == 0)
        {
            return 0;
        }

        long required = (long)(rows - 1) * ld + cols;
        if (required > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(ldName, ld, $"A ({rows}, {cols}) matrix with {ldName}={ld} needs more than int.MaxValue elements.");
        }

        return (int)required;
    }
}
