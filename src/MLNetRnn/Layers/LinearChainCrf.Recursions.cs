namespace MLNetRnn.Layers;

// The per-sequence recursions of LinearChainCrf: forward (α), backward (β), gold-path score and marginals.
// T = time, B = batch, K = tags; tensors time-major as in LinearChainCrf.cs. Row bi's step s starts at ((s*B) + bi)*K.
//
// Two equal ways to compute them:
// - exact: every logsumexp in log space, K exponentials per logsumexp (K² per step);
// - factored: with E[i, j] = exp(trans[i, j] − w) (w = max trans, computed once per Forward), a step needs only K
//   exponentials: logsumexpᵢ(α[i] + trans[i, j]) = a + w + log Σᵢ exp(α[i] − a) E[i, j] (a = maxᵢ α[i]), and the pair
//   marginal exp(α[i] + trans[i, j] + v[j] − log Z) (v = e + β) = exp(α[i] + m + w − log Z) · E[i, j] · exp(v[j] − m)
//   (m = max v). Each sum holds a term ≥ exp(−(max trans − min trans)), and the first factor's exponent is at most
//   max trans − min trans (log Z bounds every path through (i, argmax v)), so with a spread of transition scores up to
//   FactoredSpread nothing overflows or sums to zero; above it the exact recursions run.

/// <content>The forward, backward and marginal recursions (see the file comment for the two ways they are computed).</content>
public sealed partial class LinearChainCrf
{
    private const double FactoredSpread = 600;

    private readonly double[] _expTransitions; // (K, K) exp(trans − max trans), valid when _factored
    private readonly double[] _column;         // (K) scratch
    private double _transitionMax;
    private bool _factored;

    /// <summary>Gets or sets whether the exact log-space recursions always run (tests compare the two ways).</summary>
    internal bool ExactRecursions { get; set; }

    /// <summary>Gets whether the last <see cref="Forward"/> used the factored recursions.</summary>
    internal bool UsedFactoredRecursions => _factored;

    // Chooses the way for this batch and fills E.
    private void PrepareTransitions()
    {
        ReadOnlySpan<float> trans = _transitions.Value;
        double max = double.NegativeInfinity, min = double.PositiveInfinity;
        foreach (float w in trans)
        {
            max = Math.Max(max, w);
            min = Math.Min(min, w);
        }

        _transitionMax = max;
        _factored = !ExactRecursions && max - min <= FactoredSpread;
        if (_factored)
        {
            for (int i = 0; i < trans.Length; i++)
            {
                _expTransitions[i] = Math.Exp(trans[i] - max);
            }
        }
    }

    // α of row bi into _alpha; returns log Z.
    private double ForwardAlgorithm(int bi)
    {
        int b = _b, k = TagCount, len = _lengths[bi];
        ReadOnlySpan<float> trans = _transitions.Value, start = _start.Value, end = _end.Value, e = _emissions;
        Span<double> alpha = _alpha, row = _row;
        ReadOnlySpan<double> expTrans = _expTransitions;
        int at = bi * k;
        for (int j = 0; j < k; j++)
        {
            alpha[at + j] = (double)start[j] + e[at + j];
        }

        for (int s = 1; s < len; s++)
        {
            int previous = (((s - 1) * b) + bi) * k, current = ((s * b) + bi) * k;
            if (_factored)
            {
                double a = Max(alpha.Slice(previous, k));
                for (int i = 0; i < k; i++)
                {
                    row[i] = Math.Exp(alpha[previous + i] - a);
                }

                for (int j = 0; j < k; j++)
                {
                    double sum = 0;
                    for (int i = 0; i < k; i++)
                    {
                        sum += row[i] * expTrans[(i * k) + j];
                    }

                    alpha[current + j] = a + _transitionMax + Math.Log(sum) + e[current + j];
                }

                continue;
            }

            for (int j = 0; j < k; j++)
            {
                for (int i = 0; i < k; i++)
                {
                    row[i] = alpha[previous + i] + trans[(i * k) + j];
                }

                alpha[current + j] = LogSumExp(row) + e[current + j];
            }
        }

        int lastRow = (((len - 1) * b) + bi) * k;
        for (int j = 0; j < k; j++)
        {
            row[j] = alpha[lastRow + j] + end[j];
        }

        return LogSumExp(row);
    }

    // s(gold) of row bi.
    private double PathScore(int bi)
    {
        int b = _b, k = TagCount, len = _lengths[bi];
        ReadOnlySpan<float> trans = _transitions.Value, e = _emissions;
        int y = _tags[bi];
        double score = (double)_start.Value[y] + e[(bi * k) + y];
        for (int s = 1; s < len; s++)
        {
            int next = _tags[(s * b) + bi];
            score += (double)trans[(y * k) + next] + e[(((s * b) + bi) * k) + next];
            y = next;
        }

        return score + _end.Value[y];
    }

    // β of row bi into _beta.
    private void BackwardAlgorithm(int bi)
    {
        int b = _b, k = TagCount, len = _lengths[bi];
        ReadOnlySpan<float> trans = _transitions.Value, end = _end.Value, e = _emissions;
        Span<double> beta = _beta, row = _row;
        ReadOnlySpan<double> expTrans = _expTransitions;
        int lastRow = (((len - 1) * b) + bi) * k;
        for (int i = 0; i < k; i++)
        {
            beta[lastRow + i] = end[i];
        }

        for (int s = len - 2; s >= 0; s--)
        {
            int current = ((s * b) + bi) * k, next = (((s + 1) * b) + bi) * k;
            if (_factored)
            {
                double m = ExpShifted(e.Slice(next, k), beta.Slice(next, k), row);
                for (int i = 0; i < k; i++)
                {
                    double sum = 0;
                    for (int j = 0; j < k; j++)
                    {
                        sum += expTrans[(i * k) + j] * row[j];
                    }

                    beta[current + i] = m + _transitionMax + Math.Log(sum);
                }

                continue;
            }

            for (int i = 0; i < k; i++)
            {
                for (int j = 0; j < k; j++)
                {
                    row[j] = (double)trans[(i * k) + j] + e[next + j] + beta[next + j];
                }

                beta[current + i] = LogSumExp(row);
            }
        }
    }

    // Emission gradient of row bi and its share of the parameter gradients (into _parameterGradient).
    private void Marginals(int bi, Span<float> emissionsGradient)
    {
        int b = _b, k = TagCount, len = _lengths[bi];
        double g = _scale, logZ = _logPartition[bi];
        ReadOnlySpan<float> trans = _transitions.Value, e = _emissions;
        ReadOnlySpan<double> alpha = _alpha, beta = _beta, expTrans = _expTransitions;
        Span<double> dTrans = _parameterGradient.AsSpan(0, k * k), column = _column;
        Span<double> dStart = _parameterGradient.AsSpan(k * k, k), dEnd = _parameterGradient.AsSpan((k * k) + k, k);
        int previousTag = -1;
        for (int s = 0; s < len; s++)
        {
            int at = ((s * b) + bi) * k, gold = _tags[(s * b) + bi];
            for (int j = 0; j < k; j++)
            {
                double p = Math.Exp(alpha[at + j] + beta[at + j] - logZ);
                emissionsGradient[at + j] = (float)(g * p);
                if (s == 0)
                {
                    dStart[j] += g * p;
                }

                if (s == len - 1)
                {
                    dEnd[j] += g * p;
                }
            }

            emissionsGradient[at + gold] -= (float)g;
            if (s > 0)
            {
                int previous = (((s - 1) * b) + bi) * k;
                if (_factored)
                {
                    double m = ExpShifted(e.Slice(at, k), beta.Slice(at, k), column);
                    for (int i = 0; i < k; i++)
                    {
                        double f = g * Math.Exp(alpha[previous + i] + m + _transitionMax - logZ);
                        for (int j = 0; j < k; j++)
                        {
                            dTrans[(i * k) + j] += f * expTrans[(i * k) + j] * column[j];
                        }
                    }
                }
                else
                {
                    for (int i = 0; i < k; i++)
                    {
                        double a = alpha[previous + i] - logZ;
                        for (int j = 0; j < k; j++)
                        {
                            dTrans[(i * k) + j] += g * Math.Exp(a + trans[(i * k) + j] + e[at + j] + beta[at + j]);
                        }
                    }
                }

                dTrans[(previousTag * k) + gold] -= g;
            }

            previousTag = gold;
        }

        dStart[_tags[bi]] -= g;
        dEnd[previousTag] -= g;
    }

    // destination[j] = exp(e[j] + β[j] − m) with m = maxⱼ(e[j] + β[j]); returns m.
    private static double ExpShifted(ReadOnlySpan<float> e, ReadOnlySpan<double> beta, Span<double> destination)
    {
        double m = double.NegativeInfinity;
        for (int j = 0; j < e.Length; j++)
        {
            destination[j] = e[j] + beta[j];
            m = Math.Max(m, destination[j]);
        }

        for (int j = 0; j < e.Length; j++)
        {
            destination[j] = Math.Exp(destination[j] - m);
        }

        return m;
    }

    private static double Max(ReadOnlySpan<double> values)
    {
        double max = values[0];
        for (int i = 1; i < values.Length; i++)
        {
            max = Math.Max(max, values[i]);
        }

        return max;
    }

    private static double LogSumExp(ReadOnlySpan<double> values)
    {
        double max = Max(values);
        double sum = 0;
        for (int i = 0; i < values.Length; i++)
        {
            sum += Math.Exp(values[i] - max);
        }

        return max + Math.Log(sum);
    }
}
