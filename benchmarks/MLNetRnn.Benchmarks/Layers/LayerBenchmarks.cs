using BenchmarkDotNet.Attributes;
using MLNetRnn.Benchmarks.Workloads;
using MLNetRnn.Layers;
using MLNetRnn.Numerics;

namespace MLNetRnn.Benchmarks.Layers;

// T = time, B = batch, E = input (embedding) size, H = hidden, S = L*D state slots, P = D*H.

/// <summary>
/// <see cref="RecurrentStack"/> alone at the shapes of the <c>compare</c> workloads (<see cref="WorkloadSpec"/>; the
/// same batch lengths): <see cref="Forward"/> (inference mode) and <see cref="ForwardBackward"/> (training mode, then the
/// backward pass from a gradient on the top layer's final states, with the input gradient the embedding would need).
/// Gradients accumulate across invocations (no ZeroGrad), which does not change the work.
/// Not sealed: BenchmarkDotNet derives from benchmark classes.
/// </summary>
public class LayerBenchmarks
{
    private RecurrentStack _rnn = null!;
    private WorkloadSpec _spec = null!;
    private int[] _lengths = [];
    private float[] _x = [], _dx = [], _output = [], _hN = [], _dHN = [];

    /// <summary>Gets or sets the workload whose recurrent stack is measured.</summary>
    [Params("lstm-small", "gru-small", "rnn-small", "bilstm-2layer", "lstm-large", "lstm-ragged", "infer-lstm", "infer-gru")]
    public string Workload { get; set; } = "lstm-small";

    /// <summary>FLOPs of one call (for <see cref="GflopsColumn"/>): the forward count of <see cref="WorkloadSpec.ForwardFlops"/>
    /// without the head, times 3 for forward + backward.</summary>
    /// <param name="method">The benchmark method.</param>
    /// <param name="parameters">The parameter values; reads <c>Workload</c>.</param>
    /// <returns>The FLOP count.</returns>
    public static double Flops(string method, IReadOnlyDictionary<string, object?> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var spec = WorkloadSpec.Find((string)parameters[nameof(Workload)]!);
        long tokens = WorkloadInputs.Create(spec).RealTokens;
        double forward = spec.ForwardFlops(tokens) - (2.0 * spec.Directions * spec.HiddenSize * WorkloadSpec.Classes * spec.BatchSize);
        return method == nameof(ForwardBackward) ? 3 * forward : forward;
    }

    /// <summary>Builds the stack (seed 1) and fills the input and the final-state gradient with seeded values.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _spec = WorkloadSpec.Find(Workload);
        var random = new SeededRandom(WorkloadRunner.ModelSeed);
        _rnn = new RecurrentStack(new ParameterStore(), _spec.Cell, _spec.EmbeddingSize, _spec.HiddenSize, random, _spec.Layers, _spec.Bidirectional);
        _lengths = WorkloadInputs.Create(_spec).Lengths;
        int t = _spec.TimeSteps, b = _spec.BatchSize;
        _x = new float[t * b * _spec.EmbeddingSize];
        _dx = new float[_x.Length];
        _output = new float[t * b * _rnn.OutputSize];
        _hN = new float[_rnn.StateCount * b * _spec.HiddenSize];
        _dHN = new float[_hN.Length];
        random.FillUniform(_x, -1f, 1f);
        int top = (_spec.Layers - 1) * _rnn.Directions * b * _spec.HiddenSize;
        random.FillUniform(_dHN.AsSpan(top), -0.1f, 0.1f);
    }

    /// <summary>The forward pass, inference mode.</summary>
    [Benchmark]
    public void Forward() =>
        _rnn.Forward(_x, _spec.TimeSteps, _spec.BatchSize, _lengths, _output, hN: _hN, training: false);

    /// <summary>The forward pass in training mode, then the backward pass.</summary>
    [Benchmark]
    public void ForwardBackward()
    {
        _rnn.Forward(_x, _spec.TimeSteps, _spec.BatchSize, _lengths, _output, hN: _hN, training: true);
        _rnn.Backward(default, _dHN, default, _dx);
    }
}
