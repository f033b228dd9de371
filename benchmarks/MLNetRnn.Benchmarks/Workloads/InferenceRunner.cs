using System.Numerics.Tensors;
using MLNetRnn.Layers;
using MLNetRnn.Numerics;

namespace MLNetRnn.Benchmarks.Workloads;

// T = time (20), E = embedding, H = hidden, P = D*H, C = classes; batch 1.

/// <summary>
/// One-sentence inference: Embedding → RecurrentStack (batch 1, forward only) → Dense on the final state → softmax,
/// repeated <see cref="WorkloadSpec.SentencesPerRepetition"/> times per repetition (the same sentence each time).
/// </summary>
public sealed class InferenceRunner : IWorkloadRunner
{
    private readonly WorkloadInputs _inputs;
    private readonly Embedding _embedding;
    private readonly RecurrentStack _rnn;
    private readonly Dense _head;
    private readonly float[] _x;             // (T, 1, E)
    private readonly float[] _output;        // (T, 1, P)
    private readonly float[] _hN;            // (S, 1, H)
    private readonly float[] _summary;       // (1, P)
    private readonly float[] _logits;        // (1, C)
    private readonly float[] _probabilities; // (1, C)

    /// <summary>Builds the model (seed <see cref="WorkloadRunner.ModelSeed"/>) and allocates every buffer.</summary>
    /// <param name="spec">An inference workload (B = 1).</param>
    public InferenceRunner(WorkloadSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.BatchSize != 1)
        {
            throw new ArgumentException($"Inference workloads have B = 1; '{spec.Name}' has B = {spec.BatchSize}.", nameof(spec));
        }

        Spec = spec;
        _inputs = WorkloadInputs.Create(spec);
        var store = new ParameterStore();
        var random = new SeededRandom(WorkloadRunner.ModelSeed);
        _embedding = new Embedding(store, WorkloadSpec.VocabularySize, spec.EmbeddingSize, random, paddingId: 0, prefix: "embedding.");
        _rnn = new RecurrentStack(store, spec.Cell, spec.EmbeddingSize, spec.HiddenSize, random, spec.Layers, spec.Bidirectional, 0f, "rnn.");
        _head = new Dense(store, _rnn.OutputSize, WorkloadSpec.Classes, random, "head.");
        _x = new float[spec.TimeSteps * spec.EmbeddingSize];
        _output = new float[spec.TimeSteps * _rnn.OutputSize];
        _hN = new float[_rnn.StateCount * spec.HiddenSize];
        _summary = new float[_rnn.OutputSize];
        _logits = new float[WorkloadSpec.Classes];
        _probabilities = new float[WorkloadSpec.Classes];
    }

    /// <inheritdoc/>
    public WorkloadSpec Spec { get; }

    /// <inheritdoc/>
    public long RealTokens => _inputs.RealTokens;

    /// <summary>Gets the last sentence's probability of class 1 (to keep the work observable).</summary>
    public float LastProbability => _probabilities[1];

    /// <inheritdoc/>
    public void RunRepetition()
    {
        for (int i = 0; i < WorkloadSpec.SentencesPerRepetition; i++)
        {
            Predict();
        }
    }

    /// <summary>Classifies the sentence once.</summary>
    public void Predict()
    {
        int h = Spec.HiddenSize, d = _rnn.Directions;
        int top = (Spec.Layers - 1) * d;
        _embedding.Forward(_inputs.Ids, _x);
        _rnn.Forward(_x, Spec.TimeSteps, 1, _inputs.Lengths, _output, hN: _hN, training: false);
        for (int dir = 0; dir < d; dir++)
        {
            _hN.AsSpan((top + dir) * h, h).CopyTo(_summary.AsSpan(dir * h, h));
        }

        _head.Forward(_summary, 1, _logits);
        TensorPrimitives.SoftMax(_logits, _probabilities);
    }
}
