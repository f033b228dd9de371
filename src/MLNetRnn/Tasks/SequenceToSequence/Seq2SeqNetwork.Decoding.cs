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

    // The row-wise work of a step runs as two parts of rows (TwoWay) when the step has enough rows: which work, for how
    // many rows, and of which layer. The split depends on R only, so results do not depend on the thread count.
    private const int MinRowsToSplit = 16;
    private RowWork _rowWork;
    private int _workRows, _workLayer;

    private enum RowWork
    {
        Cell,
        Attention,
        LogSoftmax,
    }

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
    public void DecodeStep(ReadOnlySpan<int> parents, ReadOnlySpan<int> tokens, Span<float> logProbs, Span<float> attention)
    {
        int before = _decodeRows, r = parents.Length, hd = Architecture.DecoderHiddenSize, ld = Architecture.DecoderLayers, v = Architecture.TargetVocabularySize;
        if (r > _rowCapacity || tokens.Length != r)
        {
            throw new ArgumentException($"A step of {r} parents and {tokens.Length} tokens: both must have the same length, at most the {_rowCapacity} rows StartDecoding made.",
                nameof(parents));
        }

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
        }

        (_rowSource, _nextRowSource) = (_nextRowSource, _rowSource);
        for (int l = 0; l < ld; l++)
        {
            for (int k = 0; k < r; k++)
            {
                _stateH.AsSpan(((l * before) + parents[k]) * hd, hd).CopyTo(_nextH.AsSpan(((l * r) + k) * hd, hd));
                _stateC.AsSpan(((l * before) + parents[k]) * hd, hd).CopyTo(_nextC.AsSpan(((l * r) + k) * hd, hd));
            }
        }

        _decodeRows = r;
        FillTokenGates(tokens);
        Span<float> query = default;
        for (int l = 0; l < ld; l++)
        {
            // _nextH/_nextC hold each row's state before the step; they are overwritten with the state after it.
            query = CellStep(l, r, tokens, query);
        }

        // query = the top layer's new hidden states (R, Hd); the step's states become the rows' states.
        (_stateH, _nextH) = (_nextH, _stateH);
        (_stateC, _nextC) = (_nextC, _stateC);
        query = _stateH.AsSpan((ld - 1) * r * hd, r * hd);

        Span<float> combined = CombineStep(query, r, attention);
        Buffers.Ensure(ref _stepLogits, r * v);
        int hc = CombinedSize;
        Product(combined, r, hc, _head.Weight.Value, hc, v, Packed(_packedHead), 0f, _stepLogits.AsSpan(0, r * v)); // the bias is added per row below
        RunRows(RowWork.LogSoftmax, r, 0);
        _stepLogits.AsSpan(0, r * v).CopyTo(logProbs);
    }

    /// <summary>Runs row-wise work over rows [0, R): as two parts of rows when R is large enough (on two threads when the engine has them).</summary>
    private void RunRows(RowWork work, int rows, int layer)
    {
        (_rowWork, _workRows, _workLayer) = (work, rows, layer);
        if (rows >= MinRowsToSplit)
        {
            TwoWay.Run(this);
        }
        else
        {
            Rows(0, 0, rows);
        }
    }

    void ITwoPartWork.Execute(int part)
    {
        int mid = _workRows / 2;
        if (part == 0)
        {
            Rows(0, 0, mid);
        }
        else
        {
            Rows(1, mid, _workRows);
        }
    }

    private void Rows(int part, int lo, int hi)
    {
        switch (_rowWork)
        {
            case RowWork.Cell:
                CellRows(_workLayer, _workRows, lo, hi);
                break;
            case RowWork.Attention:
                AttentionRows(part, lo, hi);
                break;
            default:
                LogSoftmaxRows(part, lo, hi);
                break;
        }
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
            TensorPrimitives.Exp(row, exp);
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

    /// <summary>y (rows, N) = x (rows, K) · Wᵀ + beta · y for W (N, K) with row stride <paramref name="ldw"/>: packed when this session packed it.</summary>
    private static void Product(ReadOnlySpan<float> x, int rows, int k, ReadOnlySpan<float> w, int ldw, int n, PackedMatrix? packed, float beta, Span<float> y)
    {
        if (packed is not null)
        {
            Gemm.MultiplyPacked(rows, 1f, x, k, packed, beta, y, n);
        }
        else
        {
            Gemm.Multiply(false, true, rows, n, k, 1f, x, k, w, ldw, beta, y, n);
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
        InputGates(0, embedded, n, gates);
        for (int i = 0; i < n; i++)
        {
            gates.Slice(i * gh, gh).CopyTo(_tokenGates.AsSpan(_newTokens[i] * gh, gh));
        }
    }

    /// <summary>Input gates of decoder layer <paramref name="layer"/>: <c>x W_ihᵀ + b_ih</c>, plus <c>b_hh</c> where it is not kept apart (all but GRU).</summary>
    private void InputGates(int layer, ReadOnlySpan<float> x, int rows, Span<float> gates)
    {
        var weights = LayerWeights[layer];
        int gh = Gates * Architecture.DecoderHiddenSize, width = x.Length / rows;
        Product(x, rows, width, weights.WeightIh.Value, width, gh, layer > 0 ? Packed(_packedIh[layer]) : null, 0f, gates);
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

    /// <summary>
    /// One step of decoder layer <paramref name="layer"/> over R rows: reads the state before the step from
    /// <c>_nextH</c>/<c>_nextC</c> and overwrites it with the state after; returns the layer's output (its new h).
    /// </summary>
    private Span<float> CellStep(int layer, int r, ReadOnlySpan<int> tokens, ReadOnlySpan<float> below)
    {
        int hd = Architecture.DecoderHiddenSize, g = Gates, gh = g * hd;
        Buffers.Ensure(ref _gates, r * gh);
        Span<float> gates = _gates.AsSpan(0, r * gh);
        if (layer == 0)
        {
            for (int k = 0; k < r; k++)
            {
                _tokenGates.AsSpan(tokens[k] * gh, gh).CopyTo(gates.Slice(k * gh, gh));
            }
        }
        else
        {
            InputGates(layer, below, r, gates);
        }

        Span<float> h = _nextH.AsSpan(layer * r * hd, r * hd);
        ReadOnlySpan<float> whh = LayerWeights[layer].WeightHh.Value;
        if (Architecture.DecoderCell == RecurrentCellType.Gru)
        {
            // hg = h W_hhᵀ + b_hh, kept apart from the input gates (n reads r ⊙ hg_n)
            Buffers.Ensure(ref _hiddenGates, r * gh);
            Product(h, r, hd, whh, hd, gh, Packed(_packedHh[layer]), 0f, _hiddenGates.AsSpan(0, r * gh));
        }
        else
        {
            Product(h, r, hd, whh, hd, gh, Packed(_packedHh[layer]), 1f, gates); // gates += h W_hhᵀ
        }

        RunRows(RowWork.Cell, r, layer);
        return h;
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
                    TensorPrimitives.Sigmoid(row[..(2 * hd)], row[..(2 * hd)]);
                    TensorPrimitives.Tanh(gg, gg);
                    TensorPrimitives.Sigmoid(o, o);
                    TensorPrimitives.Multiply(f, ck, ck);
                    TensorPrimitives.MultiplyAdd(i, gg, ck, ck);
                    TensorPrimitives.Tanh(ck, hk);
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
                    TensorPrimitives.Sigmoid(rz, rz);
                    TensorPrimitives.MultiplyAdd(rz[..hd], hrow.Slice(2 * hd, hd), n, n);
                    TensorPrimitives.Tanh(n, n);
                    TensorPrimitives.Subtract(hk, n, hk);
                    TensorPrimitives.MultiplyAdd(rz.Slice(hd, hd), hk, n, hk);
                }

                break;
            default:
                // h' = tanh(x W_ihᵀ + b + h W_hhᵀ)
                TensorPrimitives.Tanh(gates[(lo * gh)..(hi * gh)], h[(lo * hd)..(hi * hd)]);
                break;
        }
    }

    /// <summary>Attention over each row's source and the combine layer (when there is one); writes the attention weights when asked.</summary>
    private Span<float> CombineStep(ReadOnlySpan<float> query, int r, Span<float> attention)
    {
        int hd = Architecture.DecoderHiddenSize;
        if (_combine is null)
        {
            return _stateH.AsSpan((Architecture.DecoderLayers - 1) * r * hd, r * hd);
        }

        int hc = CombinedSize;
        Buffers.Ensure(ref _stepCombined, r * hc);
        Span<float> combined = _stepCombined.AsSpan(0, r * hc);
        if (_attention is null)
        {
            _combine.Forward(query, r, combined);
            TensorPrimitives.Tanh(combined, combined);
            return combined;
        }

        // The decoder's share: h W_c,decᵀ + b_c, W_c,dec = the last Hd columns of W_c (Hc, M + Hd).
        int m = MemorySize, ts = _memorySteps;
        Product(query, r, hd, _combine.Weight.Value[m..], m + hd, hc, Packed(_packedCombine), 0f, combined);
        Buffers.Ensure(ref _stepWeights, r * ts);
        if (_attention.Score == AttentionScore.Additive)
        {
            // W_q q (R, A), one product for all rows
            int a = _attention.V!.Length;
            Buffers.Ensure(ref _queryProjection, r * a);
            Product(query, r, hd, _attention.QueryWeight!.Value, hd, a, Packed(_packedQuery), 0f, _queryProjection.AsSpan(0, r * a));
        }

        RunRows(RowWork.Attention, r, 0);
        TensorPrimitives.Tanh(combined, combined);
        if (!attention.IsEmpty)
        {
            _stepWeights.AsSpan(0, r * ts).CopyTo(attention);
        }

        return combined;
    }

    /// <summary>
    /// For rows [lo, hi): the scores over the row's source, their masked softmax (the attention weights, 0 on padding),
    /// and the combine layer's pre-activation <c>Σₛ αₛ (W_c,ctx mₛ) + b_c</c> added to the decoder's share.
    /// </summary>
    private void AttentionRows(int part, int lo, int hi)
    {
        int hd = Architecture.DecoderHiddenSize, hc = CombinedSize, ts = _memorySteps, r = _decodeRows;
        ReadOnlySpan<float> query = _stateH.AsSpan((Architecture.DecoderLayers - 1) * r * hd, r * hd), bias = _combine!.Bias.Value;
        Span<float> weights = _stepWeights.AsSpan(0, r * ts), combined = _stepCombined.AsSpan(0, r * hc);
        for (int k = lo; k < hi; k++)
        {
            int j = _rowSource[k], len = _sourceLengths[j];
            Span<float> w = weights.Slice(k * ts, ts), real = w[..len], row = combined.Slice(k * hc, hc);
            Scores(part, query.Slice(k * hd, hd), k, j, real);
            float max = TensorPrimitives.Max(real);
            TensorPrimitives.Subtract(real, max, real);
            TensorPrimitives.Exp(real, real);
            TensorPrimitives.Divide(real, TensorPrimitives.Sum(real), real);
            w[len..].Clear();
            TensorPrimitives.Add(row, bias, row);
            for (int s = 0; s < len; s++)
            {
                TensorPrimitives.MultiplyAdd(_contextShare.AsSpan(((j * ts) + s) * hc, hc), real[s], row, row);
            }
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
                TensorPrimitives.Tanh(hidden, hidden);
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
