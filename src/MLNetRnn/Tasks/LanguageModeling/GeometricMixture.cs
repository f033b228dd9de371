namespace MLNetRnn.LanguageModeling;

// M = models mixed, V = vocabulary.

/// <summary>
/// A geometric (log-linear) mixture learnt online: p(x) ∝ exp(Σₖ wₖ log pₖ(x)), weights from 1/M, one gradient step of
/// −log p(target) after each token: wₖ += rate · (log pₖ(target) − Σₓ p(x) log pₖ(x)). Unlike a linear mixture it can
/// sharpen where the models agree.
/// </summary>
internal sealed class GeometricMixture(int models, int vocabulary, double rate)
{
    private readonly double[] _weights = [.. Enumerable.Repeat(1.0 / models, models)];
    private readonly double[] _p = new double[vocabulary];

    /// <summary>Returns the mixture's probability of <paramref name="target"/>, then learns from it.</summary>
    /// <param name="logs">(M, V) each model's log-probabilities.</param>
    /// <param name="target">The token that came.</param>
    public double Mix(ReadOnlySpan<double> logs, int target)
    {
        double max = double.NegativeInfinity;
        for (int x = 0; x < vocabulary; x++)
        {
            double z = 0;
            for (int k = 0; k < models; k++)
            {
                z += _weights[k] * logs[(k * vocabulary) + x];
            }

            _p[x] = z;
            max = Math.Max(max, z);
        }

        double sum = 0;
        for (int x = 0; x < vocabulary; x++)
        {
            _p[x] = Math.Exp(_p[x] - max);
            sum += _p[x];
        }

        for (int x = 0; x < vocabulary; x++)
        {
            _p[x] /= sum;
        }

        double chosen = _p[target];
        for (int k = 0; k < models; k++)
        {
            ReadOnlySpan<double> row = logs.Slice(k * vocabulary, vocabulary);
            double expected = 0;
            for (int x = 0; x < vocabulary; x++)
            {
                expected += _p[x] * row[x];
            }

            _weights[k] += rate * (row[target] - expected);
        }

        return chosen;
    }

    /// <summary>Gets the (M) weights the next token will be mixed with.</summary>
    public ReadOnlySpan<double> Weights => _weights;
}
