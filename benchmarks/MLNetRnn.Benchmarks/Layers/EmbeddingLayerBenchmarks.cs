using BenchmarkDotNet.Attributes;
using MLNetRnn.Benchmarks.Workloads;
using MLNetRnn.Layers;
using MLNetRnn.Numerics;

namespace MLNetRnn.Benchmarks.Layers;

// V = vocabulary (10000), E = embedding size, N = ids looked up (T*B).

/// <summary>
/// <see cref="Embedding"/> forward (gather N rows) and backward (scatter-add N rows) at the workloads' shapes:
/// lstm-small (E = 64, N = 50·32) and lstm-large (E = 256, N = 100·64), with the workloads' ids.
/// Not sealed: BenchmarkDotNet derives from benchmark classes.
/// </summary>
public class EmbeddingLayerBenchmarks
{
    private Embedding _embedding = null!;
    private int[] _ids = [];
    private float[] _output = [], _dOutput = [];

    /// <summary>Gets or sets the workload whose embedding is measured.</summary>
    [Params("lstm-small", "lstm-large")]
    public string Workload { get; set; } = "lstm-small";

    /// <summary>Builds the table (seed 1) and the workload's ids.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var spec = WorkloadSpec.Find(Workload);
        var random = new SeededRandom(WorkloadRunner.ModelSeed);
        _embedding = new Embedding(new ParameterStore(), WorkloadSpec.VocabularySize, spec.EmbeddingSize, random);
        _ids = WorkloadInputs.Create(spec).Ids;
        _output = new float[_ids.Length * spec.EmbeddingSize];
        _dOutput = new float[_output.Length];
        random.FillUniform(_dOutput, -0.1f, 0.1f);
    }

    /// <summary>Looks up every id.</summary>
    [Benchmark]
    public void Forward() => _embedding.Forward(_ids, _output);

    /// <summary>Adds every row's gradient into the table's gradient.</summary>
    [Benchmark]
    public void Backward() => _embedding.Backward(_ids, _dOutput);
}
