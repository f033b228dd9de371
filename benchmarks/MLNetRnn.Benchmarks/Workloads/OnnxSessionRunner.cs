using Microsoft.ML.OnnxRuntime;
using MLNetRnn.Classification;

namespace MLNetRnn.Benchmarks.Workloads;

// T = 20 tokens, C = 2 classes; batch 1.

/// <summary>
/// One-sentence inference in ONNX Runtime alone: the <see cref="LatencyModel"/> classifier's ONNX graph in an
/// <see cref="InferenceSession"/>, the sentence's token keys in (uint32 [1, T], id = key + 1, as ML.NET's key column
/// hands them to the graph), <c>Score</c> [C] out; <see cref="WorkloadSpec.SentencesPerRepetition"/> runs per repetition.
/// </summary>
/// <remarks>
/// The input and output tensors are bound once (<see cref="OrtValue"/>s over arrays allocated here), so a run is
/// <c>InferenceSession.Run</c> and nothing else: ONNX Runtime's own cost, without ML.NET's per-row work. Only
/// <c>Score</c> is fetched (the graph's label-text output is left out, as PyTorch's model has none).
/// </remarks>
public sealed class OnnxSessionRunner : IWorkloadRunner, IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly OrtValue[] _inputs;  // the keys, (1, T) uint32
    private readonly OrtValue[] _outputs; // Score, (C) float, over _scores
    private readonly string[] _inputNames;
    private readonly string[] _outputNames = ["Score"];
    private readonly float[] _scores; // (C)

    /// <summary>Loads the graph and binds the sentence's keys.</summary>
    /// <param name="spec">The workload (B = 1).</param>
    /// <param name="onnxPath">The graph written by <see cref="LatencyModel.Prepare"/>.</param>
    /// <param name="intraOpThreads"><see cref="SessionOptions.IntraOpNumThreads"/>, or null for ONNX Runtime's default
    /// (it picks the count itself).</param>
    public OnnxSessionRunner(WorkloadSpec spec, string onnxPath, int? intraOpThreads)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Spec = spec;
        IntraOpThreads = intraOpThreads;
        byte[] graph = File.ReadAllBytes(onnxPath);
        var (network, _, vocabulary) = ClassifierOnnx.Read(Onnx.OnnxModel.Parse(graph));
        var ids = vocabulary.Select((word, id) => (word, id)).ToDictionary(p => p.word, p => p.id, StringComparer.Ordinal);
        string[] words = LatencyModel.Sentence(spec).Split(' ');
        uint[] keys = [.. words.Select(w => ids.TryGetValue(w, out int id) ? (uint)(id - 1) : 0u)]; // unknown: key 0 = <UNK>
        int[] expected = WorkloadInputs.Create(spec).Ids;
        if (vocabulary.Length != WorkloadSpec.VocabularySize || !keys.Select(k => (int)k + 1).SequenceEqual(expected))
        {
            throw new InvalidDataException($"The model in '{onnxPath}' has a vocabulary of {vocabulary.Length} (expected {WorkloadSpec.VocabularySize}) or maps the sentence to other ids than {spec.Name}'s; prepare it again with LatencyModel.Prepare.");
        }

        RealTokens = keys.Length;
        using (var options = new SessionOptions())
        {
            if (intraOpThreads is { } threads)
            {
                options.IntraOpNumThreads = threads;
            }

            _session = new InferenceSession(graph, options);
        }

        _inputNames = [.. _session.InputMetadata.Keys];
        _inputs = [OrtValue.CreateTensorValueFromMemory(keys, [1, keys.Length])];
        _scores = new float[network.Architecture.ClassCount];
        _outputs = [OrtValue.CreateTensorValueFromMemory(_scores, [_scores.Length])];
    }

    /// <inheritdoc/>
    public WorkloadSpec Spec { get; }

    /// <summary>Gets the session's intra-op thread setting, or null for ONNX Runtime's default.</summary>
    public int? IntraOpThreads { get; }

    /// <inheritdoc/>
    public long RealTokens { get; }

    /// <summary>Gets the last sentence's probability of class 1 (to keep the work observable).</summary>
    public float LastProbability => _scores[1];

    /// <inheritdoc/>
    public void RunRepetition()
    {
        for (int i = 0; i < WorkloadSpec.SentencesPerRepetition; i++)
        {
            _session.Run(_runOptions, _inputNames, _inputs, _outputNames, _outputs);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _inputs[0].Dispose();
        _outputs[0].Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
