using BenchmarkDotNet.Attributes;
using MLNetRnn.Numerics;

namespace MLNetRnn.Benchmarks.Kernels;

/// <summary>
/// <see cref="Gemm.Multiply"/> by provider and shape: the square 512³ case and the products an RNN issues
/// (names are C (M, N) = op(A) (M, K) · op(B) (K, N), see <see cref="GemmShape"/>).
/// </summary>
/// <remarks>
/// Shapes: <c>32x512x128 NT</c> the per-step recurrent product of lstm-small (B = 32, 4H = 512, H = 128, W_hh stored (4H, H));
/// <c>1600x512x64 NT</c> its all-steps input projection (T·B = 1600, E = 64); <c>128x512x1600 TN</c> a weight gradient
/// summed over all steps; <c>64x2048x512 NT</c> the recurrent product of lstm-large; <c>1x512x128 NT</c> one-sentence
/// inference (a matrix-vector product); <c>17x512x128 NT</c> a step of the ragged batch with 17 rows still alive (row
/// counts that are not a multiple of the micro-kernel height). Not sealed: BenchmarkDotNet derives from benchmark classes.
/// </remarks>
public class GemmBenchmarks
{
    private float[] _a = [], _b = [], _c = [];
    private GemmShape _shape = GemmShape.Parse("1x1x1 NN");

    /// <summary>Gets or sets the shape, <c>"MxNxK XY"</c>.</summary>
    [Params("512x512x512 NN", "32x512x128 NT", "1600x512x64 NT", "128x512x1600 TN", "64x2048x512 NT", "1x512x128 NT", "17x512x128 NT")]
    public string Shape { get; set; } = "512x512x512 NN";

    /// <summary>Gets or sets the provider.</summary>
    [Params(GemmProvider.Managed, GemmProvider.OpenBlas)]
    public GemmProvider Provider { get; set; }

    /// <summary>FLOPs of one call (for <see cref="GflopsColumn"/>).</summary>
    /// <param name="method">The benchmark method (unused).</param>
    /// <param name="parameters">The parameter values; reads <c>Shape</c>.</param>
    /// <returns>2·M·N·K.</returns>
    public static double Flops(string method, IReadOnlyDictionary<string, object?> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return GemmShape.Parse((string)parameters[nameof(Shape)]!).Flops;
    }

    /// <summary>Selects the provider and fills A, B with seeded uniform values.</summary>
    /// <exception cref="InvalidOperationException">OpenBLAS is requested but not installed (BenchmarkDotNet reports it for that case).</exception>
    [GlobalSetup]
    public void Setup()
    {
        Gemm.Provider = Provider; // throws with an install hint when OpenBLAS is missing
        _shape = GemmShape.Parse(Shape);
        var random = new SeededRandom(20240501);
        _a = new float[_shape.M * _shape.K];
        _b = new float[_shape.K * _shape.N];
        _c = new float[_shape.M * _shape.N];
        random.FillUniform(_a, -1f, 1f);
        random.FillUniform(_b, -1f, 1f);
    }

    /// <summary>C = op(A)·op(B).</summary>
    [Benchmark]
    public void Multiply() =>
        Gemm.Multiply(_shape.TransposeA, _shape.TransposeB, _shape.M, _shape.N, _shape.K, 1f, _a, _shape.Lda, _b, _shape.Ldb, 0f, _c, _shape.N);
}
