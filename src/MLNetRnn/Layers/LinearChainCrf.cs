using MLNetRnn.Numerics;
using MLNetRnn.Training;

namespace MLNetRnn.Layers;

// T = time (longest sequence in the batch), B = batch, K = tags. Tensors are time-major, as the rest of the engine:
// emission (t, b, k) is at ((t*B) + b)*K + k, tag (t, b) at t*B + b. Row b is real for t < len[b], padding after.
// Log-space recursions are kept in double; emissions, parameters and gradients are float.

/// <summary>
/// A linear-chain conditional random field over per-token tag scores (emissions): transition scores between
/// consecutive tags plus start and end scores, trained by the negative log-likelihood of the gold tags (forward
/// algorithm) and decoded by Viterbi. Parameter names and meaning follow pytorch-crf (<c>transitions[i, j]</c> is the
/// score of tag i followed by tag j).
/// </summary>
/// <remarks>
/// <para>Score of tags y over a sequence of length L with emissions e:
/// <c>s(y) = start[y₀] + Σₜ e[t, y_t] + Σ_{t≥1} trans[y_{t−1}, y_t] + end[y_{L−1}]</c>, and
/// <c>p(y) = exp(s(y)) / Z</c> with <c>Z = Σ_y' exp(s(y'))</c> over all Kᴸ tag sequences.</para>
/// <para>Forward algorithm: <c>α₀[j] = start[j] + e[0, j]</c>, <c>α_t[j] = logsumexpᵢ(α_{t−1}[i] + trans[i, j]) + e[t, j]</c>,
/// <c>log Z = logsumexpⱼ(α_{L−1}[j] + end[j])</c>; every logsumexp subtracts its maximum first. Loss per sequence
/// <c>NLL = log Z − s(gold)</c>, summed or averaged over the B sequences.</para>
/// <para>Backward (forward-backward marginals): <c>β_{L−1}[i] = end[i]</c>,
/// <c>β_t[i] = logsumexpⱼ(trans[i, j] + e[t+1, j] + β_{t+1}[j])</c>; <c>p(y_t = j) = exp(α_t[j] + β_t[j] − log Z)</c>,
/// <c>p(y_{t−1} = i, y_t = j) = exp(α_{t−1}[i] + trans[i, j] + e[t, j] + β_t[j] − log Z)</c>. With g = 1 (sum) or 1/B (mean):
/// <c>de[t, j] = g (p(y_t = j) − [gold_t = j])</c>, <c>dstart[j] += g (p(y₀ = j) − [gold₀ = j])</c>,
/// <c>dend[j] += g (p(y_{L−1} = j) − [gold_{L−1} = j])</c>, <c>dtrans[i, j] += g Σ_{t≥1} (p(y_{t−1} = i, y_t = j) − [gold_{t−1} = i, gold_t = j])</c>.</para>
/// <para>Padding (t ≥ len[b]) is never read: its emissions may hold anything (even NaN), its tags are ignored, and its
/// emission gradient is exactly 0. Each sequence is computed on its own, so a ragged batch gives, bit for bit, the same
/// losses, gradients and tags as one sequence at a time.</para>
/// <para>The recursions are computed in double with K exponentials a step (scores factored through
/// <c>exp(trans − max trans)</c>; see LinearChainCrf.Recursions.cs), or, when the transition scores spread over more than
/// 600, with every logsumexp in log space; both give the same values to rounding.</para>
/// <para>Initialisation as pytorch-crf: every tensor <c>~ U(−0.1, 0.1)</c>. Buffers grow to the largest batch seen and are
/// reused, so steady-state calls allocate nothing.</para>
/// </remarks>
public sealed partial class LinearChainCrf
{
    private readonly Parameter _transitions; // (K, K), [from, to]
    private readonly Parameter _start;       // (K)
    private readonly Parameter _end;         // (K)
    private readonly double[] _row;          // (K) scratch
    private readonly double[] _parameterGradient; // (K*K + 2K) dtrans, dstart, dend accumulated in double

    private int _t, _b;                      // shape of the last Forward; _t == 0 before the first
    private double _scale;                   // g: 1 for Sum, 1/B for Mean
    private int[] _lengths = [];             // (B)
    private int[] _tags = [];                // (T, B)
    private float[] _emissions = [];         // (T, B, K)
    private double[] _alpha = [];            // (T, B, K) forward log-scores, real rows only
    private double[] _beta = [];             // (T, B, K) backward log-scores, real rows only
    private double[] _logPartition = [];     // (B) log Z
    private double[] _goldScore = [];        // (B) s(gold)
    private double[] _delta = [];            // (2, K) Viterbi scores of the previous and current step
    private int[] _backPointers = [];        // (T, K) Viterbi arg-max of one sequence

    /// <summary>
    /// Creates the layer and adds <c>{prefix}start_transitions</c> (K), <c>{prefix}end_transitions</c> (K) and
    /// <c>{prefix}transitions</c> (K, K) to <paramref name="store"/>.
    /// </summary>
    /// <param name="store">Where the tensors live.</param>
    /// <param name="tagCount">K, the number of tags; at least 1.</param>
    /// <param name="random">The seeded source for the U(−0.1, 0.1) initialisation.</param>
    /// <param name="prefix">Name prefix. Default <c>"crf."</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="store"/>, <paramref name="random"/> or <paramref name="prefix"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tagCount"/> is not positive.</exception>
    /// <exception cref="ArgumentException">A tensor name is already used in <paramref name="store"/>.</exception>
    public LinearChainCrf(ParameterStore store, int tagCount, SeededRandom random, string prefix = "crf.")
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tagCount);
        TagCount = tagCount;
        _start = store.Add(prefix + "start_transitions", tagCount);
        _end = store.Add(prefix + "end_transitions", tagCount);
        _transitions = store.Add(prefix + "transitions", tagCount, tagCount);
        random.FillUniform(_start.Value, -0.1f, 0.1f);
        random.FillUniform(_end.Value, -0.1f, 0.1f);
        random.FillUniform(_transitions.Value, -0.1f, 0.1f);
        _row = new double[tagCount];
        _column = new double[tagCount];
        _expTransitions = new double[tagCount * tagCount];
        _parameterGradient = new double[(tagCount * tagCount) + (2 * tagCount)];
    }

    /// <summary>Gets K, the number of tags.</summary>
    public int TagCount { get; }

    /// <summary>Gets the transition scores (K, K): <c>[i, j]</c> scores tag i followed by tag j.</summary>
    public Parameter Transitions => _transitions;

    /// <summary>Gets the scores (K) of starting a sequence with each tag.</summary>
    public Parameter StartTransitions => _start;

    /// <summary>Gets the scores (K) of ending a sequence with each tag.</summary>
    public Parameter EndTransitions => _end;

    /// <summary>Gets log Z of each sequence of the last <see cref="Forward"/> (B).</summary>
    internal ReadOnlySpan<double> LogPartitions => _logPartition.AsSpan(0, _b);

    /// <summary>Gets the gold-path score s(gold) of each sequence of the last <see cref="Forward"/> (B).</summary>
    internal ReadOnlySpan<double> GoldScores => _goldScore.AsSpan(0, _b);

    /// <summary>Computes the negative log-likelihood of the gold tags and keeps what <see cref="Backward"/> needs.</summary>
    /// <param name="emissions">(T, B, K) time-major tag scores, for example a <see cref="Dense"/> layer over the T*B rows of a
    /// recurrent stack's output. Rows at t ≥ lengths[b] are padding and are never read.</param>
    /// <param name="maxLength">T; at least 1.</param>
    /// <param name="batchSize">B; at least 1.</param>
    /// <param name="lengths">B sequence lengths, each in [1, T], in any order.</param>
    /// <param name="tags">(T, B) gold tags in [0, K) at real positions; padding positions are ignored.</param>
    /// <param name="reduction"><see cref="LossReduction.Mean"/> (default) averages over the B sequences (pytorch-crf's
    /// <c>reduction='mean'</c>); <see cref="LossReduction.Sum"/> adds them.</param>
    /// <returns>The loss, <c>Σ_b (log Z_b − s_b(gold))</c> or that divided by B; never negative.</returns>
    /// <exception cref="ArgumentOutOfRangeException">T or B is not positive, a length is outside [1, T], or a gold tag at a
    /// real position is outside [0, K); the message names the row and value.</exception>
    /// <exception cref="ArgumentException">A span does not have the size its shape needs, or an emission at a real position
    /// is NaN or infinite (the message gives its step, row and tag).</exception>
    public double Forward(ReadOnlySpan<float> emissions, int maxLength, int batchSize, ReadOnlySpan<int> lengths, ReadOnlySpan<int> tags,
        LossReduction reduction = LossReduction.Mean)
    {
        CheckBatch(emissions, maxLength, batchSize, lengths);
        int t = maxLength, b = batchSize, k = TagCount;
        if (tags.Length != t * b)
        {
            throw new ArgumentException($"'tags' has {tags.Length} elements but its shape (T={t}, B={b}) needs {t * b}.", nameof(tags));
        }

        for (int bi = 0; bi < b; bi++)
        {
            for (int s = 0; s < lengths[bi]; s++)
            {
                int y = tags[(s * b) + bi];
                if ((uint)y >= (uint)k)
                {
                    throw new ArgumentOutOfRangeException(nameof(tags), y, $"The gold tag of row {bi} at step {s} is {y}; tags must be in [0, K={k}).");
                }
            }
        }

        (_t, _b) = (t, b);
        _scale = reduction == LossReduction.Mean ? 1.0 / b : 1.0;
        lengths.CopyTo(Buffers.Grow(ref _lengths, b));
        tags.CopyTo(Buffers.Grow(ref _tags, (long)t * b));
        emissions.CopyTo(Buffers.Grow(ref _emissions, (long)t * b * k));
        Buffers.Grow(ref _alpha, (long)t * b * k);
        Span<double> logZ = Buffers.Grow(ref _logPartition, b);
        Span<double> gold = Buffers.Grow(ref _goldScore, b);
        PrepareTransitions();
        double total = 0;
        for (int bi = 0; bi < b; bi++)
        {
            logZ[bi] = ForwardAlgorithm(bi);
            gold[bi] = PathScore(bi);
            total += logZ[bi] - gold[bi];
        }

        return total * _scale;
    }

    /// <summary>
    /// Back-propagates the last <see cref="Forward"/>: adds the gradients of the transitions and start/end scores, and
    /// writes the gradient of the emissions.
    /// </summary>
    /// <param name="emissionsGradient">(T, B, K), overwritten with dLoss/demissions; exactly 0 on padding.</param>
    /// <exception cref="InvalidOperationException">No <see cref="Forward"/> ran before.</exception>
    /// <exception cref="ArgumentException">The span does not have T*B*K elements.</exception>
    public void Backward(Span<float> emissionsGradient)
    {
        if (_t == 0)
        {
            throw new InvalidOperationException("Backward needs a Forward first: call Forward on the batch, then Backward.");
        }

        int t = _t, b = _b, k = TagCount;
        Check.Exact(emissionsGradient, nameof(emissionsGradient), ("T", t), ("B", b), ("K", k));
        emissionsGradient.Clear();
        Buffers.Grow(ref _beta, (long)t * b * k);
        Array.Clear(_parameterGradient);
        for (int bi = 0; bi < b; bi++)
        {
            BackwardAlgorithm(bi);
            Marginals(bi, emissionsGradient);
        }

        AddInto(_start.Gradient, _parameterGradient.AsSpan(k * k, k));
        AddInto(_end.Gradient, _parameterGradient.AsSpan((k * k) + k, k));
        AddInto(_transitions.Gradient, _parameterGradient.AsSpan(0, k * k));
    }

    /// <summary>Finds the highest-scoring tag sequence of each row (Viterbi). Does not disturb a pending <see cref="Backward"/>.</summary>
    /// <param name="emissions">(T, B, K) time-major tag scores; padding rows are never read.</param>
    /// <param name="maxLength">T; at least 1.</param>
    /// <param name="batchSize">B; at least 1.</param>
    /// <param name="lengths">B sequence lengths, each in [1, T].</param>
    /// <param name="tags">(T, B), overwritten with the best tags at real positions and -1 on padding.</param>
    /// <param name="scores">(B) overwritten with the best path's score s(y*) per row; empty to skip.</param>
    /// <remarks>
    /// <c>δ₀[j] = start[j] + e[0, j]</c>, <c>δ_t[j] = maxᵢ(δ_{t−1}[i] + trans[i, j]) + e[t, j]</c>; the last tag maximises
    /// <c>δ_{L−1}[j] + end[j]</c> and the rest follow the back-pointers. Ties go to the lowest tag index.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">T or B is not positive, or a length is outside [1, T].</exception>
    /// <exception cref="ArgumentException">A span does not have the size its shape needs, or a real emission is not finite.</exception>
    public void Decode(ReadOnlySpan<float> emissions, int maxLength, int batchSize, ReadOnlySpan<int> lengths, Span<int> tags, Span<double> scores = default)
    {
        CheckBatch(emissions, maxLength, batchSize, lengths);
        int t = maxLength, b = batchSize, k = TagCount;
        if (tags.Length != t * b)
        {
            throw new ArgumentException($"'tags' has {tags.Length} elements but its shape (T={t}, B={b}) needs {t * b}.", nameof(tags));
        }

        if (!scores.IsEmpty && scores.Length != b)
        {
            throw new ArgumentException($"'scores' has {scores.Length} elements; pass B={b} or none.", nameof(scores));
        }

        Span<double> delta = Buffers.Grow(ref _delta, 2 * k);
        Span<int> back = Buffers.Grow(ref _backPointers, (long)t * k);
        ReadOnlySpan<float> trans = _transitions.Value, start = _start.Value, end = _end.Value;
        for (int bi = 0; bi < b; bi++)
        {
            int len = lengths[bi];
            Span<double> previous = delta[..k], current = delta[k..];
            ReadOnlySpan<float> e0 = emissions.Slice(bi * k, k);
            for (int j = 0; j < k; j++)
            {
                previous[j] = (double)start[j] + e0[j];
            }

            for (int s = 1; s < len; s++)
            {
                ReadOnlySpan<float> es = emissions.Slice(((s * b) + bi) * k, k);
                for (int j = 0; j < k; j++)
                {
                    int best = 0;
                    double bestScore = previous[0] + trans[j];
                    for (int i = 1; i < k; i++)
                    {
                        double v = previous[i] + trans[(i * k) + j];
                        if (v > bestScore)
                        {
                            (best, bestScore) = (i, v);
                        }
                    }

                    current[j] = bestScore + es[j];
                    back[(s * k) + j] = best;
                }

                Span<double> swap = previous;
                previous = current;
                current = swap;
            }

            int last = 0;
            double lastScore = previous[0] + end[0];
            for (int j = 1; j < k; j++)
            {
                double v = previous[j] + end[j];
                if (v > lastScore)
                {
                    (last, lastScore) = (j, v);
                }
            }

            if (!scores.IsEmpty)
            {
                scores[bi] = lastScore;
            }

            for (int s = len - 1; s >= 0; s--)
            {
                tags[(s * b) + bi] = last;
                last = back[(s * k) + last];
            }

            for (int s = len; s < t; s++)
            {
                tags[(s * b) + bi] = -1;
            }
        }
    }

    private static void AddInto(Span<float> destination, ReadOnlySpan<double> source)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] += (float)source[i];
        }
    }

    private void CheckBatch(ReadOnlySpan<float> emissions, int t, int b, ReadOnlySpan<int> lengths)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(t, "maxLength");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(b, "batchSize");
        int k = TagCount;
        Check.Exact(emissions, nameof(emissions), ("T", t), ("B", b), ("K", k));
        if (lengths.Length != b)
        {
            throw new ArgumentException($"'lengths' has {lengths.Length} entries but the batch has B={b} rows; give one length per row.", nameof(lengths));
        }

        for (int bi = 0; bi < b; bi++)
        {
            int len = lengths[bi];
            if (len < 1 || len > t)
            {
                throw new ArgumentOutOfRangeException(nameof(lengths), len,
                    $"Row {bi} has length {len}; lengths must be in [1, T={t}]. Drop empty sentences before batching.");
            }

            for (int s = 0; s < len; s++)
            {
                ReadOnlySpan<float> row = emissions.Slice(((s * b) + bi) * k, k);
                for (int j = 0; j < k; j++)
                {
                    if (!float.IsFinite(row[j]))
                    {
                        throw new ArgumentException(
                            $"The emission of row {bi} at step {s} for tag {j} is {row[j]}; the model produced a non-finite value (lower the learning rate, enable gradient clipping, or check the inputs for NaN).",
                            nameof(emissions));
                    }
                }
            }
        }
    }
}
