namespace MLNetRnn.SequenceToSequence;

// K = beam size, V = target vocabulary, W = attention width of this sentence (its source length; 0 without attention).

/// <summary>
/// The beam of one sentence inside <see cref="BatchedBeamSearch"/>: the same ranking rules as <see cref="BeamSearch.Search"/>
/// (best 2K continuations by Σ log p, ties to the lower row then the lower token; an <c>&lt;EOS&gt;</c> continuation finishes only
/// within the top K; the others refill the beam up to K), kept as back-pointers instead of copied token lists.
/// </summary>
internal sealed class SentenceBeam
{
    private readonly int _k, _eos, _width;
    private readonly List<Node> _nodes = [];
    private readonly List<(int Node, float LogP, bool Finished)> _finished = [];
    private readonly int[] _alive, _nextAlive;   // (K) node of each open hypothesis (−1 = the empty root)
    private readonly float[] _logP, _nextLogP;   // (K) Σ log p of each open hypothesis
    private readonly float[] _bestTotal;         // (2K) the best continuations of this step, best first
    private readonly int[] _bestRow, _bestToken; // (2K)
    private readonly float[]?[] _rowAttention;   // (K) this step's attention row of each slot, copied on first use
    private int _aliveCount = 1;

    public SentenceBeam(int beamSize, int eos, int attentionWidth)
    {
        (_k, _eos, _width) = (beamSize, eos, attentionWidth);
        _alive = new int[beamSize];
        _nextAlive = new int[beamSize];
        _logP = new float[beamSize];
        _nextLogP = new float[beamSize];
        _bestTotal = new float[2 * beamSize];
        _bestRow = new int[2 * beamSize];
        _bestToken = new int[2 * beamSize];
        _rowAttention = new float[]?[beamSize];
        _alive[0] = -1;
    }

    /// <summary>Gets whether the search of this sentence goes on: some hypothesis is open and fewer than K have finished.</summary>
    public bool IsActive => _aliveCount > 0 && _finished.Count < _k;

    /// <summary>
    /// Takes one step from this sentence's rows of log-probabilities (open hypotheses, V) and attention (open hypotheses,
    /// stride), and writes into <paramref name="parents"/> / <paramref name="tokens"/> (K) the decoder rows
    /// (<paramref name="firstRow"/> + slot of the step just run) and tokens the open hypotheses continue from; slots past
    /// them get row <paramref name="firstRow"/> and <c>&lt;EOS&gt;</c>, computed and ignored.
    /// </summary>
    public void Advance(ReadOnlySpan<float> logProbs, int vocabulary, ReadOnlySpan<float> attention, int attentionStride, int firstRow,
        Span<int> parents, Span<int> tokens)
    {
        int count = 0, capacity = 2 * _k;
        for (int r = 0; r < _aliveCount; r++)
        {
            float logP = _logP[r];
            ReadOnlySpan<float> row = logProbs.Slice(r * vocabulary, vocabulary);
            for (int t = 0; t < row.Length; t++)
            {
                float total = logP + row[t];
                if (float.IsNegativeInfinity(total) || (count == capacity && !Better(total, r, t, count - 1)))
                {
                    continue; // impossible continuation, or not among the best 2K
                }

                int at = Math.Min(count, capacity - 1);
                while (at > 0 && Better(total, r, t, at - 1))
                {
                    _bestTotal[at] = _bestTotal[at - 1];
                    _bestRow[at] = _bestRow[at - 1];
                    _bestToken[at] = _bestToken[at - 1];
                    at--;
                }

                (_bestTotal[at], _bestRow[at], _bestToken[at]) = (total, r, t);
                count = Math.Min(count + 1, capacity);
            }
        }

        Array.Clear(_rowAttention);
        int next = 0;
        for (int i = 0; i < count && next < _k; i++)
        {
            int row = _bestRow[i], token = _bestToken[i];
            if (token == _eos)
            {
                if (i < _k)
                {
                    _nodes.Add(new Node(_alive[row], token, Attention(row, attention, attentionStride)));
                    _finished.Add((_nodes.Count - 1, _bestTotal[i], true));
                }

                continue;
            }

            _nodes.Add(new Node(_alive[row], token, Attention(row, attention, attentionStride)));
            _nextAlive[next] = _nodes.Count - 1;
            _nextLogP[next] = _bestTotal[i];
            parents[next] = firstRow + row;
            tokens[next] = token;
            next++;
        }

        for (int slot = next; slot < _k; slot++)
        {
            (parents[slot], tokens[slot]) = (firstRow, _eos); // an unused slot: a valid row whose result is ignored
        }

        _nextAlive.AsSpan(0, next).CopyTo(_alive);
        _nextLogP.AsSpan(0, next).CopyTo(_logP);
        _aliveCount = next;
    }

    /// <summary>The <paramref name="nBest"/> best hypotheses by score (finished ones, then those still open, as unfinished).</summary>
    public List<Seq2SeqHypothesis> Results(float lengthPenalty, int nBest)
    {
        var all = new List<Seq2SeqHypothesis>(_finished.Count + _aliveCount);
        foreach (var (node, logP, finished) in _finished)
        {
            all.Add(Build(node, logP, finished, lengthPenalty));
        }

        for (int r = 0; r < _aliveCount; r++)
        {
            all.Add(Build(_alive[r], _logP[r], false, lengthPenalty));
        }

        return [.. all.OrderByDescending(h => h.Score).Take(nBest)];
    }

    // (total, row, token) ranks above entry i of the best list: higher total, then lower row, then lower token (as
    // BeamSearch's priority (total, −row, −token), with float.CompareTo's order).
    private bool Better(float total, int row, int token, int i)
    {
        int c = total.CompareTo(_bestTotal[i]);
        return c != 0 ? c > 0 : row != _bestRow[i] ? row < _bestRow[i] : token < _bestToken[i];
    }

    private float[]? Attention(int row, ReadOnlySpan<float> attention, int stride)
    {
        if (_width == 0)
        {
            return null;
        }

        return _rowAttention[row] ??= attention.Slice(row * stride, _width).ToArray();
    }

    private Seq2SeqHypothesis Build(int node, float logP, bool finished, float lengthPenalty)
    {
        var tokens = new List<int>();
        var attention = new List<float[]>();
        for (int n = node; n >= 0; n = _nodes[n].Parent)
        {
            tokens.Add(_nodes[n].Token);
            if (_nodes[n].Attention is { } row)
            {
                attention.Add(row);
            }
        }

        tokens.Reverse();
        attention.Reverse();
        if (finished)
        {
            tokens.RemoveAt(tokens.Count - 1); // the <EOS>
        }

        return BeamSearch.Finish(tokens, logP, finished, attention, lengthPenalty);
    }

    private readonly record struct Node(int Parent, int Token, float[]? Attention);
}
