using BenchmarkDotNet.Attributes;
using MLNetRnn.Layers;
using MLNetRnn.Numerics;

namespace MLNetRnn.Benchmarks.Layers;

// N = rows, I = input size, O = output size.

/// <summary>
/// <see cref="Dense"/> forward (y = x·Wᵀ + b) and backward (dW += dyᵀ·x, db += Σ dy, dx = dy·W) at
/// <c>"NxIxO"</c> shapes: the workloads' classification heads (32x128x2 of the small models, 64x512x2 of bilstm-2layer)
/// and a projection-sized 1600x256x1024 that exercises the GEMM. Not sealed: BenchmarkDotNet derives from benchmark classes.
/// </summary>
public class DenseLayerBenchmarks
{
    private Dense _dense = null!;
    private int _rows;
    private float[] _input = [], _output = [], _dOutput = [], _dInput = [];

    /// <summary>Gets or sets the shape, <c>"NxIxO"</c>.</summary>
    [Params("32x128x2", "64x512x2", "1600x256x1024")]
    public string Shape { get; set; } = "32x128x2";

    /// <summary>FLOPs of one call (for <see cref="GflopsColumn"/>): 2·N·I·O forward, twice that backward.</summary>
    /// <param name="method">The benchmark method.</param>
    /// <param name="parameters">The parameter values; reads <c>Shape</c>.</param>
    /// <returns>The FLOP count.</returns>
    public static double Flops(string method, IReadOnlyDictionary<string, object?> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var (n, i, o) = ParseShape((string)parameters[nameof(Shape)]!);
        return (method == nameof(Backward) ? 4.0 : 2.0) * n * i * o;
    }

    /// <summary>Builds the layer (seed 1) and fills input and output gradient with seeded values.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var (n, i, o) = ParseShape(Shape);
        var random = new SeededRandom(1);
        _dense = new Dense(new ParameterStore(), i, o, random);
        _rows = n;
        _input = new float[n * i];
        _dInput = new float[n * i];
        _output = new float[n * o];
        _dOutput = new float[n * o];
        random.FillUniform(_input, -1f, 1f);
        random.FillUniform(_dOutput, -0.1f, 0.1f);
    }

    /// <summary>y = x·Wᵀ + b.</summary>
    [Benchmark]
    public void Forward() => _dense.Forward(_input, _rows, _output);

    /// <summary>The gradients of W, b and x.</summary>
    [Benchmark]
    public void Backward() => _dense.Backward(_input, _dOutput, _rows, _dInput);

    private static (int N, int I, int O) ParseShape(string shape)
    {
        int[] d = shape.Split('x').Select(int.Parse).ToArray();
        return (d[0], d[1], d[2]);
    }
}
