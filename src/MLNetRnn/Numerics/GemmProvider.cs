namespace MLNetRnn.Numerics;

/// <summary>
/// The matrix-product implementation the engine uses, chosen at start-up from the environment variable
/// <c>MLNETRNN_GEMM</c>: <c>managed</c>, <c>openblas</c>, or unset for the managed kernel on AVX-512 machines and
/// OpenBLAS (<c>libopenblas.so.0</c>) elsewhere when it loads, else the managed kernel.
/// </summary>
/// <remarks>The engine's GEMM itself is internal; this enum names the choices (benchmarks and tests report them).</remarks>
public enum GemmProvider
{
    /// <summary>The built-in managed kernel (packed panels, cache blocking, AVX-512/AVX2 FMA micro-kernel).</summary>
    Managed,

    /// <summary><c>cblas_sgemm</c> from the native library <c>libopenblas.so.0</c> (Debian/Ubuntu package <c>libopenblas0-pthread</c>).</summary>
    OpenBlas,
}
