using System.Numerics.Tensors;
using MLNetRnn.Numerics;

namespace MLNetRnn.Layers;

// Tq = query steps (decoder), Ts = memory steps (encoder), B = batch, Hq = query size, Hm = memory size, A = additive size.
// Every sequence tensor is time-major: row (t, b) of a (T, B, H) tensor starts at (t*B + b)*H, so the T rows of batch row
// b form a matrix at offset b*H with row stride B*H, which Gemm multiplies in place (one product per batch row).

/// <summary>
/// Attention of decoder queries over a padded encoder memory (Luong dot / general, Bahdanau additive): each query step gets
/// a softmax distribution over the real memory steps of its batch row and the matching weighted sum of memory rows.
/// </summary>
/// <remarks>
/// <para>Forward, for each query step t and batch row b, over the real memory steps s &lt; len[b]:
/// <c>e[t,b,s] = score(q[t,b], m[s,b])</c> (see <see cref="AttentionScore"/>);
/// <c>a[t,b,s] = exp(e[t,b,s] − maxₛ e[t,b,:]) / Σₛ exp(e[t,b,s] − maxₛ e[t,b,:])</c>, and <c>a = 0</c> exactly for
/// s ≥ len[b] (padding is never read); <c>c[t,b] = Σₛ a[t,b,s] m[s,b]</c>.</para>
/// <para>Backward, given <c>dc</c>: <c>da[t,b,s] = dc[t,b] · m[s,b]</c> (dWeights = dContext · memoryᵀ);
/// <c>de = a ⊙ (da − Σₛ a ⊙ da)</c>; <c>dm[s,b] = Σₜ a[t,b,s] dc[t,b]</c> plus the score's share:</para>
/// <para>Dot: <c>dq[t,b] = Σₛ de m[s,b]</c>, <c>dm[s,b] += Σₜ de q[t,b]</c>.</para>
/// <para>General, with <c>p[t,b] = Wᵀ q[t,b]</c> (Hm) so <c>e = p · m</c>: <c>dp[t,b] = Σₛ de m[s,b]</c>,
/// <c>dm[s,b] += Σₜ de p[t,b]</c>, <c>dW += Σ q dpᵀ</c>, <c>dq = W dp</c>.</para>
/// <para>Additive, with <c>h[t,b,s] = tanh(W_q q[t,b] + W_m m[s,b] + b)</c> (A) so <c>e = v · h</c>:
/// <c>dv += Σ de h</c>; <c>g[t,b,s] = de v ⊙ (1 − h²)</c>; <c>gq[t,b] = Σₛ g</c>, <c>gm[s,b] = Σₜ g</c>;
/// <c>dW_q += Σ gq qᵀ</c>, <c>dq = W_qᵀ gq</c>; <c>dW_m += Σ gm mᵀ</c>, <c>db += Σ gm</c>, <c>dm[s,b] += W_mᵀ gm[s,b]</c>.</para>
/// <para>Initialisation as PyTorch <c>nn.Linear</c>: every tensor <c>~ U(−1/√fan_in, 1/√fan_in)</c>.
/// Buffers grow to the largest batch seen and are reused, so a steady-state Forward/Backward allocates nothing.</para>
/// </remarks>
public sealed class Attention
{
    private readonly Parameter? _linearIn;     // General: W (Hq, Hm)
    private readonly Parameter? _queryWeight;  // Additive: W_q (A, Hq)
    private readonly Parameter? _memoryWeight; // Additive: W_m (A, Hm)
    private readonly Parameter? _memoryBias;   // Additive: b (A)
    private readonly Parameter? _v;            // Additive: v (1, A)
    private readonly int _a;                   // A (Additive only)

    private int _tq, _ts, _b;                  // shape of the last Forward; _tq == 0 before the first
    private int[] _lengths = [];               // (B) memory lengths
    private float[] _queries = [];             // (Tq, B, Hq)
    private float[] _memory = [];              // (Ts, B, Hm)
    private float[] _weights = [];             // (Tq, B, Ts) softmax output, zero on padding
    private float[] _scoreGradient = [];       // (Tq, B, Ts) dWeights, then dScores
    private float[] _projected = [];           // General: p = q W (Tq, B, Hm); Additive: W_q q (Tq, B, A)
    private float[] _projectedGradient = [];   // same shape as _projected
    private float[] _memoryProjection = [];    // Additive: W_m m + b (Ts, B, A)
    private float[] _memoryProjectionGradient = []; // Additive: (Ts, B, A)
    private float[] _hidden = [];              // Additive: h = tanh(...) (Tq, B, Ts, A), rows s < len[b] only
    private float[] _row = [];                 // Additive: (A) scratch

    /// <summary>Creates the layer and adds its tensors (none for <see cref="AttentionScore.Dot"/>) to <paramref name="store"/>.</summary>
    /// <param name="store">Where the tensors live.</param>
    /// <param name="score">The score function.</param>
    /// <param name="querySize">Hq, the width of a query row; at least 1.</param>
    /// <param name="memorySize">Hm, the width of a memory row (and of the context); at least 1. Must equal Hq for Dot.</param>
    /// <param name="random">The seeded source for initialisation.</param>
    /// <param name="additiveSize">A, the hidden width of the additive score; 0 (default) means Hq. Ignored by Dot and General.</param>
    /// <param name="prefix">Name prefix. Tensors: General <c>{prefix}linear_in.weight</c> (Hq, Hm); Additive
    /// <c>{prefix}query.weight</c> (A, Hq), <c>{prefix}memory.weight</c> (A, Hm), <c>{prefix}memory.bias</c> (A),
    /// <c>{prefix}v.weight</c> (1, A).</param>
    /// <exception cref="ArgumentNullException"><paramref name="store"/>, <paramref name="random"/> or <paramref name="prefix"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, <paramref name="additiveSize"/> is negative, or
    /// <paramref name="score"/> is not a defined value.</exception>
    /// <exception cref="ArgumentException"><paramref name="score"/> is Dot and Hq ≠ Hm, or a tensor name is already used.</exception>
    public Attention(ParameterStore store, AttentionScore score, int querySize, int memorySize, SeededRandom random, int additiveSize = 0, string prefix = "attention.")
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(querySize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(memorySize);
        ArgumentOutOfRangeException.ThrowIfNegative(additiveSize);
        if (!Enum.IsDefined(score))
        {
            throw new ArgumentOutOfRangeException(nameof(score), score, "Expected AttentionScore.Dot, General or Additive.");
        }

        if (score == AttentionScore.Dot && querySize != memorySize)
        {
            throw new ArgumentException(
                $"AttentionScore.Dot needs querySize == memorySize, got querySize {querySize} and memorySize {memorySize}; use AttentionScore.General or AttentionScore.Additive for different sizes.",
                nameof(memorySize));
        }

        Score = score;
        QuerySize = querySize;
        MemorySize = memorySize;
        if (score == AttentionScore.General)
        {
            _linearIn = AddLinear(store, random, prefix + "linear_in.weight", querySize, memorySize);
        }
        else if (score == AttentionScore.Additive)
        {
            _a = additiveSize == 0 ? querySize : additiveSize;
            _queryWeight = AddLinear(store, random, prefix + "query.weight", _a, querySize);
            _memoryWeight = AddLinear(store, random, prefix + "memory.weight", _a, memorySize);
            _memoryBias = store.Add(prefix + "memory.bias", _a);
            float bound = 1f / MathF.Sqrt(memorySize);
            random.FillUniform(_memoryBias.Value, -bound, bound);
            _v = AddLinear(store, random, prefix + "v.weight", 1, _a);
            _row = new float[_a];
        }
    }

    /// <summary>Gets the score function.</summary>
    public AttentionScore Score { get; }

    /// <summary>Gets W (Hq, Hm) of the general score, or null.</summary>
    internal Parameter? LinearIn => _linearIn;

    /// <summary>Gets W_q (A, Hq) of the additive score, or null.</summary>
    internal Parameter? QueryWeight => _queryWeight;

    /// <summary>Gets W_m (A, Hm) of the additive score, or null.</summary>
    internal Parameter? MemoryWeight => _memoryWeight;

    /// <summary>Gets b (A) of the additive score, or null.</summary>
    internal Parameter? MemoryBias => _memoryBias;

    /// <summary>Gets v (1, A) of the additive score, or null.</summary>
    internal Parameter? V => _v;

    /// <summary>Gets Hq, the width of a query row.</summary>
    public int QuerySize { get; }

    /// <summary>Gets Hm, the width of a memory row and of a context row.</summary>
    public int MemorySize { get; }

    /// <summary>Attends every query step to the real steps of its batch row's memory.</summary>
    /// <param name="queries">(Tq, B, Hq) time-major. Every row is scored, including rows past a query's own length (the caller ignores those).</param>
    /// <param name="queryLength">Tq; at least 1.</param>
    /// <param name="memory">(Ts, B, Hm) time-major; rows at s ≥ memoryLengths[b] are padding and are never read.</param>
    /// <param name="memoryLength">Ts; at least 1.</param>
    /// <param name="batchSize">B; at least 1.</param>
    /// <param name="memoryLengths">B lengths, each in [1, Ts].</param>
    /// <param name="context">(Tq, B, Hm), overwritten with <c>Σₛ weights[t,b,s] · memory[s,b,:]</c>.</param>
    /// <param name="weights">(Tq, B, Ts), overwritten with the masked softmax of the scores: each row sums to 1 over the
    /// real steps and is exactly 0 on padding.</param>
    /// <exception cref="ArgumentOutOfRangeException">Tq, Ts or B is not positive, or a memory length is outside [1, Ts]; the message names the row and value.</exception>
    /// <exception cref="ArgumentException">A span does not have the size its shape needs (the message gives both),
    /// <paramref name="memoryLengths"/> does not have B entries, or the additive activations (Tq*B*Ts*A) exceed one array.</exception>
    public void Forward(ReadOnlySpan<float> queries, int queryLength, ReadOnlySpan<float> memory, int memoryLength, int batchSize,
        ReadOnlySpan<int> memoryLengths, Span<float> context, Span<float> weights)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(queryLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(memoryLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        int tq = queryLength, ts = memoryLength, b = batchSize, hq = QuerySize, hm = MemorySize;
        Check.Exact(queries, nameof(queries), ("Tq", tq), ("B", b), ("Hq", hq));
        Check.Exact(memory, nameof(memory), ("Ts", ts), ("B", b), ("Hm", hm));
        Check.Exact(context, nameof(context), ("Tq", tq), ("B", b), ("Hm", hm));
        Check.Exact(weights, nameof(weights), ("Tq", tq), ("B", b), ("Ts", ts));
        CheckLengths(memoryLengths, ts, b);
        long hiddenLength = Score == AttentionScore.Additive ? (long)tq * b * ts * _a : 0;
        if (hiddenLength > Array.MaxLength)
        {
            throw new ArgumentException(
                $"The additive score keeps Tq*B*Ts*A = {tq}*{b}*{ts}*{_a} = {hiddenLength} activations, more than an array holds ({Array.MaxLength}); split the batch.",
                nameof(batchSize));
        }

        (_tq, _ts, _b) = (tq, ts, b);
        if (_lengths.Length < b)
        {
            _lengths = new int[b];
        }

        memoryLengths.CopyTo(_lengths);
        queries.CopyTo(Buffers.Grow(ref _queries, (long)tq * b * hq));
        memory.CopyTo(Buffers.Grow(ref _memory, (long)ts * b * hm));
        Span<float> w = Buffers.Grow(ref _weights, (long)tq * b * ts);
        switch (Score)
        {
            case AttentionScore.Dot:
                ProductScores(_queries, w);
                break;
            case AttentionScore.General:
                Span<float> p = Buffers.Grow(ref _projected, (long)tq * b * hm);
                Gemm.Multiply(false, false, tq * b, hm, hq, 1f, _queries, hq, _linearIn!.Value, hm, 0f, p, hm);
                ProductScores(p, w);
                break;
            default:
                AdditiveScores(w);
                break;
        }

        MaskedSoftmax(w);
        w.CopyTo(weights);
        ReadOnlySpan<float> m = _memory;
        for (int bi = 0; bi < b; bi++)
        {
            if (tq == 1)
            {
                // One query step (decoding): c_b = Σₛ a[b,s] m[s,b] as multiply-adds in s order, without a GEMM call per row.
                Span<float> c = context.Slice(bi * hm, hm);
                c.Clear();
                for (int s = 0; s < _lengths[bi]; s++)
                {
                    TensorPrimitives.MultiplyAdd(m.Slice(((s * b) + bi) * hm, hm), w[(bi * ts) + s], c, c);
                }

                continue;
            }

            // context_b (Tq, Hm) = weights_b (Tq, len) · memory_b (len, Hm)
            Gemm.Multiply(false, false, tq, hm, _lengths[bi], 1f, w.Slice(bi * ts), b * ts, m.Slice(bi * hm), b * hm, 0f, context.Slice(bi * hm), b * hm);
        }
    }

    /// <summary>
    /// Back-propagates through the last <see cref="Forward"/>: adds the parameter gradients and, when asked, writes the
    /// gradients of the queries and the memory.
    /// </summary>
    /// <param name="contextGradient">(Tq, B, Hm), the gradient with respect to the context (zero on rows the caller ignores).</param>
    /// <param name="queriesGradient">(Tq, B, Hq), overwritten with the query gradient; empty to skip.</param>
    /// <param name="memoryGradient">(Ts, B, Hm), overwritten with the memory gradient (exactly 0 on padding); empty to skip.</param>
    /// <exception cref="InvalidOperationException">No <see cref="Forward"/> ran before.</exception>
    /// <exception cref="ArgumentException">A span does not have the size its shape needs; the message gives both.</exception>
    public void Backward(ReadOnlySpan<float> contextGradient, Span<float> queriesGradient, Span<float> memoryGradient)
    {
        if (_tq == 0)
        {
            throw new InvalidOperationException("Backward needs a Forward first: call Forward on the batch, then Backward.");
        }

        int tq = _tq, ts = _ts, b = _b, hq = QuerySize, hm = MemorySize;
        Check.Exact(contextGradient, nameof(contextGradient), ("Tq", tq), ("B", b), ("Hm", hm));
        bool wantDq = !queriesGradient.IsEmpty, wantDm = !memoryGradient.IsEmpty;
        if (wantDq)
        {
            Check.Exact(queriesGradient, nameof(queriesGradient), ("Tq", tq), ("B", b), ("Hq", hq));
        }

        if (wantDm)
        {
            Check.Exact(memoryGradient, nameof(memoryGradient), ("Ts", ts), ("B", b), ("Hm", hm));
            memoryGradient.Clear();
        }

        ReadOnlySpan<float> q = _queries.AsSpan(0, tq * b * hq), m = _memory.AsSpan(0, ts * b * hm), w = _weights.AsSpan(0, tq * b * ts);
        Span<float> ds = Buffers.Grow(ref _scoreGradient, (long)tq * b * ts);
        for (int bi = 0; bi < b; bi++)
        {
            int len = _lengths[bi];
            // dWeights_b (Tq, len) = dContext_b (Tq, Hm) · memory_bᵀ
            Gemm.Multiply(false, true, tq, len, hm, 1f, contextGradient.Slice(bi * hm), b * hm, m.Slice(bi * hm), b * hm, 0f, ds.Slice(bi * ts), b * ts);
            if (wantDm)
            {
                // dMemory_b (len, Hm) = weights_bᵀ · dContext_b
                Gemm.Multiply(true, false, len, hm, tq, 1f, w.Slice(bi * ts), b * ts, contextGradient.Slice(bi * hm), b * hm, 0f, memoryGradient.Slice(bi * hm), b * hm);
            }
        }

        SoftmaxBackward(w, ds);
        switch (Score)
        {
            case AttentionScore.Dot:
                ProductBackward(q, hq, ds, queriesGradient, memoryGradient);
                break;
            case AttentionScore.General:
                GeneralBackward(q, ds, queriesGradient, memoryGradient);
                break;
            default:
                AdditiveBackward(q, ds, queriesGradient, memoryGradient);
                break;
        }
    }

    // e_b (Tq, len) = rows_b (Tq, Hm) · memory_bᵀ, for Dot (rows = queries) and General (rows = q W).
    private void ProductScores(ReadOnlySpan<float> rows, Span<float> scores)
    {
        int tq = _tq, ts = _ts, b = _b, hm = MemorySize;
        for (int bi = 0; bi < b; bi++)
        {
            if (tq == 1)
            {
                // One query step (decoding): e[b,s] = row_b · m[s,b] as dot products, without a GEMM call per row.
                for (int s = 0; s < _lengths[bi]; s++)
                {
                    scores[(bi * ts) + s] = TensorPrimitives.Dot(rows.Slice(bi * hm, hm), _memory.AsSpan(((s * b) + bi) * hm, hm));
                }

                continue;
            }

            Gemm.Multiply(false, true, tq, _lengths[bi], hm, 1f, rows.Slice(bi * hm), b * hm, _memory.AsSpan(bi * hm), b * hm, 0f, scores.Slice(bi * ts), b * ts);
        }
    }

    // e[t,b,s] = v · tanh(W_q q[t,b] + W_m m[s,b] + b) for s < len[b]; h is kept for Backward.
    private void AdditiveScores(Span<float> scores)
    {
        int tq = _tq, ts = _ts, b = _b, a = _a, hq = QuerySize, hm = MemorySize;
        Span<float> pq = Buffers.Grow(ref _projected, (long)tq * b * a);
        Gemm.Multiply(false, true, tq * b, a, hq, 1f, _queries, hq, _queryWeight!.Value, hq, 0f, pq, a);
        Span<float> pm = Buffers.Grow(ref _memoryProjection, (long)ts * b * a);
        ReadOnlySpan<float> bias = _memoryBias!.Value;
        for (int r = 0; r < ts * b; r++)
        {
            bias.CopyTo(pm.Slice(r * a, a));
        }

        Gemm.Multiply(false, true, ts * b, a, hm, 1f, _memory, hm, _memoryWeight!.Value, hm, 1f, pm, a);
        Span<float> hidden = Buffers.Grow(ref _hidden, (long)tq * b * ts * a);
        ReadOnlySpan<float> v = _v!.Value;
        for (int row = 0; row < tq * b; row++)
        {
            int bi = row % b, len = _lengths[bi];
            ReadOnlySpan<float> queryRow = pq.Slice(row * a, a);
            Span<float> block = hidden.Slice(row * ts * a, len * a);
            for (int s = 0; s < len; s++)
            {
                TensorPrimitives.Add(queryRow, pm.Slice(((s * b) + bi) * a, a), block.Slice(s * a, a));
            }

            Activations.Tanh(block, block);
            for (int s = 0; s < len; s++)
            {
                scores[(row * ts) + s] = TensorPrimitives.Dot(block.Slice(s * a, a), v);
            }
        }
    }

    // Softmax over s < len[b] with the maximum subtracted; padding set to exactly 0.
    private void MaskedSoftmax(Span<float> weights)
    {
        int ts = _ts, b = _b;
        for (int row = 0; row < _tq * b; row++)
        {
            int len = _lengths[row % b];
            Span<float> real = weights.Slice(row * ts, len);
            float max = TensorPrimitives.Max(real);
            TensorPrimitives.Subtract(real, max, real);
            Activations.Exp(real, real);
            TensorPrimitives.Divide(real, TensorPrimitives.Sum(real), real);
            weights.Slice((row * ts) + len, ts - len).Clear();
        }
    }

    // In place: dScores = weights ⊙ (dWeights − Σₛ weights ⊙ dWeights) over s < len[b]; 0 on padding.
    private void SoftmaxBackward(ReadOnlySpan<float> weights, Span<float> gradient)
    {
        int ts = _ts, b = _b;
        for (int row = 0; row < _tq * b; row++)
        {
            int len = _lengths[row % b];
            ReadOnlySpan<float> a = weights.Slice(row * ts, len);
            Span<float> g = gradient.Slice(row * ts, len);
            TensorPrimitives.Subtract(g, TensorPrimitives.Dot(a, g), g);
            TensorPrimitives.Multiply(g, a, g);
            gradient.Slice((row * ts) + len, ts - len).Clear();
        }
    }

    // Dot: dq_b = dScores_b · memory_b; dm_b += dScores_bᵀ · q_b (rows = queries, width Hq = Hm).
    private void ProductBackward(ReadOnlySpan<float> rows, int width, ReadOnlySpan<float> ds, Span<float> rowsGradient, Span<float> memoryGradient)
    {
        int tq = _tq, ts = _ts, b = _b, hm = MemorySize;
        ReadOnlySpan<float> m = _memory;
        for (int bi = 0; bi < b; bi++)
        {
            int len = _lengths[bi];
            if (!rowsGradient.IsEmpty)
            {
                Gemm.Multiply(false, false, tq, width, len, 1f, ds.Slice(bi * ts), b * ts, m.Slice(bi * hm), b * hm, 0f, rowsGradient.Slice(bi * width), b * width);
            }

            if (!memoryGradient.IsEmpty)
            {
                Gemm.Multiply(true, false, len, hm, tq, 1f, ds.Slice(bi * ts), b * ts, rows.Slice(bi * width), b * width, 1f, memoryGradient.Slice(bi * hm), b * hm);
            }
        }
    }

    // General: dp = dScores · memory, dm += dScoresᵀ · p, dW += qᵀ dp, dq = dp Wᵀ.
    private void GeneralBackward(ReadOnlySpan<float> q, ReadOnlySpan<float> ds, Span<float> queriesGradient, Span<float> memoryGradient)
    {
        int n = _tq * _b, hq = QuerySize, hm = MemorySize;
        Span<float> dp = Buffers.Grow(ref _projectedGradient, (long)n * hm);
        ProductBackward(_projected.AsSpan(0, n * hm), hm, ds, dp, memoryGradient);
        Gemm.Multiply(true, false, hq, hm, n, 1f, q, hq, dp, hm, 1f, _linearIn!.Gradient, hm);
        if (!queriesGradient.IsEmpty)
        {
            Gemm.Multiply(false, true, n, hq, hm, 1f, dp, hm, _linearIn.Value, hm, 0f, queriesGradient, hq);
        }
    }

    // Additive: see the class remarks (g, gq, gm).
    private void AdditiveBackward(ReadOnlySpan<float> q, ReadOnlySpan<float> ds, Span<float> queriesGradient, Span<float> memoryGradient)
    {
        int tq = _tq, ts = _ts, b = _b, a = _a, hq = QuerySize, hm = MemorySize;
        Span<float> gq = Buffers.Grow(ref _projectedGradient, (long)tq * b * a);
        Span<float> gm = Buffers.Grow(ref _memoryProjectionGradient, (long)ts * b * a);
        gq.Clear();
        gm.Clear();
        ReadOnlySpan<float> v = _v!.Value, hidden = _hidden;
        Span<float> dv = _v.Gradient, g = _row;
        for (int row = 0; row < tq * b; row++)
        {
            int bi = row % b, len = _lengths[bi];
            Span<float> gqRow = gq.Slice(row * a, a);
            for (int s = 0; s < len; s++)
            {
                float de = ds[(row * ts) + s];
                ReadOnlySpan<float> h = hidden.Slice(((row * ts) + s) * a, a);
                TensorPrimitives.MultiplyAdd(h, de, dv, dv);
                TensorPrimitives.Multiply(h, h, g);
                TensorPrimitives.Subtract(1f, g, g);
                TensorPrimitives.Multiply(g, v, g);
                TensorPrimitives.Multiply(g, de, g);
                TensorPrimitives.Add(gqRow, g, gqRow);
                Span<float> gmRow = gm.Slice(((s * b) + bi) * a, a);
                TensorPrimitives.Add(gmRow, g, gmRow);
            }
        }

        Gemm.Multiply(true, false, a, hq, tq * b, 1f, gq, a, q, hq, 1f, _queryWeight!.Gradient, hq);
        if (!queriesGradient.IsEmpty)
        {
            Gemm.Multiply(false, false, tq * b, hq, a, 1f, gq, a, _queryWeight.Value, hq, 0f, queriesGradient, hq);
        }

        Span<float> db = _memoryBias!.Gradient;
        for (int r = 0; r < ts * b; r++)
        {
            TensorPrimitives.Add(db, gm.Slice(r * a, a), db);
        }

        ReadOnlySpan<float> m = _memory, wm = _memoryWeight!.Value;
        Span<float> dwm = _memoryWeight.Gradient;
        for (int bi = 0; bi < b; bi++)
        {
            // Only real rows: padded memory may hold anything, even NaN, and must not reach the gradients.
            int len = _lengths[bi];
            Gemm.Multiply(true, false, a, hm, len, 1f, gm.Slice(bi * a), b * a, m.Slice(bi * hm), b * hm, 1f, dwm, hm);
            if (!memoryGradient.IsEmpty)
            {
                Gemm.Multiply(false, false, len, hm, a, 1f, gm.Slice(bi * a), b * a, wm, hm, 1f, memoryGradient.Slice(bi * hm), b * hm);
            }
        }
    }

    private static Parameter AddLinear(ParameterStore store, SeededRandom random, string name, int outputs, int inputs)
    {
        var p = store.Add(name, outputs, inputs);
        float bound = 1f / MathF.Sqrt(inputs);
        random.FillUniform(p.Value, -bound, bound);
        return p;
    }

    private static void CheckLengths(ReadOnlySpan<int> lengths, int ts, int b)
    {
        if (lengths.Length != b)
        {
            throw new ArgumentException($"'memoryLengths' has {lengths.Length} entries but the batch has B={b} rows; give one memory length per row.", "memoryLengths");
        }

        for (int i = 0; i < b; i++)
        {
            if (lengths[i] < 1 || lengths[i] > ts)
            {
                throw new ArgumentOutOfRangeException("memoryLengths", lengths[i],
                    $"Row {i} has memory length {lengths[i]}; memory lengths must be in [1, Ts={ts}]. Drop empty sequences before batching, or pad the memory to the longest row.");
            }
        }
    }
}
