using System.Numerics.Tensors;
using MLNetRnn.Layers;
using MLNetRnn.Numerics;
using MLNetRnn.Training;

namespace MLNetRnn.SequenceToSequence;

// Ts = source steps, Tt = target steps, B = batch (or beam) rows, E = embedding, H = encoder hidden per direction,
// M = D*H (memory width), Hd = decoder hidden, Ld = decoder layers, Hc = combined width, Vt = target vocabulary.

/// <summary>
/// Encoder–decoder with optional attention, Luong style: the encoder reads the source; a bridge maps its top layer's
/// final states to the decoder's initial states (<c>h0 = tanh(W [h_fwd; h_bwd] + b)</c>, per decoder layer; c0 likewise for an
/// LSTM decoder); the decoder reads <c>&lt;BOS&gt; y1 … yn</c>; attention over the encoder outputs gives a context per
/// decoder step; <c>combined = tanh(W_c [context; h_dec] + b_c)</c>; <c>logits = W_o combined + b_o</c>, where W_o may be
/// the target embedding (tied). Tensors are named like a PyTorch module (<c>encoder.embedding.weight</c>,
/// <c>encoder.rnn.weight_ih_l0</c>, <c>bridge.weight</c>, <c>decoder.rnn.…</c>, <c>attention.…</c>, <c>combine.weight</c>, <c>head.bias</c>).
/// Not thread-safe: one instance per thread (<see cref="Clone"/>).
/// </summary>
internal sealed partial class Seq2SeqNetwork : IStepDecoder
{
    private readonly Embedding _sourceEmbedding, _targetEmbedding;
    private readonly RecurrentStack _encoder, _decoder;
    private readonly Dense _bridgeH;
    private readonly Dense? _bridgeC;
    private readonly Attention? _attention;
    private readonly Dense? _combine;
    private readonly Dense _head;
    private readonly SeededRandom _dropoutRandom;
    private Seq2SeqBatch? _batch;
    private float _labelSmoothing;
    private bool _dropped;

    // Activations kept for backward (grown, reused).
    private float[] _xs = [], _enc = [], _encHN = [], _summary = [], _bridgeOut = [], _bridgeOutC = [], _h0 = [], _c0 = [];
    private float[] _xt = [], _dec = [], _context = [], _weights = [], _combIn = [], _combined = [], _mask = [], _logits = [], _dLogits = [];
    private float[] _dCombined = [], _dCombIn = [], _dDec = [], _dContextDec = [], _dEnc = [], _dXt = [], _dH0 = [], _dC0 = [];
    private float[] _dBridge = [], _dSummary = [], _dSummaryC = [], _dEncHN = [], _dXs = [], _decHN = [], _decCN = [];

    public Seq2SeqNetwork(Seq2SeqArchitecture a, SeededRandom random)
    {
        Architecture = a;
        Parameters = new ParameterStore();
        _sourceEmbedding = new Embedding(Parameters, a.SourceVocabularySize, a.EmbeddingSize, random, 0, "encoder.embedding.");
        _encoder = new RecurrentStack(Parameters, a.EncoderCell, a.EmbeddingSize, a.HiddenSize, random, a.EncoderLayers, a.Bidirectional,
            a.EncoderLayers > 1 ? a.Dropout : 0f, "encoder.rnn.");
        _bridgeH = new Dense(Parameters, MemorySize, a.DecoderLayers * a.DecoderHiddenSize, random, "bridge.");
        _bridgeC = a.DecoderCell == RecurrentCellType.Lstm ? new Dense(Parameters, MemorySize, a.DecoderLayers * a.DecoderHiddenSize, random, "bridge_c.") : null;
        _targetEmbedding = new Embedding(Parameters, a.TargetVocabularySize, a.EmbeddingSize, random, 0, "decoder.embedding.");
        _decoder = new RecurrentStack(Parameters, a.DecoderCell, a.EmbeddingSize, a.DecoderHiddenSize, random, a.DecoderLayers, false,
            a.DecoderLayers > 1 ? a.Dropout : 0f, "decoder.rnn.");
        if (a.Attention is { } score)
        {
            _attention = new Attention(Parameters, score, a.DecoderHiddenSize, MemorySize, random, 0, "attention.");
        }

        int combinedSize = a.TieEmbeddings ? a.EmbeddingSize : a.DecoderHiddenSize;
        int combineInput = (_attention is null ? 0 : MemorySize) + a.DecoderHiddenSize;
        if (_attention is not null || combinedSize != a.DecoderHiddenSize)
        {
            _combine = new Dense(Parameters, combineInput, combinedSize, random, "combine.");
        }

        _head = a.TieEmbeddings
            ? new Dense(Parameters, _targetEmbedding.Weight, random, "head.")
            : new Dense(Parameters, combinedSize, a.TargetVocabularySize, random, "head.");
        CombinedSize = combinedSize;
        _dropoutRandom = random.Fork();
    }

    public Seq2SeqArchitecture Architecture { get; }

    /// <summary>Gets every random stream training draws from inside the network, in a fixed order (for checkpoints).</summary>
    internal IReadOnlyList<SeededRandom> RandomStreams => [_encoder.DropoutRandom, _decoder.DropoutRandom, _dropoutRandom];

    public ParameterStore Parameters { get; }

    /// <summary>Gets M = D*H, the width of the encoder outputs attention reads.</summary>
    public int MemorySize => (Architecture.Bidirectional ? 2 : 1) * Architecture.HiddenSize;

    internal int CombinedSize { get; }

    internal Embedding SourceEmbedding => _sourceEmbedding;

    internal Embedding TargetEmbedding => _targetEmbedding;

    internal RecurrentStack Encoder => _encoder;

    internal RecurrentStack Decoder => _decoder;

    internal Dense BridgeH => _bridgeH;

    internal Dense? BridgeC => _bridgeC;

    internal Dense? CombineLayer => _combine;

    internal Dense Head => _head;

    private int StateSize => Architecture.DecoderLayers * Architecture.DecoderHiddenSize;

    public Seq2SeqNetwork Clone()
    {
        var copy = new Seq2SeqNetwork(Architecture, new SeededRandom(0));
        Parameters.Values.CopyTo(copy.Parameters.Values);
        return copy;
    }

    /// <summary>Teacher-forced forward pass; returns the mean cross-entropy over real target tokens (<c>&lt;EOS&gt;</c> included).</summary>
    public double Forward(Seq2SeqBatch batch, bool training, float labelSmoothing)
    {
        _batch = batch;
        _labelSmoothing = labelSmoothing;
        var src = batch.Source;
        int ts = src.TimeSteps, tt = batch.TargetSteps, b = batch.BatchSize, e = Architecture.EmbeddingSize, m = MemorySize, hd = Architecture.DecoderHiddenSize;
        Encode(src.Ids, ts, b, src.Lengths, training);

        // Decoder over <BOS> y1 … yn.
        Buffers.Ensure(ref _xt, tt * b * e);
        Buffers.Ensure(ref _dec, tt * b * hd);
        _targetEmbedding.Forward(batch.DecoderInput, _xt.AsSpan(0, tt * b * e));
        _decoder.Forward(_xt.AsSpan(0, tt * b * e), tt, b, batch.TargetLengths, _dec.AsSpan(0, tt * b * hd),
            h0: _h0.AsSpan(0, b * StateSize), c0: HasC ? _c0.AsSpan(0, b * StateSize) : default, training: training);

        int rows = tt * b;
        Span<float> combined = Combine(rows, tt, b, _enc.AsSpan(0, ts * b * m), ts, src.Lengths, m, hd);
        _dropped = training && Architecture.Dropout > 0f;
        if (_dropped)
        {
            Buffers.Ensure(ref _mask, rows * CombinedSize);
            DropoutMask.Apply(_dropoutRandom, Architecture.Dropout, _mask.AsSpan(0, rows * CombinedSize), combined);
        }

        int v = Architecture.TargetVocabularySize;
        Buffers.Ensure(ref _logits, rows * v);
        Buffers.Ensure(ref _dLogits, rows * v);
        _head.Forward(combined, rows, _logits.AsSpan(0, rows * v));
        return SoftmaxCrossEntropy.ComputeExact(_logits.AsSpan(0, rows * v), batch.Targets, v, _dLogits.AsSpan(0, rows * v), Seq2SeqBatch.IgnoreTarget,
            LossReduction.Mean, labelSmoothing, nonFiniteIsNaN: training);
    }

    /// <summary>
    /// The model's own most likely token at every target position of a teacher-forced pass (no gradient), for scheduled
    /// sampling: entry <c>t * B + b</c> predicts the target at step t of row b.
    /// </summary>
    public int[] PredictTeacherForced(Seq2SeqBatch batch)
    {
        Forward(batch, training: false, labelSmoothing: 0f);
        int rows = batch.TargetSteps * batch.BatchSize, v = Architecture.TargetVocabularySize;
        var predictions = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            predictions[r] = TensorPrimitives.IndexOfMax(_logits.AsSpan(r * v, v));
        }

        return predictions;
    }

    /// <summary>The logits (Tt·B, Vt) of a teacher-forced inference pass, row <c>t * B + b</c> for step t of row b (a copy; for checks).</summary>
    internal float[] TeacherForcedLogits(Seq2SeqBatch batch)
    {
        Forward(batch, training: false, labelSmoothing: 0f);
        return _logits.AsSpan(0, batch.TargetSteps * batch.BatchSize * Architecture.TargetVocabularySize).ToArray();
    }

    /// <summary>Adds the gradient of the last <see cref="Forward"/>'s loss to every parameter.</summary>
    public void Backward()
    {
        var batch = _batch ?? throw new InvalidOperationException("Backward needs a Forward first.");
        var src = batch.Source;
        int ts = src.TimeSteps, tt = batch.TargetSteps, b = batch.BatchSize, e = Architecture.EmbeddingSize, m = MemorySize, hd = Architecture.DecoderHiddenSize;
        int rows = tt * b, v = Architecture.TargetVocabularySize, hc = CombinedSize;
        Buffers.Ensure(ref _dCombined, rows * hc);
        Span<float> dCombined = _dCombined.AsSpan(0, rows * hc);
        _head.Backward(_combined.AsSpan(0, rows * hc), _dLogits.AsSpan(0, rows * v), rows, dCombined);
        if (_dropped)
        {
            TensorPrimitives.Multiply(dCombined, _mask.AsSpan(0, rows * hc), dCombined);
        }

        Buffers.Ensure(ref _dDec, rows * hd);
        Span<float> dDec = _dDec.AsSpan(0, rows * hd);
        Buffers.Ensure(ref _dEnc, ts * b * m);
        Span<float> dEnc = _dEnc.AsSpan(0, ts * b * m);
        dEnc.Clear();
        if (_combine is null)
        {
            dCombined.CopyTo(dDec);
        }
        else
        {
            // combined = tanh(pre): dpre = dcombined ⊙ (1 − combined²); the stored combined includes dropout, so use the pre-dropout copy.
            Span<float> dPre = dCombined;
            TanhBackward(_combinedPreDropout.AsSpan(0, rows * hc), dPre);
            int inWidth = _combine.InputSize;
            Buffers.Ensure(ref _dCombIn, rows * inWidth);
            Span<float> dCombIn = _dCombIn.AsSpan(0, rows * inWidth);
            _combine.Backward(_combIn.AsSpan(0, rows * inWidth), dPre, rows, dCombIn);
            if (_attention is null)
            {
                dCombIn.CopyTo(dDec);
            }
            else
            {
                Buffers.Ensure(ref _dContextDec, rows * hd);
                Buffers.Ensure(ref _contextGrad, rows * m);
                Span<float> dCtx = _contextGrad.AsSpan(0, rows * m);
                for (int r = 0; r < rows; r++)
                {
                    dCombIn.Slice(r * inWidth, m).CopyTo(dCtx.Slice(r * m, m));
                    dCombIn.Slice((r * inWidth) + m, hd).CopyTo(dDec.Slice(r * hd, hd));
                }

                Span<float> dQueries = _dContextDec.AsSpan(0, rows * hd);
                _attention.Backward(dCtx, dQueries, dEnc);
                TensorPrimitives.Add(dDec, dQueries, dDec);
            }
        }

        Buffers.Ensure(ref _dXt, rows * e);
        Buffers.Ensure(ref _dH0, b * StateSize);
        Buffers.Ensure(ref _dC0, b * StateSize);
        _decoder.Backward(dDec, default, default, _dXt.AsSpan(0, rows * e), _dH0.AsSpan(0, b * StateSize), HasC ? _dC0.AsSpan(0, b * StateSize) : default);
        _targetEmbedding.Backward(batch.DecoderInput, _dXt.AsSpan(0, rows * e));

        // Bridge: h0[l, b, :] = tanh(bridge(summary))[b, l*Hd : (l+1)*Hd].
        Buffers.Ensure(ref _dSummary, b * m);
        Span<float> dSummary = _dSummary.AsSpan(0, b * m);
        BridgeBackward(_bridgeH, _bridgeOut, _dH0, dSummary, b);
        if (_bridgeC is not null)
        {
            Buffers.Ensure(ref _dSummaryC, b * m);
            BridgeBackward(_bridgeC, _bridgeOutC, _dC0, _dSummaryC.AsSpan(0, b * m), b);
            TensorPrimitives.Add(dSummary, _dSummaryC.AsSpan(0, b * m), dSummary);
        }

        // Summary = [top forward final h; top reverse final h].
        int h = Architecture.HiddenSize, directions = Architecture.Bidirectional ? 2 : 1, top = (Architecture.EncoderLayers - 1) * directions;
        int s = Architecture.EncoderLayers * directions;
        Buffers.Ensure(ref _dEncHN, s * b * h);
        Span<float> dEncHN = _dEncHN.AsSpan(0, s * b * h);
        dEncHN.Clear();
        for (int row = 0; row < b; row++)
        {
            for (int d = 0; d < directions; d++)
            {
                dSummary.Slice((row * m) + (d * h), h).CopyTo(dEncHN.Slice((((top + d) * b) + row) * h, h));
            }
        }

        Buffers.Ensure(ref _dXs, ts * b * e);
        _encoder.Backward(dEnc, dEncHN, default, _dXs.AsSpan(0, ts * b * e));
        _sourceEmbedding.Backward(src.Ids, _dXs.AsSpan(0, ts * b * e));
    }

    private float[] _contextGrad = [], _combinedPreDropout = [];

    private bool HasC => Architecture.DecoderCell == RecurrentCellType.Lstm;

    /// <summary>Runs the encoder and the bridge; leaves the memory in <c>_enc</c> and the decoder's initial states in <c>_h0</c>/<c>_c0</c>.</summary>
    private void Encode(ReadOnlySpan<int> ids, int ts, int b, ReadOnlySpan<int> lengths, bool training)
    {
        int e = Architecture.EmbeddingSize, m = MemorySize, h = Architecture.HiddenSize;
        int directions = Architecture.Bidirectional ? 2 : 1, s = Architecture.EncoderLayers * directions, top = (Architecture.EncoderLayers - 1) * directions;
        Buffers.Ensure(ref _xs, ts * b * e);
        Buffers.Ensure(ref _enc, ts * b * m);
        Buffers.Ensure(ref _encHN, s * b * h);
        _sourceEmbedding.Forward(ids, _xs.AsSpan(0, ts * b * e));
        _encoder.Forward(_xs.AsSpan(0, ts * b * e), ts, b, lengths, _enc.AsSpan(0, ts * b * m), hN: _encHN.AsSpan(0, s * b * h), training: training);
        Buffers.Ensure(ref _summary, b * m);
        for (int row = 0; row < b; row++)
        {
            for (int d = 0; d < directions; d++)
            {
                _encHN.AsSpan((((top + d) * b) + row) * h, h).CopyTo(_summary.AsSpan((row * m) + (d * h), h));
            }
        }

        Buffers.Ensure(ref _h0, b * StateSize);
        Buffers.Ensure(ref _c0, b * StateSize);
        BridgeForward(_bridgeH, ref _bridgeOut, _h0, b);
        if (_bridgeC is not null)
        {
            BridgeForward(_bridgeC, ref _bridgeOutC, _c0, b);
        }
    }

    /// <summary>out = tanh(bridge(summary)) (B, Ld*Hd), rearranged into states (Ld, B, Hd).</summary>
    private void BridgeForward(Dense bridge, ref float[] output, float[] states, int b)
    {
        int hd = Architecture.DecoderHiddenSize, ld = Architecture.DecoderLayers;
        Buffers.Ensure(ref output, b * ld * hd);
        Span<float> o = output.AsSpan(0, b * ld * hd);
        bridge.Forward(_summary.AsSpan(0, b * MemorySize), b, o);
        Activations.Tanh(o, o);
        for (int row = 0; row < b; row++)
        {
            for (int l = 0; l < ld; l++)
            {
                o.Slice((row * ld * hd) + (l * hd), hd).CopyTo(states.AsSpan(((l * b) + row) * hd, hd));
            }
        }
    }

    private void BridgeBackward(Dense bridge, float[] output, float[] dStates, Span<float> dSummary, int b)
    {
        int hd = Architecture.DecoderHiddenSize, ld = Architecture.DecoderLayers;
        Buffers.Ensure(ref _dBridge, b * ld * hd);
        Span<float> d = _dBridge.AsSpan(0, b * ld * hd);
        for (int row = 0; row < b; row++)
        {
            for (int l = 0; l < ld; l++)
            {
                dStates.AsSpan(((l * b) + row) * hd, hd).CopyTo(d.Slice((row * ld * hd) + (l * hd), hd));
            }
        }

        TanhBackward(output.AsSpan(0, b * ld * hd), d);
        bridge.Backward(_summary.AsSpan(0, b * MemorySize), d, b, dSummary);
    }

    /// <summary>Attention and the combine layer for <paramref name="rows"/> decoder outputs in <c>_dec</c>; returns the combined rows.</summary>
    private Span<float> Combine(int rows, int tq, int b, ReadOnlySpan<float> memory, int ts, ReadOnlySpan<int> sourceLengths, int m, int hd)
    {
        if (_combine is null)
        {
            Buffers.Ensure(ref _combined, rows * hd);
            Buffers.Ensure(ref _combinedPreDropout, rows * hd);
            _dec.AsSpan(0, rows * hd).CopyTo(_combined);
            return _combined.AsSpan(0, rows * hd);
        }

        int inWidth = _combine.InputSize, hc = CombinedSize;
        Buffers.Ensure(ref _combIn, rows * inWidth);
        Span<float> combIn = _combIn.AsSpan(0, rows * inWidth);
        if (_attention is null)
        {
            _dec.AsSpan(0, rows * hd).CopyTo(combIn);
        }
        else
        {
            Buffers.Ensure(ref _context, rows * m);
            Buffers.Ensure(ref _weights, rows * ts);
            _attention.Forward(_dec.AsSpan(0, rows * hd), tq, memory, ts, b, sourceLengths, _context.AsSpan(0, rows * m), _weights.AsSpan(0, rows * ts));
            for (int r = 0; r < rows; r++)
            {
                _context.AsSpan(r * m, m).CopyTo(combIn.Slice(r * inWidth, m));
                _dec.AsSpan(r * hd, hd).CopyTo(combIn.Slice((r * inWidth) + m, hd));
            }
        }

        Buffers.Ensure(ref _combined, rows * hc);
        Buffers.Ensure(ref _combinedPreDropout, rows * hc);
        Span<float> combined = _combined.AsSpan(0, rows * hc);
        _combine.Forward(combIn, rows, combined);
        Activations.Tanh(combined, combined);
        combined.CopyTo(_combinedPreDropout);
        return combined;
    }

    private static void TanhBackward(ReadOnlySpan<float> y, Span<float> grad)
    {
        for (int i = 0; i < grad.Length; i++)
        {
            grad[i] *= 1f - (y[i] * y[i]);
        }
    }
}
