using MLNetRnn.Layers;

namespace MLNetRnn.Benchmarks.Workloads;

// V = vocabulary, E = embedding, H = hidden, L = layers, D = directions, B = batch, T = time steps, C = classes (2),
// G = gates per cell (SimpleRNN 1, LSTM 4, GRU 3).

/// <summary>How the rows of a workload's batch are sized.</summary>
public enum LengthKind
{
    /// <summary>Every row has T real tokens.</summary>
    Full,

    /// <summary>Lengths uniform in [5, T] from the shared generator (<see cref="WorkloadInputs"/>); padded past each length.</summary>
    Ragged,

    /// <summary>The <see cref="Ragged"/> batch (same ids, zeros past the ragged lengths) processed with every length = T.</summary>
    Padded,
}

/// <summary>
/// One workload of issue 5: Embedding(V, E) → RecurrentStack(L, D, H) → Linear(D*H → 2) on the top layer's final states,
/// either one training step (softmax cross-entropy, backward, clip 1.0, Adam) or one-sentence inference (forward + softmax).
/// The same names and shapes are used by <c>benchmarks/pytorch/compare.py</c>.
/// </summary>
/// <param name="Name">The workload's name, as given to <c>compare --workloads</c> and <c>compare.py --workload</c>.</param>
/// <param name="Cell">The recurrent cell.</param>
/// <param name="EmbeddingSize">E.</param>
/// <param name="HiddenSize">H.</param>
/// <param name="Layers">L.</param>
/// <param name="Bidirectional">Whether D = 2.</param>
/// <param name="BatchSize">B.</param>
/// <param name="TimeSteps">T, the padded length.</param>
/// <param name="Lengths">How the rows are sized.</param>
/// <param name="Inference">Whether the workload is forward-only one-sentence inference (else one training step).</param>
/// <param name="PyTorchReference">Issue 5's PyTorch number on this machine: tokens/s for training, ms per sentence for inference; 0 when none.</param>
/// <param name="TargetSpeedup">Issue 5's target for ours ÷ PyTorch (throughput), or 0 when the workload has none of its own.</param>
/// <param name="Harness">What runs our side: the engine (default), ONNX Runtime or a loaded ML.NET model.</param>
/// <param name="PyTorchName">The <c>compare.py</c> workload measured beside it, or null for <paramref name="Name"/>.
/// Workloads with the same PyTorch name share its measurement (it runs once per round).</param>
/// <param name="SparseEmbedding">Whether our embedding takes row-sparse, lazy updates (<c>SparseEmbeddingUpdates</c>):
/// zeroing, clipping and Adam visit only the looked-up rows. PyTorch's side stays dense.</param>
public sealed record WorkloadSpec(
    string Name,
    RecurrentCellType Cell,
    int EmbeddingSize,
    int HiddenSize,
    int Layers,
    bool Bidirectional,
    int BatchSize,
    int TimeSteps,
    LengthKind Lengths,
    bool Inference,
    double PyTorchReference,
    double TargetSpeedup,
    WorkloadHarness Harness = WorkloadHarness.Engine,
    string? PyTorchName = null,
    bool SparseEmbedding = false)
{
    /// <summary>V for every workload.</summary>
    public const int VocabularySize = 10000;

    /// <summary>C for every workload (binary sequence classification).</summary>
    public const int Classes = 2;

    /// <summary>Sentences per timed repetition of an inference workload (one sentence is too short to time alone).</summary>
    public const int SentencesPerRepetition = 50;

    /// <summary>Gets every workload, in table order.</summary>
    public static IReadOnlyList<WorkloadSpec> All { get; } =
    [
        new("lstm-small", RecurrentCellType.Lstm, 64, 128, 1, false, 32, 50, LengthKind.Full, false, 60_000, 2.0),
        new("gru-small", RecurrentCellType.Gru, 64, 128, 1, false, 32, 50, LengthKind.Full, false, 72_000, 2.0),
        new("rnn-small", RecurrentCellType.SimpleRnn, 64, 128, 1, false, 32, 50, LengthKind.Full, false, 181_000, 2.0),
        new("bilstm-2layer", RecurrentCellType.Lstm, 128, 256, 2, true, 64, 50, LengthKind.Full, false, 6_500, 2.0),
        new("lstm-large", RecurrentCellType.Lstm, 256, 512, 1, false, 64, 100, LengthKind.Full, false, 10_600, 1.5),
        new("lstm-ragged", RecurrentCellType.Lstm, 64, 128, 1, false, 32, 50, LengthKind.Ragged, false, 0, 0),
        new("lstm-padded", RecurrentCellType.Lstm, 64, 128, 1, false, 32, 50, LengthKind.Padded, false, 0, 0),

        // The ragged pair with row-sparse embedding updates (issue 14): the per-batch cost of Adam and clipping over the
        // 10,000 × 64 table shrinks to the rows the batch reads. Beside PyTorch's dense runs of the same batches.
        new("lstm-ragged-sparse", RecurrentCellType.Lstm, 64, 128, 1, false, 32, 50, LengthKind.Ragged, false, 0, 0, PyTorchName: "lstm-ragged", SparseEmbedding: true),
        new("lstm-padded-sparse", RecurrentCellType.Lstm, 64, 128, 1, false, 32, 50, LengthKind.Padded, false, 0, 0, PyTorchName: "lstm-padded", SparseEmbedding: true),
        new("infer-lstm", RecurrentCellType.Lstm, 64, 128, 1, false, 1, 20, LengthKind.Full, true, 0.77, 5.0),
        new("infer-gru", RecurrentCellType.Gru, 64, 128, 1, false, 1, 20, LengthKind.Full, true, 0.66, 5.0),

        // infer-lstm's model size through ML.NET and ONNX Runtime (see LatencyModel): text in through a loaded .zip,
        // against PyTorch with its own tokenization (infer-lstm-text); token keys in through a raw InferenceSession,
        // against PyTorch's infer-lstm (ids in).
        new("infer-lstm-zip", RecurrentCellType.Lstm, 64, 128, 1, false, 1, 20, LengthKind.Full, true, 0, 0, WorkloadHarness.MLNetZip, "infer-lstm-text"),
        new("infer-lstm-onnx", RecurrentCellType.Lstm, 64, 128, 1, false, 1, 20, LengthKind.Full, true, 0, 0, WorkloadHarness.OnnxSession, "infer-lstm"),
    ];

    /// <summary>Gets the <c>compare.py</c> workload measured beside this one.</summary>
    public string PyTorchWorkload => PyTorchName ?? Name;

    /// <summary>Gets D.</summary>
    public int Directions => Bidirectional ? 2 : 1;

    /// <summary>Gets G, the gate blocks per cell.</summary>
    public int Gates => Cell switch
    {
        RecurrentCellType.Lstm => 4,
        RecurrentCellType.Gru => 3,
        _ => 1,
    };

    /// <summary>Finds a workload by name (case-insensitive).</summary>
    /// <param name="name">A name from <see cref="All"/>.</param>
    /// <returns>The workload.</returns>
    /// <exception cref="ArgumentException">No workload has that name; the message lists the names.</exception>
    public static WorkloadSpec Find(string name) =>
        All.FirstOrDefault(w => w.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown workload '{name}'. Known: {string.Join(", ", All.Select(w => w.Name))}.", nameof(name));

    /// <summary>
    /// Floating-point operations of one forward pass over <paramref name="realTokens"/> tokens (B rows), counting
    /// only the matrix products: each layer-direction does, per real token, <c>2·G·H·(I + H)</c> (input projection
    /// <c>x·W_ihᵀ</c> plus recurrent product <c>h·W_hhᵀ</c>; I = E for layer 0, D·H above), and the head <c>2·(D·H)·C</c>
    /// per row. Element-wise work (gate non-linearities, biases), the embedding lookup and the optimizer are left out:
    /// they are O(G·H) per token against O(G·H·(I+H)), a few percent at H = 128 and less above.
    /// </summary>
    /// <param name="realTokens">The sum of the rows' lengths (packed tokens; padding costs nothing in a packed engine).</param>
    /// <returns>The FLOP count.</returns>
    public double ForwardFlops(long realTokens)
    {
        double perToken = 0;
        for (int l = 0; l < Layers; l++)
        {
            int input = l == 0 ? EmbeddingSize : Directions * HiddenSize;
            perToken += Directions * 2.0 * Gates * HiddenSize * (input + HiddenSize);
        }

        return (perToken * realTokens) + (2.0 * Directions * HiddenSize * Classes * BatchSize);
    }

    /// <summary>
    /// FLOPs of one repetition as timed by <c>compare</c>: a training step is forward + backward = 3× forward (backward
    /// does two products per forward product: the input/state gradient <c>dG·W</c> and the weight gradient <c>dGᵀ·X</c>,
    /// including the input gradient of layer 0 that the embedding needs); an inference repetition is
    /// <see cref="SentencesPerRepetition"/> forward passes.
    /// </summary>
    /// <param name="realTokens">Real tokens of one batch (training) or of one sentence (inference).</param>
    /// <returns>The FLOP count of one repetition.</returns>
    public double RepetitionFlops(long realTokens) =>
        Inference ? SentencesPerRepetition * ForwardFlops(realTokens) : 3.0 * ForwardFlops(realTokens);
}
