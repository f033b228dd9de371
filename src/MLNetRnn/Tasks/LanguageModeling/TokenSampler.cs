using MLNetRnn.Numerics;

namespace MLNetRnn.LanguageModeling;

// V = vocabulary.

/// <summary>
/// One sampling step (rules in <see cref="GenerationOptions"/>): the filtered, renormalised distribution over the
/// vocabulary, and a draw from it. Computed in double, so a tiny temperature leaves only the arg-max.
/// </summary>
internal sealed class TokenSampler
{
    private readonly GenerationOptions _options;
    private readonly bool[] _never; // (V) tokens that are never drawn
    private readonly double[] _p;   // (V)
    private readonly int[] _order;  // (V) token ids by probability, for top-k / top-p

    public TokenSampler(GenerationOptions options, int vocabularySize, IEnumerable<int> never)
    {
        _options = options;
        _never = new bool[vocabularySize];
        foreach (int id in never)
        {
            _never[id] = true;
        }

        _p = new double[vocabularySize];
        _order = new int[vocabularySize];
    }

    /// <summary>Fills the (V) probabilities of the next token after the temperature, top-k and top-p filters; zero for a filtered token.</summary>
    /// <exception cref="ArgumentException">The logits are not V values, or none of the drawable ones is finite.</exception>
    public ReadOnlySpan<double> Distribution(ReadOnlySpan<float> logits)
    {
        int v = _p.Length;
        if (logits.Length != v)
        {
            throw new ArgumentException($"The sampler expects {v} logits, got {logits.Length}.", nameof(logits));
        }

        double max = double.NegativeInfinity;
        for (int i = 0; i < v; i++)
        {
            if (!_never[i] && logits[i] > max)
            {
                max = logits[i];
            }
        }

        if (!double.IsFinite(max))
        {
            throw new ArgumentException("No token has a finite logit; the model produced NaN or infinite values.", nameof(logits));
        }

        double temperature = _options.Temperature, sum = 0;
        for (int i = 0; i < v; i++)
        {
            _p[i] = _never[i] || !float.IsFinite(logits[i]) ? 0 : Math.Exp((logits[i] - max) / temperature);
            sum += _p[i];
        }

        for (int i = 0; i < v; i++)
        {
            _p[i] /= sum;
        }

        if (_options.TopK > 0 || _options.TopP < 1f)
        {
            Filter();
        }

        return _p;
    }

    /// <summary>Draws a token id from <see cref="Distribution"/>'s result.</summary>
    public int Draw(SeededRandom random)
    {
        double u = random.NextDouble(), cumulative = 0;
        int last = -1;
        for (int i = 0; i < _p.Length; i++)
        {
            if (_p[i] > 0)
            {
                cumulative += _p[i];
                last = i;
                if (u < cumulative)
                {
                    return i;
                }
            }
        }

        return last; // u fell in the rounding gap at the top
    }

    /// <summary>Keeps the top-k tokens, then the smallest set of the most likely ones reaching TopP, and renormalises.</summary>
    private void Filter()
    {
        int v = _p.Length;
        for (int i = 0; i < v; i++)
        {
            _order[i] = i;
        }

        double[] p = _p;
        Array.Sort(_order, (a, b) => p[a] != p[b] ? p[b].CompareTo(p[a]) : a.CompareTo(b));
        int keep = _options.TopK > 0 ? Math.Min(_options.TopK, v) : v;
        double kept = 0;
        for (int i = 0; i < keep; i++)
        {
            kept += p[_order[i]];
        }

        if (_options.TopP < 1f)
        {
            double target = _options.TopP * kept, cumulative = 0;
            int n = 0;
            while (n < keep && p[_order[n]] > 0)
            {
                cumulative += p[_order[n]];
                n++;
                if (cumulative >= target)
                {
                    break;
                }
            }

            keep = Math.Max(n, 1);
        }

        double sum = 0;
        for (int i = 0; i < v; i++)
        {
            if (i < keep)
            {
                sum += p[_order[i]];
            }
            else
            {
                p[_order[i]] = 0;
            }
        }

        for (int i = 0; i < v; i++)
        {
            p[i] /= sum;
        }
    }
}
