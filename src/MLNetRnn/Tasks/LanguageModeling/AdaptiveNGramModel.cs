using System.Numerics.Tensors;

namespace MLNetRnn.LanguageModeling;

// V = vocabulary, N = order (longest context), K = contexts counted, F = (context, next id) pairs counted.

/// <summary>
/// An adaptive count model over token ids: interpolated absolute discounting of orders 0..N, counted as it goes, so
/// each token can be scored before it is counted (as a compressor does). The C# twin of <c>adaptive_ngram</c> in
/// <c>benchmarks/ngram_mixture.py</c>, except that the uniform base is over the vocabulary size V.
/// </summary>
/// <remarks>
/// <para>
/// Counting a token x after a history of length n, for every order k = 0..min(N, n), with c the k ids before x:
/// follows(c, x) += 1, total(c) += 1, and distinct(c) += 1 when (c, x) is new.
/// </para>
/// <para>
/// The probability of x after the current history starts at p = 1 / V and, for k = 0..min(N, n) while total(c_k) &gt; 0
/// (c_k the last k ids), becomes p = (max(follows(c_k, x) − d, 0) + d · distinct(c_k) · p) / total(c_k), d the discount.
/// With 0 &lt; d ≤ 1 every step keeps the distribution summing to 1.
/// </para>
/// <para>
/// With no fixed discount (<c>discount: null</c>), the discounts are Chen and Goodman's modified ones, three per order
/// estimated from that order's counts of counts (n_j = the (context, id) pairs counted exactly j times, kept up to date as
/// tokens are counted): Y = n1 / (n1 + 2 n2), D1 = 1 − 2Y n2/n1, D2 = 2 − 3Y n3/n2, D3+ = 3 − 4Y n4/n3, each clamped to
/// [0.05, j] (0.75 while a count it needs is 0). A follower counted f times keeps max(f − D(f), 0) and the context passes
/// γ = (D1 m1 + D2 m2 + D3+ m3+) / total(c) to the lower order, m_j its followers counted j (3+: 3 or more) times:
/// p = max(follows(c_k, x) − D, 0) / total(c_k) + γ · p. Still a distribution summing to 1 (D(f) ≤ f).
/// </para>
/// <para>
/// Contexts are stored by a 64-bit hash of (order, ids), extended one id at a time from the most recent id backwards.
/// Two contexts whose hashes collide are merged; for n contexts that happens with probability about n² / 2⁶⁵
/// (below 10⁻⁵ for ten million contexts). Each context keeps its total, its distinct count and a linked list of its
/// followers with their counts; a context with many followers also finds them through an exact (context, id) table.
/// Counts are 32-bit: fine below two billion observed tokens.
/// </para>
/// </remarks>
internal sealed class AdaptiveNGramModel
{
    private const int IndexedFollowers = 16; // from this many distinct followers a context finds them by table, not by list
    private const ulong Seed = 0x243F6A8885A308D3;
    private const double MinimumDiscount = 0.05; // keeps γ > 0, so no id ever gets probability 0

    private readonly int _vocabularySize;
    private readonly int _order;
    private readonly double _discount; // NaN: modified discounts from the counts of counts
    private readonly long[] _countOfCounts; // (N+1, 4): per order, the pairs counted exactly 1, 2, 3, 4 times
    private readonly int[] _recent;  // (N) the last N ids, a ring: id at distance j from the end at (_length − j) mod N
    private readonly ulong[] _hash;  // (N+1) hash of the order-k context of the current history
    private readonly int[] _context; // (N+1) its record, −1 when never counted; valid when _fresh
    private readonly double[] _saved;   // (V) scratch for Distribution: followers' new values
    private readonly int[] _savedId;    // (V) and their ids
    private readonly HashIndex _contexts = new(); // context hash → record
    private readonly HashIndex _pairs = new();    // (record << 32 | id) → follower node, for contexts with many followers
    private long _length;
    private bool _fresh;

    private int[] _total = new int[1024];         // (K) tokens counted after the context
    private int[] _distinct = new int[1024];      // (K) different ids among them
    private int[] _firstFollower = new int[1024]; // (K) head of the follower list, −1 when empty
    private int[] _ones = new int[1024];          // (K) followers counted exactly once
    private int[] _twos = new int[1024];          // (K) followers counted exactly twice
    private int _contextCount;

    private int[] _followerId = new int[1024];    // (F)
    private int[] _followerCount = new int[1024]; // (F) follows(context, id)
    private int[] _nextFollower = new int[1024];  // (F) next node of the same context, −1 at the end
    private int _followerNodes;

    /// <summary>Creates an empty model.</summary>
    /// <param name="vocabularySize">V: ids are 0..V−1; the order −1 base gives each 1 / V.</param>
    /// <param name="order">N: the longest context, in ids (0 = unigram).</param>
    /// <param name="discount">d, subtracted from every count and given to the lower order, in (0, 1]; or null for the
    /// modified discounts estimated from the counts (see the remarks).</param>
    /// <exception cref="ArgumentOutOfRangeException">V is below 2, the order is negative, or the discount is outside (0, 1].</exception>
    public AdaptiveNGramModel(int vocabularySize, int order, double? discount = 0.75)
    {
        if (vocabularySize < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(vocabularySize), vocabularySize, $"The vocabulary size must be at least 2, got {vocabularySize}.");
        }

        if (order < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(order), order, $"The order must be 0 (unigram) or more, got {order}.");
        }

        if (discount is { } fixedDiscount && !(fixedDiscount > 0 && fixedDiscount <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(discount), discount, $"The discount must be in (0, 1], got {discount}.");
        }

        _vocabularySize = vocabularySize;
        _order = order;
        _discount = discount ?? double.NaN;
        _countOfCounts = new long[(order + 1) * 4];
        _recent = new int[order];
        _hash = new ulong[order + 1];
        _context = new int[order + 1];
        _saved = new double[vocabularySize];
        _savedId = new int[vocabularySize];
        _hash[0] = Seed;
    }

    /// <summary>Gets V.</summary>
    public int VocabularySize => _vocabularySize;

    /// <summary>Gets N, the longest context.</summary>
    public int Order => _order;

    /// <summary>Gets the number of ids observed.</summary>
    public long Count => _length;

    /// <summary>Gets the number of contexts counted, over all orders (K).</summary>
    public int ContextCount => _contextCount;

    /// <summary>Gets the number of (context, next id) pairs counted, over all orders (F).</summary>
    public int FollowerCount => _followerNodes;

    /// <summary>
    /// Gets the longest order whose context (the last k ids) has been counted before, the last order the probability
    /// uses: −1 before anything is observed, at most min(N, <see cref="Count"/>).
    /// </summary>
    public int MatchedOrder
    {
        get
        {
            Refresh();
            int k = 0;
            while (k <= Top && _context[k] >= 0)
            {
                k++;
            }

            return k - 1;
        }
    }

    private int Top => (int)Math.Min(_order, _length);

    /// <summary>Counts <paramref name="id"/> after the current history in every order, then appends it to the history.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The id is outside 0..V−1.</exception>
    public void Observe(int id)
    {
        CheckId(id, nameof(id));
        CountNext(id);
    }

    /// <summary>Observes the ids in order; the same as <see cref="Observe(int)"/> on each, and all are checked first.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside 0..V−1 (then nothing is counted).</exception>
    public void Observe(ReadOnlySpan<int> ids)
    {
        foreach (int id in ids)
        {
            CheckId(id, nameof(ids));
        }

        foreach (int id in ids)
        {
            CountNext(id);
        }
    }

    /// <summary>Returns the probability that the next token is <paramref name="id"/>, given the history observed so far.</summary>
    /// <remarks>Equals <c>probabilities[id]</c> after <see cref="Distribution"/>, to the last bit.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">The id is outside 0..V−1.</exception>
    public double Probability(int id)
    {
        CheckId(id, nameof(id));
        Refresh();
        double p = 1.0 / _vocabularySize, d = _discount;
        for (int k = 0; k <= Top; k++)
        {
            int c = _context[k];
            if (c < 0)
            {
                break;
            }

            int node = FindFollower(c, id);
            int follows = node < 0 ? 0 : _followerCount[node];
            if (Modified)
            {
                p = (Math.Max(follows - Discount(k, follows), 0.0) / _total[c]) + (Gamma(k, c) * p);
                continue;
            }

            p = (Math.Max(follows - d, 0.0) + d * _distinct[c] * p) / _total[c];
        }

        return p;
    }

    /// <summary>Fills the (V) probabilities of the next token, given the history observed so far; they sum to 1.</summary>
    /// <remarks>
    /// Per order: every id's p is scaled by d · distinct / total, then the context's followers get their discounted counts;
    /// O(N · V) arithmetic plus the followers of the matched contexts, no hash lookup per id and no allocation.
    /// </remarks>
    /// <exception cref="ArgumentException">The destination does not hold V values.</exception>
    public void Distribution(Span<double> probabilities)
    {
        if (probabilities.Length != _vocabularySize)
        {
            throw new ArgumentException($"The destination must hold the vocabulary's {_vocabularySize} probabilities, got {probabilities.Length}.", nameof(probabilities));
        }

        Refresh();
        probabilities.Fill(1.0 / _vocabularySize);
        double d = _discount;
        for (int k = 0; k <= Top; k++)
        {
            int c = _context[k];
            if (c < 0)
            {
                break;
            }

            if (Modified)
            {
                ModifiedStep(k, c, probabilities);
                continue;
            }

            double spread = d * _distinct[c], total = _total[c];
            int n = 0;
            for (int node = _firstFollower[c]; node >= 0; node = _nextFollower[node], n++)
            {
                int x = _followerId[node];
                _savedId[n] = x;
                _saved[n] = Math.Max(_followerCount[node] - d, 0.0) + spread * probabilities[x];
            }

            // Ids never seen after the context: (0 + spread · p) / total, the same operations as Probability.
            TensorPrimitives.Multiply(probabilities, spread, probabilities);
            TensorPrimitives.Divide(probabilities, total, probabilities);
            for (int j = 0; j < n; j++)
            {
                probabilities[_savedId[j]] = _saved[j] / total;
            }
        }
    }

    private bool Modified => double.IsNaN(_discount);

    /// <summary>One order of <see cref="Distribution"/> with modified discounts: the same operations as <see cref="Probability"/>.</summary>
    private void ModifiedStep(int k, int c, Span<double> probabilities)
    {
        double gamma = Gamma(k, c), total = _total[c];
        int n = 0;
        for (int node = _firstFollower[c]; node >= 0; node = _nextFollower[node], n++)
        {
            int x = _followerId[node], follows = _followerCount[node];
            _savedId[n] = x;
            _saved[n] = (Math.Max(follows - Discount(k, follows), 0.0) / total) + (gamma * probabilities[x]);
        }

        TensorPrimitives.Multiply(probabilities, gamma, probabilities); // never followed the context: γ · p
        for (int j = 0; j < n; j++)
        {
            probabilities[_savedId[j]] = _saved[j];
        }
    }

    /// <summary>The mass context c of order k passes to the lower order: (D1 m1 + D2 m2 + D3+ m3+) / total.</summary>
    private double Gamma(int k, int c)
    {
        int more = _distinct[c] - _ones[c] - _twos[c];
        return ((Discount(k, 1) * _ones[c]) + (Discount(k, 2) * _twos[c]) + (Discount(k, 3) * more)) / _total[c];
    }

    /// <summary>D(f) of order k: 0 for an unseen follower, else D1, D2 or D3+ from the counts of counts.</summary>
    private double Discount(int k, int follows)
    {
        if (follows == 0)
        {
            return 0;
        }

        ReadOnlySpan<long> n = _countOfCounts.AsSpan(k * 4, 4);
        int j = Math.Min(follows, 3);
        double y = n[0] + (2 * n[1]) > 0 ? n[0] / (double)(n[0] + (2 * n[1])) : 0;
        double estimate = n[j - 1] > 0 && n[0] + (2 * n[1]) > 0 ? j - ((j + 1) * y * n[j] / n[j - 1]) : 0.75;
        return Math.Clamp(estimate, MinimumDiscount, j);
    }

    private void CheckId(int id, string parameter)
    {
        if ((uint)id >= (uint)_vocabularySize)
        {
            throw new ArgumentOutOfRangeException(parameter, id, $"Token id {id} is outside the vocabulary 0..{_vocabularySize - 1}.");
        }
    }

    private void CountNext(int id)
    {
        int top = Top;
        for (int k = 0; k <= top; k++)
        {
            int c = _fresh ? _context[k] : _contexts.Find(_hash[k]);
            if (c < 0)
            {
                c = AddContext(_hash[k]);
            }

            int node = FindFollower(c, id);
            if (node < 0)
            {
                node = AddFollower(c, id);
            }

            int before = _followerCount[node]++;
            _total[c]++;
            if (Modified)
            {
                Recount(k, c, before);
            }
        }

        Append(id);
    }

    /// <summary>A follower of context c (order k) went from <paramref name="before"/> to before + 1 counts: update the counts of counts.</summary>
    private void Recount(int k, int c, int before)
    {
        Span<long> n = _countOfCounts.AsSpan(k * 4, 4);
        if (before is >= 1 and <= 4)
        {
            n[before - 1]--;
        }

        if (before < 4)
        {
            n[before]++;
        }

        switch (before)
        {
            case 0:
                _ones[c]++;
                break;
            case 1:
                _ones[c]--;
                _twos[c]++;
                break;
            case 2:
                _twos[c]--;
                break;
        }
    }

    private void Append(int id)
    {
        if (_order > 0)
        {
            _recent[(int)(_length % _order)] = id;
        }

        _length++;
        _fresh = false;
        int top = Top;
        for (int k = 1; k <= top; k++)
        {
            int back = (int)((_length - k) % _order);
            _hash[k] = Extend(_hash[k - 1], _recent[back], k);
        }
    }

    // Looks up the contexts of the current history once per observed token, when they are first asked for.
    private void Refresh()
    {
        if (_fresh)
        {
            return;
        }

        int top = Top;
        for (int k = 0; k <= top; k++)
        {
            _context[k] = _contexts.Find(_hash[k]);
        }

        _fresh = true;
    }

    private int AddContext(ulong hash)
    {
        int c = _contextCount++;
        if (c == _total.Length)
        {
            int size = checked(c * 2);
            Array.Resize(ref _total, size);
            Array.Resize(ref _distinct, size);
            Array.Resize(ref _firstFollower, size);
            Array.Resize(ref _ones, size);
            Array.Resize(ref _twos, size);
        }

        _firstFollower[c] = -1;
        _contexts.Add(hash, c);
        return c;
    }

    private int FindFollower(int c, int id)
    {
        if (_distinct[c] >= IndexedFollowers)
        {
            return _pairs.Find(PairKey(c, id));
        }

        for (int node = _firstFollower[c]; node >= 0; node = _nextFollower[node])
        {
            if (_followerId[node] == id)
            {
                return node;
            }
        }

        return -1;
    }

    private int AddFollower(int c, int id)
    {
        int node = _followerNodes++;
        if (node == _followerId.Length)
        {
            int size = checked(node * 2);
            Array.Resize(ref _followerId, size);
            Array.Resize(ref _followerCount, size);
            Array.Resize(ref _nextFollower, size);
        }

        _followerId[node] = id;
        _nextFollower[node] = _firstFollower[c];
        _firstFollower[c] = node;
        int distinct = ++_distinct[c];
        if (distinct == IndexedFollowers)
        {
            for (int n = node; n >= 0; n = _nextFollower[n])
            {
                _pairs.Add(PairKey(c, _followerId[n]), n);
            }
        }
        else if (distinct > IndexedFollowers)
        {
            _pairs.Add(PairKey(c, id), node);
        }

        return node;
    }

    private static ulong PairKey(int c, int id) => (ulong)(uint)c << 32 | (uint)id;

    // The order-k context's hash from the order-(k−1) one and the id k places back.
    private static ulong Extend(ulong hash, int id, int k) => Mix(hash ^ ((ulong)(uint)id << 32 | (uint)k));

    // SplitMix64's finaliser: a bijection that spreads every input bit over the output.
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
