using MLNetRnn.Layers;
using MLNetRnn.Numerics;
using MLNetRnn.Training;

namespace MLNetRnn.Benchmarks.Workloads;

// V = vocabulary, E = embedding, H = hidden, L = layers, D = directions, S = L*D state slots, B = batch, T = time,
// C = classes, P = D*H (width of the summary fed to the head).

/// <summary>
/// One training step of a sequence classifier built from MLNetRnn's layers, as <c>compare.py</c> does in PyTorch:
/// zero grads → Embedding → RecurrentStack (with the batch's lengths) → the top layer's final state of each direction,
/// concatenated (B, D*H) → Dense (D*H → 2) → softmax cross-entropy → backward through the same path → clip to global
/// norm 1.0 → Adam (lr 1e-3).
/// </summary>
public sealed class TrainingStepRunner : IWorkloadRunner
{
    private readonly WorkloadInputs _inputs;
    private readonly ParameterStore _store = new();
    private readonly Embedding _embedding;
    private readonly RecurrentStack _rnn;
    private readonly Dense _head;
    private readonly Adam _adam;
    private readonly float[] _x;        // (T, B, E) embedded input
    private readonly float[] _dx;       // (T, B, E) its gradient
    private readonly float[] _output;   // (T, B, P) every step's output (unused by the loss, required by the API)
    private readonly float[] _hN;       // (S, B, H) final states
    private readonly float[] _dHN;      // (S, B, H) their gradient; only the top layer's slots are ever non-zero
    private readonly float[] _summary;  // (B, P)
    private readonly float[] _dSummary; // (B, P)
    private readonly float[] _logits;   // (B, C)
    private readonly float[] _dLogits;  // (B, C)

    /// <summary>Builds the model (seed <see cref="WorkloadRunner.ModelSeed"/>) and allocates every buffer.</summary>
    /// <param name="spec">A training workload.</param>
    public TrainingStepRunner(WorkloadSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Spec = spec;
        _inputs = WorkloadInputs.Create(spec);
        var random = new SeededRandom(WorkloadRunner.ModelSeed);
        _embedding = new Embedding(_store, WorkloadSpec.VocabularySize, spec.EmbeddingSize, random, paddingId: 0, prefix: "embedding.");
        _rnn = new RecurrentStack(_store, spec.Cell, spec.EmbeddingSize, spec.HiddenSize, random, spec.Layers, spec.Bidirectional, 0f, "rnn.");
        _head = new Dense(_store, _rnn.OutputSize, WorkloadSpec.Classes, random, "head.");
        if (spec.SparseEmbedding)
        {
            _embedding.UseSparseUpdates();
        }

        _adam = new Adam(_store, 1e-3f);
        int t = spec.TimeSteps, b = spec.BatchSize, p = _rnn.OutputSize;
        _x = new float[t * b * spec.EmbeddingSize];
        _dx = new float[_x.Length];
        _output = new float[t * b * p];
        _hN = new float[_rnn.StateCount * b * spec.HiddenSize];
        _dHN = new float[_hN.Length];
        _summary = new float[b * p];
        _dSummary = new float[b * p];
        _logits = new float[b * WorkloadSpec.Classes];
        _dLogits = new float[_logits.Length];
    }

    /// <inheritdoc/>
    public WorkloadSpec Spec { get; }

    /// <inheritdoc/>
    public long RealTokens => _inputs.RealTokens;

    /// <summary>Gets the loss of the last step (to keep the work observable).</summary>
    public float LastLoss { get; private set; }

    /// <inheritdoc/>
    public void RunRepetition()
    {
        int t = Spec.TimeSteps, b = Spec.BatchSize, h = Spec.HiddenSize, d = _rnn.Directions, p = _rnn.OutputSize;
        int top = (Spec.Layers - 1) * d;
        _store.ZeroGrad();
        _embedding.Forward(_inputs.Ids, _x);
        _rnn.Forward(_x, t, b, _inputs.Lengths, _output, hN: _hN, training: true);
        for (int row = 0; row < b; row++)
        {
            for (int dir = 0; dir < d; dir++)
            {
                _hN.AsSpan((((top + dir) * b) + row) * h, h).CopyTo(_summary.AsSpan((row * p) + (dir * h), h));
            }
        }

        _head.Forward(_summary, b, _logits);
        LastLoss = SoftmaxCrossEntropy.Compute(_logits, _inputs.Targets, WorkloadSpec.Classes, _dLogits);
        _head.Backward(_summary, _dLogits, b, _dSummary);
        for (int row = 0; row < b; row++)
        {
            for (int dir = 0; dir < d; dir++)
            {
                _dSummary.AsSpan((row * p) + (dir * h), h).CopyTo(_dHN.AsSpan((((top + dir) * b) + row) * h, h));
            }
        }

        _rnn.Backward(default, _dHN, default, _dx);
        _embedding.Backward(_inputs.Ids, _dx);
        GradientClipping.ClipByGlobalNorm(_store, 1f);
        _adam.Step();
    }
}
