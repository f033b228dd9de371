using System.Numerics.Tensors;
using MLNetRnn.Layers;
using MLNetRnn.Numerics;
using MLNetRnn.Training;

namespace MLNetRnn.SequenceToSequence;

// R = decoding rows, S = sources (sentences) of the session, Ts = their longest length, M = memory width, Hd = decoder
// hidden, G = gates per cell (LSTM 4, GRU 3, RNN 1), Ld = decoder layers, E = embedding, Hc = combined width,
// A = additive attention width, Vt = target vocabulary.

/// <summary>
/// Inference decoding, one step at a time over R rows (beam slots or greedy rows): the same function as the
/// teacher-forced <see cref="Forward"/>, arranged for steps. What depends only on the sources is computed once per
/// session (<see cref="StartDecoding"/>) and per sentence, not per row: the attention keys (<c>W_a m_s</c> for the general
/// score, <c>W_m m_s + b</c> for the additive one) and the context's share of the combine layer (<c>W_c,ctx m_s</c>, so a
/// step mixes these by the attention weights instead of multiplying a context by W_c,ctx). The first decoder layer's input
/// gates of a token (<c>W_ih e_tok + b</c>) are computed once per token and session. Rows point at their source; rows of
/// one sentence share it, so a step may keep, copy or drop rows (its parents) by moving states only.
/// </summary>
/// <remarks>
/// A step equals <see cref="Forward"/> on the same prefix to float rounding (sums are associated differently), which
/// <c>Seq2SeqDecodingTests</c> checks. Whether a row's result depends on the other rows of the step: attention, the
/// activations and the log-softmax are per row; the products' kernels may take another path for another number of rows.
/// </remarks>
internal sealed partial class Seq2SeqNetwork : ITwoPartWork
{
    // Per session: sources' memory (S, Ts, M) source-major, keys (S, Ts, Hq) or additive projections (S, Ts, A),
    // context shares of the combine layer (S, Ts, Hc), source lengths (S); token input gates (Vt, G*Hd) filled on first use.
    private float[] _sessionMemory = [], _keys = [], _contextShare = [], _tokenGates = [];
    private bool[] _tokenReady = [];
    private int[] _sourceLengths = [], _rowSource = [], _nextRowSource = [], _newTokens = [];
    private int _memorySteps, _decodeRows, _rowCapacity;

    // Per step: states (Ld, R, Hd) and the next states, gates (R, G*Hd), hidden gates (GRU), query/additive scratch,
    // attention weights (R, Ts), combined (R, Hc), new-token scratch.
    private float[] _stateH = [], _stateC = [], _nextH = [], _nextC = [], _gates = [], _hiddenGates = [], _queryProjection = [];
    private float[] _stepWeights = [], _stepCombined = [], _stepLogits = [], _tokenScratch = [];
    private readonly float[][] _partScratch = [[], []]; // per row part: (Vt) log-softmax or (A) additive scratch

    // Weights packed once per session for the step's products (sessions of PackRows rows or more; below, packing would
    // cost more than it saves): per layer W_hh and (layers ≥ 1) W_ih, the combine layer's decoder share, the head, and
    // the additive score's W_q.
    private const int PackRows = 32;
    private PackedMatrix?[] _packedHh = [], _packedIh = [];
    private PackedMatrix? _packedCombine, _packedHead, _packedQuery;
    private bool _usePacked;

    // The decoder stack's tensors per layer, looked up by name once (they are views of the store: training updates show).
    private DecoderLayerWeights[]? _layerWeights;

    private sealed record DecoderLayerWeights(Parameter WeightIh, Parameter WeightHh, Parameter BiasIh, Parameter BiasHh);

    private DecoderLayerWeights[] LayerWeights => _layerWeights ??= [.. Enumerable.Range(0, Architecture.DecoderLayers).Select(l => new DecoderLayerWeights(
        Parameters[$"decoder.rnn.weight_ih_l{l}"], Parameters[$"decoder.rnn.weight_hh_l{l}"], Parameters[$"decoder.rnn.bias_ih_l{l}"], Parameters[$"decoder.rnn.bias_hh_l{l}"]))];

    // A step of this many rows or more runs as two halves of rows (TwoWay); the split depends on R only, so results do not
    // depend on the thread count. The step's parents and tokens (R) and the previous step's row count, for the parts.
    private const int MinRowsToSplit = 16;
    private int[] _stepParents = [], _stepTokens = [];
    private int _stepFrom;

    /// <summary>Gets the source length (the longest) of the sentences being decoded.</summary>
    public int MemorySteps => _memorySteps;

    int IStepDecoder.Rows => _decodeRows;

    int IStepDecoder.VocabularySize => Architecture.TargetVocabularySize;

    int IStepDecoder.AttentionWidth => _attention is null ? 0 : _memorySteps;

    void IStepDecoder.Step(ReadOnlySpan<int> parents, ReadOnlySpan<int> tokens, Span<float> logProbabilities, Span<float> attention) =>
        DecodeStep(parents, tokens, logProbabilities, attention);

    private int Gates => Architecture.DecoderCell.Gates();

    /// <summary>
    /// Encodes the given sources (inference mode) and prepares <paramref name="copies"/> decoding rows per source
    /// (row <c>j * copies + c</c> decodes source j): keys, context shares and initial decoder states.
    /// </summary>
    public void StartDecoding(IReadOnlyList<int[]> sources, ReadOnlySpan<int> rows, int copies)
    {
        var batch = SequenceBatch.Create(sources, rows);
        int ts = batch.TimeSteps, b = batch.BatchSize, m = MemorySize, hd = Architecture.DecoderHiddenSize, ld = Architecture.DecoderLayers;
        Encode(batch.Ids, ts, b, batch.Lengths, training: false);
        int r = b * copies;
        (_memorySteps, _decodeRows, _rowCapacity) = (ts, r, r);
        Buffers.Ensure(ref _sourceLengths, b);
        Buffers.Ensure(ref _rowSource, r);
        Buffers.Ensure(ref _nextRowSource, r);
        Buffers.Ensure(ref _stateH, ld * r * hd);
        Buffers.Ensure(ref _stateC, ld * r * hd);
        Buffers.Ensure(ref _nextH, ld * r * hd);
        Buffers.Ensure(ref _nextC, ld * r * hd);
        for (int j = 0; j < b; j++)
        {
            _sourceLengths[j] = batch.Lengths[j];
            for (int c = 0; c < copies; c++)
            {
                int row = (j * copies) + c;
                _rowSource[row] = j;
                for (int l = 0; l < ld; l++)
                {
                    _h0.AsSpan(((l * b) + j) * hd, hd).CopyTo(_stateH.AsSpan(((l * r) + row) * hd, hd));
                    _c0.AsSpan(((l * b) + j) * hd, hd).CopyTo(_stateC.AsSpan(((l * r) + row) * hd, hd));
                }
            }
        }

        int vt = Architecture.TargetVocabularySize;
        Buffers.Ensure(ref _tokenReady, vt);
        Array.Clear(_tokenReady, 0, vt);
        Buffers.Ensure(ref _tokenGates, vt * Gates * hd);
        PackWeights(r >= PackRows);
        if (_attention is null)
        {
            return;
        }

        // Source-major memory, so that each sentence's Ts rows are one matrix.
        Buffers.Ensure(ref _sessionMemory, b * ts * m);
        for (int j = 0; j < b; j++)
        {
            for (int t = 0; t < ts; t++)
            {
                _enc.AsSpan(((t * b) + j) * m, m).CopyTo(_sessionMemory.AsSpan(((j * ts) + t) * m, m));
            }
        }

        ReadOnlySpan<float> memory = _sessionMemory.AsSpan(0, b * ts * m);
        switch (_attention.Score)
        {
            case AttentionScore.General:
                // score = q · (W_a m): keys (S·Ts, Hq) = memory · W_aᵀ, W_a (Hq, M)
                Buffers.Ensure(ref _keys, b * ts * hd);
                Gemm.Multiply(false, true, b * ts, hd, m, 1f, memory, m, _attention.LinearIn!.Value, m, 0f, _keys, hd);
                break;
            case AttentionScore.Additive:
                // W_m m + b (S·Ts, A)
                ReadOnlySpan<float> bias = _attention.MemoryBias!.Value;
                int a = bias.Length;
                Buffers.Ensure(ref _keys, b * ts * a);
                Span<float> projected = _keys.AsSpan(0, b * ts * a);
                Gemm.Multiply(false, true, b * ts, a, m, 1f, memory, m, _attention.MemoryWeight!.Value, m, 0f, projected, a);
                for (int i = 0; i < b * ts; i++)
                {
                    TensorPrimitives.Add(projected.Slice(i * a, a), bias, projected.Slice(i * a, a));
                }

                break;
        }

        // The context's share of the combine layer: W_c [c; h] = Σₛ αₛ (W_c,ctx mₛ) + W_c,dec h, W_c (Hc, M + Hd).
        int hc = CombinedSize;
        Buffers.Ensure(ref _contextShare, b * ts * hc);
        Gemm.Multiply(false, true, b * ts, hc, m, 1f, memory, m, _combine!.Weight.Value, m + hd, 0f, _contextShare, hc);
    }

    /// <summary>
    /// One decoder step: the step has R = <c>parents.Length</c> rows (at most the rows <see cref="StartDecoding"/> made); row k
    /// continues row <c>parents[k]</c> of the previous step (its state and source) and reads <c>tokens[k]</c>. Writes
    /// log-probabilities (R, Vt) and, when asked, attention weights (R, Ts); the step's rows are the next step's parents.
    /// </summary>
    /// <remarks>
    /// A row's step reads only its own inputs, so a step of <see cref="MinRowsToSplit"/> rows or more runs as two halves of
    /// rows, each through the whole step — the states' gather, every layer's products and cell, attention, the combine
    /// layer, the head and the log-softmax — on two threads when the engine has them: one fork and join per step, and no
    /// part of the step left to one thread. The halves depend on R only, so the bits do not depend on the thread count.
    /// </remarks>
    public void DecodeStep(ReadOnlySpan<int> parents, ReadOnlySpan<int> tokens, Span<float> logProbs, Span<float> attention)
    {
        int before = _decodeRows, r = parents.Length, v = Architecture.TargetVocabularySize;
        if (r > _rowCapacity || tokens.Length != r)
        {
            throw new ArgumentException($"A step of {r} parents and {tokens.Length} tokens: both must have the same length, at most the {_rowCapacity} rows StartDecoding made.",
                nameof(parents));
        }

        Buffers.Ensure(ref _stepParents, r);
        Buffers.Ensure(ref _stepTokens, r);
        for (int k = 0; k < r; k++)
        {
            if ((uint)parents[k] >= (uint)before)
            {
                throw new ArgumentOutOfRangeException(nameof(parents), parents[k], $"Row {k}'s parent must be a row of the previous step, below {before}.");
            }

            if ((uint)tokens[k] >= (uint)v)
            {
                throw new ArgumentOutOfRangeException(nameof(tokens), tokens[k], $"Row {k}'s token must be a target id below {v}.");
            }

            _nextRowSource[k] = _rowSource[parents[k]];
            (_stepParents[k], _stepTokens[k]) = (parents[k], tokens[k]);
        }

        (_rowSource, _nextRowSource) = (_nextRowSource, _rowSource);
        (_stepFrom, _decodeRows) = (before, r);
        FillTokenGates(tokens);
        EnsureStepBuffers(r);
        if (r >= MinRowsToSplit)
        {
            TwoWay.Run(this);
        }
        else
        {
            StepRows(0, 0, r, split: true);
        }

        // The step's states become the rows' states.
        (_stateH, _nextH) = (_nextH, _stateH);
        (_stateC, _nextC) = (_nextC, _stateC);
        _stepLogits.AsSpan(0, r * v).CopyTo(logProbs);
        if (!attention.IsEmpty && _attention is not null)
        {
            _stepWeights.AsSpan(0, r * _memorySteps).CopyTo(attention);
        }
    }

    void ITwoPartWork.Execute(int part)
    {
        int mid = _decodeRows / 2;
        if (part == 0)
        {
            StepRows(0, 0, mid, split: false);
        }
        else
        {
            StepRows(1, mid, _decodeRows, split: false);
        }
    }

    /// <summary>Sizes the step's buffers for R rows before the parts write them.</summary>
    private void EnsureStepBuffers(int r)
    {
        int gh = Gates * Architecture.DecoderHiddenSize;
        Buffers.Ensure(ref _gates, r * gh);
        if (Architecture.DecoderCell == RecurrentCellType.Gru)
        {
            Buffers.Ensure(ref _hiddenGates, r * gh);
        }

        if (_combine is not null)
        {
            Buffers.Ensure(ref _stepCombined, r * CombinedSize);
        }

        if (_attention is not null)
        {
            Buffers.Ensure(ref _stepWeights, r * _memorySteps);
            if (_attention.Score == AttentionScore.Additive)
            {
                Buffers.Ensure(ref _queryProjection, r * _attention.V!.Length);
            }
        }

        Buffers.Ensure(ref _stepLogits, r * Architecture.TargetVocabularySize);
    }

    /// <summary>
    /// The whole step for rows [lo, hi) of this step's R rows: their states gathered from their parents into
    /// <c>_nextH</c>/<c>_nextC</c> and advanced through every layer, then attention, the combine layer, the head and the
    /// log-softmax into <c>_stepLogits</c>. <paramref name="split"/>: whether a product may run as two column halves
    /// (false inside a part of a split step).
    /// </summary>
    private void StepRows(int part, int lo, int hi, bool split)
    {
        int r = _decodeRows, before = _stepFrom, n = hi - lo, hd = Architecture.DecoderHiddenSize, ld = Architecture.DecoderLayers, gh = Gates * hd;
        for (int l = 0; l < ld; l++)
        {
            for (int k = lo; k < hi; k++)
            {
                _stateH.AsSpan(((l * before) + _stepParents[k]) * hd, hd).CopyTo(_nextH.AsSpan(((l * r) + k) * hd, hd));
                _stateC.AsSpan(((l * before) + _stepParents[k]) * hd, hd).CopyTo(_nextC.AsSpan(((l * r) + k) * hd, hd));
            }
        }

        Span<float> gates = _gates.AsSpan(lo * gh, n * gh);
        for (int l = 0; l < ld; l++)
        {
            // _nextH/_nextC hold each row's state before the step; they are overwritten with the state after it.
            Span<float> h = _nextH.AsSpan(((l * r) + lo) * hd, n * hd);
            if (l == 0)
            {
                for (int k = lo; k < hi; k++)
                {
                    _tokenGates.AsSpan(_stepTokens[k] * gh, gh).CopyTo(_gates.AsSpan(k * gh, gh));
                }
            }
            else
            {
                InputGates(l, _nextH.AsSpan((((l - 1) * r) + lo) * hd, n * hd), n, gates, split);
            }

            ReadOnlySpan<float> whh = LayerWeights[l].WeightHh.Value;
            if (Architecture.DecoderCell == RecurrentCellType.Gru)
            {
                // hg = h W_hhᵀ + b_hh, kept apart from the input gates (n reads r ⊙ hg_n)
                Product(h, n, hd, whh, hd, gh, Packed(_packedHh[l]), 0f, _hiddenGates.AsSpan(lo * gh, n * gh), split);
            }
            else
            {
                Product(h, n, hd, whh, hd, gh, Packed(_packedHh[l]), 1f, gates, split); // gates += h W_hhᵀ
            }

            CellRows(l, r, lo, hi);
        }

        // The query: the top layer's new hidden states of these rows.
        ReadOnlySpan<float> query = _nextH.AsSpan((((ld - 1) * r) + lo) * hd, n * hd);
        ReadOnlySpan<float> combined = CombineRows(part, query, lo, hi, split);
        int width = combined.Length / n, v = Architecture.TargetVocabularySize;
        Product(combined, n, width, _head.Weight.Value, width, v, Packed(_packedHead), 0f, _stepLogits.AsSpan(lo * v, n * v), split); // the bias is added per row below
        LogSoftmaxRows(part, lo, hi);
    }

    /// <summary>
    /// The head's bias and the log-softmax of logit rows [lo, hi), in place: z − max − log Σ exp(z − max);
    /// <c>&lt;PAD&gt;</c> and <c>&lt;BOS&gt;</c> at −∞.
    /// </summary>
    private void LogSoftmaxRows(int part, int lo, int hi)
    {
        int v = Architecture.TargetVocabularySize;
        Span<float> exp = Buffers.Grow(ref _partScratch[part], v);
        ReadOnlySpan<float> bias = _head.Bias.Value;
        for (int k = lo; k < hi; k++)
        {
            Span<float> row = _stepLogits.AsSpan(k * v, v);
            TensorPrimitives.Add(row, bias, row);
            TensorPrimitives.Subtract(row, TensorPrimitives.Max(row), row);
            Activations.Exp(row, exp);
            TensorPrimitives.Subtract(row, MathF.Log(TensorPrimitives.Sum(exp)), row);
            row[0] = float.NegativeInfinity; // <PAD> and <BOS> are never outputs
            row[2] = float.NegativeInfinity;
        }
    }

    /// <summary>
    /// Packs the weights of the step's products for this session, into the previous session's storage, or uses them
    /// unpacked (below <see cref="PackRows"/> rows packing would cost more than it saves).
    /// </summary>
    private void PackWeights(bool pack)
    {
        int ld = Architecture.DecoderLayers, hd = Architecture.DecoderHiddenSize, gh = Gates * hd;
        if (_packedHh.Length != ld)
        {
            _packedHh = new PackedMatrix?[ld];
            _packedIh = new PackedMatrix?[ld];
        }

        _usePacked = pack;
        if (!pack)
        {
            return;
        }

        var layers = LayerWeights;
        for (int l = 0; l < ld; l++)
        {
            _packedHh[l] = ManagedGemm.Pack(true, layers[l].WeightHh.Value, hd, hd, gh, _packedHh[l]);
            _packedIh[l] = l > 0 ? ManagedGemm.Pack(true, layers[l].WeightIh.Value, hd, hd, gh, _packedIh[l]) : null;
        }

        int m = MemorySize, hc = CombinedSize;
        _packedCombine = _attention is not null ? ManagedGemm.Pack(true, _combine!.Weight.Value[m..], m + hd, hd, hc, _packedCombine) : null;
        _packedHead = ManagedGemm.Pack(true, _head.Weight.Value, hc, hc, Architecture.TargetVocabularySize, _packedHead);
        _packedQuery = _attention?.Score == AttentionScore.Additive
            ? ManagedGemm.Pack(true, _attention.QueryWeight!.Value, hd, hd, _attention.V!.Length, _packedQuery)
            : null;
    }

    /// <summary>The packed weights of one product when this session uses packed weights, else null (the weights are read as they are).</summary>
    private PackedMatrix? Packed(PackedMatrix? weights) => _usePacked ? weights : null;

    /// <summary>
    /// y (rows, N) = x (rows, K) · Wᵀ + beta · y for W (N, K) with row stride <paramref name="ldw"/>: packed when this session
    /// packed it; <paramref name="split"/>: whether a large product may run as two column halves.
    /// </summary>
    private static void Product(ReadOnlySpan<float> x, int rows, int k, ReadOnlySpan<float> w, int ldw, int n, PackedMatrix? packed, float beta, Span<float> y,
        bool split)
    {
        if (packed is not null)
        {
            Gemm.MultiplyPacked(rows, 1f, x, k, packed, beta, y, n, split);
        }
        else
        {
            Gemm.MultiplyCore(false, true, rows, n, k, 1f, x, k, w, ldw, beta, y, n, split);
        }
    }

    /// <summary>Computes the first layer's input gates <c>W_ih e + b</c> of the tokens this session has not met yet.</summary>
    private void FillTokenGates(ReadOnlySpan<int> tokens)
    {
        int e = Architecture.EmbeddingSize, gh = Gates * Architecture.DecoderHiddenSize, n = 0;
        Buffers.Ensure(ref _newTokens, tokens.Length);
        foreach (int token in tokens)
        {
            if (!_tokenReady[token])
            {
                _tokenReady[token] = true;
                _newTokens[n++] = token;
            }
        }

        if (n == 0)
        {
            return;
        }

        Buffers.Ensure(ref _tokenScratch, n * (e + gh));
        Span<float> embedded = _tokenScratch.AsSpan(0, n * e), gates = _tokenScratch.AsSpan(n * e, n * gh);
        _targetEmbedding.Forward(_newTokens.AsSpan(0, n), embedded);
        InputGates(0, embedded, n, gates, split: true);
        for (int i = 0; i < n; i++)
        {
            gates.Slice(i * gh, gh).CopyTo(_tokenGates.AsSpan(_newTokens[i] * gh, gh));
        }
    }

    /// <summary>Input gates of decoder layer <paramref name="layer"/>: <c>x W_ihᵀ + b_ih</c>, plus <c>b_hh</c> where it is not kept apart (all but GRU).</summary>
    private void InputGates(int layer, ReadOnlySpan<float> x, int rows, Span<float> gates, bool split)
    {
        var weights = LayerWeights[layer];
        int gh = Gates * Architecture.DecoderHiddenSize, width = x.Length / rows;
        Product(x, rows, width, weights.WeightIh.Value, width, gh, layer > 0 ? Packed(_packedIh[layer]) : null, 0f, gates, split);
        ReadOnlySpan<float> biasIh = weights.BiasIh.Value, biasHh = weights.BiasHh.Value;
        for (int i = 0; i < rows; i++)
        {
            Span<float> row = gates.Slice(i * gh, gh);
            TensorPrimitives.Add(row, biasIh, row);
            if (Architecture.DecoderCell != RecurrentCellType.Gru)
            {
                TensorPrimitives.Add(row, biasHh, row);
            }
        }
    }

    /// <summary>The cell's activations and state update for rows [lo, hi) of layer <paramref name="layer"/>, from the gates in <c>_gates</c>.</summary>
    private void CellRows(int layer, int r, int lo, int hi)
    {
        int hd = Architecture.DecoderHiddenSize, gh = Gates * hd;
        Span<float> gates = _gates.AsSpan(0, r * gh), h = _nextH.AsSpan(layer * r * hd, r * hd), c = _nextC.AsSpan(layer * r * hd, r * hd);
        switch (Architecture.DecoderCell)
        {
            case RecurrentCellType.Lstm:
                // i, f, g, o = σ, σ, tanh, σ; c' = f c + i g; h' = o tanh(c')
                for (int k = lo; k < hi; k++)
                {
                    Span<float> row = gates.Slice(k * gh, gh), ck = c.Slice(k * hd, hd), hk = h.Slice(k * hd, hd);
                    Span<float> i = row[..hd], f = row.Slice(hd, hd), gg = row.Slice(2 * hd, hd), o = row.Slice(3 * hd, hd);
                    Activations.Sigmoid(row[..(2 * hd)], row[..(2 * hd)]);
                    Activations.Tanh(gg, gg);
                    Activations.Sigmoid(o, o);
                    TensorPrimitives.Multiply(f, ck, ck);
                    TensorPrimitives.MultiplyAdd(i, gg, ck, ck);
                    Activations.Tanh(ck, hk);
                    TensorPrimitives.Multiply(o, hk, hk);
                }

                break;
            case RecurrentCellType.Gru:
                // r, z = σ(x + hg); n = tanh(x_n + r hg_n); h' = n + z (h − n)
                ReadOnlySpan<float> bhh = LayerWeights[layer].BiasHh.Value;
                for (int k = lo; k < hi; k++)
                {
                    Span<float> row = gates.Slice(k * gh, gh), hrow = _hiddenGates.AsSpan(k * gh, gh), hk = h.Slice(k * hd, hd);
                    TensorPrimitives.Add(hrow, bhh, hrow);
                    Span<float> rz = row[..(2 * hd)], n = row.Slice(2 * hd, hd);
                    TensorPrimitives.Add(rz, hrow[..(2 * hd)], rz);
                    Activations.Sigmoid(rz, rz);
                    TensorPrimitives.MultiplyAdd(rz[..hd], hrow.Slice(2 * hd, hd), n, n);
                    Activations.Tanh(n, n);
                    TensorPrimitives.Subtract(hk, n, hk);
                    TensorPrimitives.MultiplyAdd(rz.Slice(hd, hd), hk, n, hk);
                }

                break;
            default:
                // h' = tanh(x W_ihᵀ + b + h W_hhᵀ)
                Activations.Tanh(gates[(lo * gh)..(hi * gh)], h[(lo * hd)..(hi * hd)]);
                break;
        }
    }

    /// <summary>
    /// Attention over each row's source and the combine layer (when there is one) for rows [lo, hi) of the step, from their
    /// query (the top layer's new h); returns these rows' input to the head (combined, or the query without a combine layer).
    /// </summary>
    private ReadOnlySpan<float> CombineRows(int part, ReadOnlySpan<float> query, int lo, int hi, bool split)
    {
        if (_combine is null)
        {
            return query;
        }

        int hd = Architecture.DecoderHiddenSize, hc = CombinedSize, n = hi - lo;
        Span<float> combined = _stepCombined.AsSpan(lo * hc, n * hc);
        if (_attention is null)
        {
            ReadOnlySpan<float> bias = _combine.Bias.Value;
            for (int k = 0; k < n; k++)
            {
                bias.CopyTo(combined.Slice(k * hc, hc));
            }

            Product(query, n, hd, _combine.Weight.Value, hd, hc, null, 1f, combined, split);
            Activations.Tanh(combined, combined);
            return combined;
        }

        // The decoder's share: h W_c,decᵀ, W_c,dec = the last Hd columns of W_c (Hc, M + Hd); the rest per row below.
        int m = MemorySize;
        Product(query, n, hd, _combine.Weight.Value[m..], m + hd, hc, Packed(_packedCombine), 0f, combined, split);
        if (_attention.Score == AttentionScore.Additive)
        {
            // W_q q (rows, A), one product for these rows
            int a = _attention.V!.Length;
            Product(query, n, hd, _attention.QueryWeight!.Value, hd, a, Packed(_packedQuery), 0f, _queryProjection.AsSpan(lo * a, n * a), split);
        }

        AttentionRows(part, query, lo, hi);
        return combined;
    }

    /// <summary>
    /// For rows [lo, hi) with their queries: the scores over the row's source, their masked softmax (the attention weights,
    /// 0 on padding), and the combined row <c>tanh(Σₛ αₛ (W_c,ctx mₛ) + b_c + the decoder's share)</c>.
    /// </summary>
    private void AttentionRows(int part, ReadOnlySpan<float> query, int lo, int hi)
    {
        int hd = Architecture.DecoderHiddenSize, hc = CombinedSize, ts = _memorySteps;
        ReadOnlySpan<float> bias = _combine!.Bias.Value;
        for (int k = lo; k < hi; k++)
        {
            int j = _rowSource[k], len = _sourceLengths[j];
            Span<float> w = _stepWeights.AsSpan(k * ts, ts), real = w[..len], row = _stepCombined.AsSpan(k * hc, hc);
            Scores(part, query.Slice((k - lo) * hd, hd), k, j, real);
            float max = TensorPrimitives.Max(real);
            TensorPrimitives.Subtract(real, max, real);
            Activations.Exp(real, real);
            TensorPrimitives.Divide(real, TensorPrimitives.Sum(real), real);
            w[len..].Clear();
            TensorPrimitives.Add(row, bias, row);
            for (int s = 0; s < len; s++)
            {
                TensorPrimitives.MultiplyAdd(_contextShare.AsSpan(((j * ts) + s) * hc, hc), real[s], row, row);
            }

            Activations.Tanh(row, row);
        }
    }

    /// <summary>Raw attention scores of row <paramref name="k"/>'s query over the real steps of its source <paramref name="j"/>.</summary>
    private void Scores(int part, ReadOnlySpan<float> q, int k, int j, Span<float> scores)
    {
        int ts = _memorySteps;
        if (_attention!.Score == AttentionScore.Additive)
        {
            // vᵀ tanh(W_q q + W_m mₛ + b)
            ReadOnlySpan<float> v = _attention.V!.Value;
            int a = v.Length;
            ReadOnlySpan<float> qa = _queryProjection.AsSpan(k * a, a);
            Span<float> hidden = Buffers.Grow(ref _partScratch[part], a);
            for (int s = 0; s < scores.Length; s++)
            {
                TensorPrimitives.Add(qa, _keys.AsSpan(((j * ts) + s) * a, a), hidden);
                Activations.Tanh(hidden, hidden);
                scores[s] = TensorPrimitives.Dot(v, hidden);
            }

            return;
        }

        // Dot: q · mₛ; general: q · (W_a mₛ)
        int hd = q.Length;
        ReadOnlySpan<float> keys = _attention.Score == AttentionScore.Dot ? _sessionMemory : _keys;
        for (int s = 0; s < scores.Length; s++)
        {
            scores[s] = TensorPrimitives.Dot(q, keys.Slice(((j * ts) + s) * hd, hd));
        }
    }
}
