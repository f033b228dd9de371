using System.Globalization;

namespace MLNetRnn.Benchmarks.Kernels;

/// <summary>
/// A GEMM shape written <c>"MxNxK XY"</c>: C (M, N) = op(A) (M, K) · op(B) (K, N), where X and Y are <c>N</c> (stored as
/// is) or <c>T</c> (stored transposed) for A and B, as in BLAS.
/// </summary>
/// <param name="M">Rows of C.</param>
/// <param name="N">Columns of C.</param>
/// <param name="K">The inner dimension.</param>
/// <param name="TransposeA">Whether A is stored (K, M).</param>
/// <param name="TransposeB">Whether B is stored (N, K).</param>
public sealed record GemmShape(int M, int N, int K, bool TransposeA, bool TransposeB)
{
    /// <summary>Gets 2·M·N·K.</summary>
    public double Flops => 2.0 * M * N * K;

    /// <summary>Gets the row stride of A as stored.</summary>
    public int Lda => TransposeA ? M : K;

    /// <summary>Gets the row stride of B as stored.</summary>
    public int Ldb => TransposeB ? K : N;

    /// <summary>Parses <c>"MxNxK XY"</c>, for example <c>"32x512x128 NT"</c>.</summary>
    /// <param name="text">The shape.</param>
    /// <returns>The shape.</returns>
    /// <exception cref="FormatException">The text is not in that form.</exception>
    public static GemmShape Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string[] dims = parts.Length == 2 ? parts[0].Split('x') : [];
        if (dims.Length != 3 || parts[1].Length != 2 || parts[1].Any(c => c is not ('N' or 'T')))
        {
            throw new FormatException($"GEMM shape '{text}' is not of the form 'MxNxK XY' with X, Y in {{N, T}}, e.g. '32x512x128 NT'.");
        }

        int Dim(string s) => int.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture);
        return new GemmShape(Dim(dims[0]), Dim(dims[1]), Dim(dims[2]), parts[1][0] == 'T', parts[1][1] == 'T');
    }
}
