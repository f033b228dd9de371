namespace MLNetRnn.LanguageModeling;

// M = models mixed, P = points of the weight grid.

/// <summary>
/// A linear mixture of M models' probabilities whose weights are chosen online by follow-the-leader on a simplex grid:
/// each token is scored with the weights that had the lowest loss on the tokens scored before it, so no weight is fitted
/// on the token it scores. The C# twin of <c>online_mixture</c> in <c>benchmarks/ngram_mixture.py</c>.
/// </summary>
/// <remarks>
/// <para>
/// The grid is <c>simplex_grid</c>'s, in its order: the first M−1 weights run over multiples of the step (the last
/// fastest) with their sum at most 1, and the last weight is 1 minus their sum. With M = 3 and step 0.05 there are 231 points.
/// </para>
/// <para>
/// For a token with the models' probabilities q (the probability each gave the token that came): the returned
/// probability is w · q; then every grid point g adds −log2(g · q) to its loss, and w becomes the point with the least
/// loss (the first in grid order on a tie). Before the first token the weights are equal, 1 / M.
/// </para>
/// </remarks>
internal sealed class OnlineMixture
{
    private const int MaxGridPoints = 1 << 20;

    private readonly int _models;
    private readonly int _points;
    private readonly double[] _grid;    // (P, M) weight vectors
    private readonly double[] _loss;    // (P) bits of each grid point on the scored tokens
    private readonly double[] _weights; // (M) the weights the next token is mixed with
    private long _scored;

    /// <summary>Creates the mixture with equal weights.</summary>
    /// <param name="models">M, the number of probabilities mixed; at least 1.</param>
    /// <param name="step">The grid's spacing: in (0, 1] and 1 / step a whole number (0.05: 20 steps).</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// M is below 1, the step is outside (0, 1] or does not divide 1, or the grid would exceed 2²⁰ points.
    /// </exception>
    public OnlineMixture(int models, double step = 0.05)
    {
        if (models < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(models), models, $"The mixture needs at least 1 model, got {models}.");
        }

        if (!(step > 0 && step <= 1) || Math.Abs(1 / step - Math.Round(1 / step)) > 1e-9 * (1 / step))
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, $"The grid step must be in (0, 1] and divide 1 a whole number of times (e.g. 0.05), got {step}.");
        }

        int steps = (int)Math.Round(1 / step);
        double points = 1; // C(steps + M − 1, M − 1)
        for (int i = 1; i < models; i++)
        {
            points = points * (steps + i) / i;
        }

        if (points > MaxGridPoints)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, $"A step of {step} over {models} models makes a grid of {points:G4} points, more than {MaxGridPoints}; use a coarser step or fewer models.");
        }

        _models = models;
        _points = (int)Math.Round(points);
        _grid = new double[_points * models];
        Fill(new int[models - 1], 0, steps, step, 0);
        _loss = new double[_points];
        _weights = new double[models];
        _weights.AsSpan().Fill(1.0 / models);
    }

    /// <summary>Gets M.</summary>
    public int Models => _models;

    /// <summary>Gets P, the number of weight vectors on the grid.</summary>
    public int GridPoints => _points;

    /// <summary>Returns grid point <paramref name="index"/>'s (M) weights; the points are in <c>simplex_grid</c>'s order.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside 0..P−1.</exception>
    public ReadOnlySpan<double> Point(int index)
    {
        if ((uint)index >= (uint)_points)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The grid point must be in 0..{_points - 1}, got {index}.");
        }

        return _grid.AsSpan(index * _models, _models);
    }

    /// <summary>
    /// Returns the mixture's probability of a token with the weights it holds now, then adds the token's loss under every
    /// grid point and moves the weights to the point with the least loss.
    /// </summary>
    /// <param name="probabilities">(M) the probability each model gave the token that came.</param>
    /// <exception cref="ArgumentException">There are not M probabilities, or one is negative or not finite.</exception>
    public double Mix(ReadOnlySpan<double> probabilities)
    {
        if (probabilities.Length != _models)
        {
            throw new ArgumentException($"The mixture expects {_models} probabilities, one per model, got {probabilities.Length}.", nameof(probabilities));
        }

        foreach (double q in probabilities)
        {
            if (!(q >= 0 && double.IsFinite(q)))
            {
                throw new ArgumentException($"Probabilities must be finite and non-negative, got {q}.", nameof(probabilities));
            }
        }

        double mixed = Dot(_weights, probabilities);
        int best = 0;
        for (int g = 0; g < _points; g++)
        {
            _loss[g] -= Math.Log2(Dot(_grid.AsSpan(g * _models, _models), probabilities));
            if (_loss[g] < _loss[best])
            {
                best = g;
            }
        }

        _grid.AsSpan(best * _models, _models).CopyTo(_weights);
        _scored++;
        return mixed;
    }

    /// <summary>Gets the (M) weights the next token will be mixed with.</summary>
    public ReadOnlySpan<double> Weights => _weights;

    /// <summary>
    /// Returns the bits per token of the best single grid point on the tokens scored so far: a bound that looked at the
    /// answers, for reports. NaN before the first token.
    /// </summary>
    public double BestFixedInHindsightBits() => _scored == 0 ? double.NaN : _loss.Min() / _scored;

    // Writes the grid points whose first coordinates are combo[0..dim), in itertools.product order; returns the next row.
    private int Fill(int[] combo, int dim, int remaining, double step, int row)
    {
        if (dim == combo.Length)
        {
            Span<double> point = _grid.AsSpan(row * _models, _models);
            int sum = 0;
            for (int i = 0; i < combo.Length; i++)
            {
                point[i] = combo[i] * step;
                sum += combo[i];
            }

            point[^1] = 1 - sum * step;
            return row + 1;
        }

        for (int c = 0; c <= remaining; c++)
        {
            combo[dim] = c;
            row = Fill(combo, dim + 1, remaining - c, step, row);
        }

        return row;
    }

    private static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sum += x[i] * y[i];
        }

        return sum;
    }
}
