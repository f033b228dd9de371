namespace MLNetRnn.Numerics;

/// <summary>
/// The implementation behind <see cref="Gemm.Multiply"/>.
/// </summary>
/// <remarks>
/// The provider is chosen at start-up from the environment variable <c>MLNETRNN_GEMM</c>
/// (<c>managed</c>, <c>openblas</c>, or unset for "OpenBLAS if it loads, else managed") and can be changed with
/// <see cref="Gemm.Provider"/>.
/// </remarks>
public enum GemmProvider
{
    /// <summary>The built-in managed kernel (packed panels, cache blocking, AVX-512/AVX2 FMA micro-kernel).</summary>
    Managed,

    /// <summary><c>cblas_sgemm</c> from the native library <c>libopenblas.so.0</c> (Debian/Ubuntu package <c>libopenblas0-pthread</c>).</summary>
    OpenBlas,
}
