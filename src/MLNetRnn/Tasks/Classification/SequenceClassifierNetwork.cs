using System.Numerics.Tensors;
using MLNetRnn.Layers;
using MLNetRnn.Numerics;
using MLNetRnn.Training;

namespace MLNetRnn.Classification;

// T = time, B = batch, E = embedding, H = hidden, D = directions, C = classes, P = D*H (summary width).

/// <summary>
/// Embedding → recurrent stack → pooling → dropout → dense → softmax, with tensors named like a PyTorch module:
/// <c>embedding.weight</c> (V, E), <c>rnn.weight_ih_l0</c> …, <c>head.weight</c> (C, D*H), <c>head.bias</c> (C).
/// Not thread-safe (it keeps activations for backward); give each thread its own <see cref="Clone"/>.
/// </summary>
internal sealed class SequenceClassifierNetwork
{
    private readonly Embedding _embedding;
    private readonly RecurrentStack _rnn;
    private readonly Dense _head;
    private readonly SeededRandom _dropoutRandom;
    private SequenceBatch? _batch;
    private float[] _x = [], _output = [], _hN = [], _summary = [], _dropMask = [], _pooled = [], _logits = [], _dLogits = [];
    private float[] _dPooled = [], _dx = [], _dHN = [], _dOut = []; // backward scratch, reused across batches
    private int[] _argMax = [];
    private bool _dropped;

    public SequenceClassifierNetwork(ClassifierArchitecture architecture, SeededRandom random)
    {
        Architecture = architecture;
        Parameters = new ParameterStore();
        _embedding = new Embedding(Parameters, architecture.VocabularySize, architecture.EmbeddingSize, random, 0, "embedding.");
        _rnn = new RecurrentStack(Parameters, architecture.CellType, architecture.EmbeddingSize, architecture.HiddenSize, random,
            architecture.NumberOfLayers, architecture.Bidirectional, architecture.NumberOfLayers > 1 ? architecture.Dropout : 0f, "rnn.");
        _head = new Dense(Parameters, _rnn.OutputSize, architecture.ClassCount, random, "head.");
        _dropoutRandom = random.Fork();
    }

    public ClassifierArchitecture Architecture { get; }

    /// <summary>Gets every random stream training draws from inside the network, in a fixed order (for checkpoints).</summary>
    internal IReadOnlyList<SeededRandom> RandomStreams => [_rnn.DropoutRandom, _dropoutRandom];

    /// <summary>Gets, after a max-pooling Forward, the time step each (row, feature) maximum came from (B, P).</summary>
    internal ReadOnlySpan<int> MaxPoolingChoices => _argMax;

    public ParameterStore Parameters { get; }

    public Embedding Embedding => _embedding;

    public RecurrentStack Rnn => _rnn;

    public Dense Head => _head;

    private int SummarySize => _rnn.OutputSize;

    /// <summary>A network with the same architecture and a copy of the weights, for another thread.</summary>
    public SequenceClassifierNetwork Clone()
    {
        var copy = new SequenceClassifierNetwork(Architecture, new SeededRandom(0));
        Parameters.Values.CopyTo(copy.Parameters.Values);
        return copy;
    }

    /// <summary>
    /// Runs the batch; writes class probabilities (B, C) when asked and returns the mean cross-entropy when targets are
    /// given (else 0). Keeps what <see cref="Backward"/> needs.
    /// </summary>
    public double Forward(SequenceBatch batch, bool training, ReadOnlySpan<int> targets, Span<float> probabilities)
    {
        _batch = batch;
        int t = batch.TimeSteps, b = batch.BatchSize, e = Architecture.EmbeddingSize, p = SummarySize, c = Architecture.ClassCount;
        Buffers.Ensure(ref _x, t * b * e);
        Buffers.Ensure(ref _output, t * b * p);
        Buffers.Ensure(ref _hN, _rnn.StateCount * b * Architecture.HiddenSize);
        Buffers.Ensure(ref _summary, b * p);
        Buffers.Ensure(ref _pooled, b * p);
        Buffers.Ensure(ref _logits, b * c);
        Buffers.Ensure(ref _dLogits, b * c);
        _embedding.Forward(batch.Ids, _x.AsSpan(0, t * b * e));
        _rnn.Forward(_x.AsSpan(0, t * b * e), t, b, batch.Lengths, _output.AsSpan(0, t * b * p), hN: _hN.AsSpan(0, _rnn.StateCount * b * Architecture.HiddenSize), training: training);
        Pool(b, t);

        // Dropout on the summary (training only), then the head.
        Span<float> pooled = _pooled.AsSpan(0, b * p);
        _summary.AsSpan(0, b * p).CopyTo(pooled);
        _dropped = training && Architecture.Dropout > 0f;
        if (_dropped)
        {
            Buffers.Ensure(ref _dropMask, b * p);
            DropoutMask.Apply(_dropoutRandom, Architecture.Dropout, _dropMask.AsSpan(0, b * p), pooled);
        }

        Span<float> logits = _logits.AsSpan(0, b * c);
        _head.Forward(pooled, b, logits);
        if (!probabilities.IsEmpty)
        {
            for (int row = 0; row < b; row++)
            {
                TensorPrimitives.SoftMax(logits.Slice(row * c, c), probabilities.Slice(row * c, c));
            }
        }

        return targets.IsEmpty ? 0 : SoftmaxCrossEntropy.ComputeExact(logits, targets, c, _dLogits.AsSpan(0, b * c), nonFiniteIsNaN: training);
    }

    /// <summary>Adds the gradient of the last <see cref="Forward"/>'s loss to every parameter.</summary>
    public void Backward()
    {
        var batch = _batch ?? throw new InvalidOperationException("Backward needs a Forward with targets first.");
        int t = batch.TimeSteps, b = batch.BatchSize, e = Architecture.EmbeddingSize, p = SummarySize, h = Architecture.HiddenSize;
        Buffers.Ensure(ref _dPooled, b * p);
        Span<float> dPooled = _dPooled.AsSpan(0, b * p);
        _head.Backward(_pooled.AsSpan(0, b * p), _dLogits.AsSpan(0, b * Architecture.ClassCount), b, dPooled);
        if (_dropped)
        {
            TensorPrimitives.Multiply(dPooled, _dropMask.AsSpan(0, b * p), dPooled);
        }

        Buffers.Ensure(ref _dx, t * b * e);
        Span<float> dx = _dx.AsSpan(0, t * b * e);
        if (Architecture.Pooling == SequencePooling.FinalState)
        {
            Buffers.Ensure(ref _dHN, _rnn.StateCount * b * h);
            Span<float> dHN = _dHN.AsSpan(0, _rnn.StateCount * b * h);
            dHN.Clear();
            int top = (Architecture.NumberOfLayers - 1) * _rnn.Directions;
            for (int row = 0; row < b; row++)
            {
                for (int d = 0; d < _rnn.Directions; d++)
                {
                    dPooled.Slice((row * p) + (d * h), h).CopyTo(dHN.Slice((((top + d) * b) + row) * h));
                }
            }

            _rnn.Backward(default, dHN, default, dx);
        }
        else
        {
            Buffers.Ensure(ref _dOut, t * b * p);
            Span<float> dOut = _dOut.AsSpan(0, t * b * p);
            dOut.Clear();
            for (int row = 0; row < b; row++)
            {
                int len = batch.Lengths[row];
                ReadOnlySpan<float> g = dPooled.Slice(row * p, p);
                for (int step = 0; step < len; step++)
                {
                    Span<float> target = dOut.Slice(((step * b) + row) * p, p);
                    if (Architecture.Pooling == SequencePooling.Mean)
                    {
                        TensorPrimitives.Multiply(g, 1f / len, target);
                    }
                }

                if (Architecture.Pooling == SequencePooling.Max)
                {
                    for (int j = 0; j < p; j++)
                    {
                        dOut[(((_argMax[(row * p) + j] * b) + row) * p) + j] = g[j];
                    }
                }
            }

            _rnn.Backward(dOut, default, default, dx);
        }

        _embedding.Backward(batch.Ids, dx);
    }

    private void Pool(int b, int t)
    {
        int p = SummarySize, h = Architecture.HiddenSize;
        Span<float> summary = _summary.AsSpan(0, b * p);
        var lengths = _batch!.Lengths;
        switch (Architecture.Pooling)
        {
            case SequencePooling.FinalState:
                int top = (Architecture.NumberOfLayers - 1) * _rnn.Directions;
                for (int row = 0; row < b; row++)
                {
                    for (int d = 0; d < _rnn.Directions; d++)
                    {
                        _hN.AsSpan((((top + d) * b) + row) * h, h).CopyTo(summary.Slice((row * p) + (d * h), h));
                    }
                }

                break;
            case SequencePooling.Mean:
                summary.Clear();
                for (int row = 0; row < b; row++)
                {
                    Span<float> s = summary.Slice(row * p, p);
                    for (int step = 0; step < lengths[row]; step++)
                    {
                        TensorPrimitives.Add(s, _output.AsSpan(((step * b) + row) * p, p), s);
                    }

                    TensorPrimitives.Multiply(s, 1f / lengths[row], s);
                }

                break;
            default:
                if (_argMax.Length < b * p)
                {
                    _argMax = new int[b * p];
                }

                for (int row = 0; row < b; row++)
                {
                    for (int j = 0; j < p; j++)
                    {
                        float best = float.NegativeInfinity;
                        int at = 0;
                        for (int step = 0; step < lengths[row]; step++)
                        {
                            float v = _output[(((step * b) + row) * p) + j];
                            if (v > best)
                            {
                                best = v;
                                at = step;
                            }
                        }

                        summary[(row * p) + j] = best;
                        _argMax[(row * p) + j] = at;
                    }
                }

                break;
        }
    }
}
