namespace MLNetRnn.Forecasting;

// R = rows, N = window, K = horizon, m = season.

/// <summary>
/// Rolling-origin evaluation: over a series made of history rows followed by test rows, every origin t whose window
/// (rows t−N+1 … t) and seasonal lag (t ≥ m − 1) lie inside the series is forecast once; horizon step k scores the
/// forecast of row t + k when that row is a test row. Only true rows up to t are read (no forecast feeds another).
/// </summary>
internal static class ForecastEvaluator
{
    /// <summary>Scores <paramref name="predict"/> (windows → K forecasts each) and the baselines, per horizon step.</summary>
    /// <param name="layout">The model's layout (window, horizon, season, climatology).</param>
    /// <param name="series">History rows then test rows.</param>
    /// <param name="historyRows">How many leading rows are history (never scored).</param>
    /// <param name="predict">Forecasts for raw windows (N·F each).</param>
    /// <exception cref="ArgumentException">No test row can be scored (too few rows before it).</exception>
    public static IReadOnlyList<ForecastMetrics> Evaluate(ForecastLayout layout, ForecastSeries series, int historyRows, Func<IReadOnlyList<float[]>, float[][]> predict)
    {
        int k = layout.Horizon, first = FirstOrigin(layout);
        float[] y = series.Target;
        int firstScored = Math.Max(first, historyRows - k), last = series.Count - 2;
        if (last < Math.Max(first, historyRows - 1))
        {
            throw new ArgumentException($"No test row can be scored: a forecast needs {first + 1} earlier rows (window {layout.Window}, season {layout.Season}), and there are {series.Count} rows with {historyRows} of history. Give more test rows or earlier rows as history (CLI: --history).");
        }

        float[] features = layout.RawFeatures(series);
        var origins = Enumerable.Range(firstScored, last - firstScored + 1).ToArray();
        float[][] forecasts = predict([.. origins.Select(t => layout.WindowAt(features, t))]);
        var result = new List<ForecastMetrics>();
        for (int step = 1; step <= k; step++)
        {
            var sums = new Sums();
            for (int i = 0; i < origins.Length; i++)
            {
                int t = origins[i], target = t + step;
                if (target < historyRows || target >= series.Count)
                {
                    continue;
                }

                sums.Add(forecasts[i][step - 1], y[target], ForecastBaselines.Persistence(y, t), ForecastBaselines.SeasonalNaive(y, t, step, layout.Season),
                    ForecastBaselines.ClimatologyAnomaly(layout, y, series.Dates, t, step));
            }

            result.Add(sums.Metrics(step));
        }

        return result;
    }

    /// <summary>The first row a forecast can start from: its window and seasonal lag must exist.</summary>
    public static int FirstOrigin(ForecastLayout layout) => Math.Max(layout.Window, layout.Season) - 1;

    private sealed class Sums
    {
        private double _abs, _squares, _percent, _persistence, _seasonal, _climatology;
        private int _count, _percentCount, _zeros;

        public void Add(float forecast, float actual, float persistence, float seasonal, float climatology)
        {
            double e = forecast - (double)actual;
            _abs += Math.Abs(e);
            _squares += e * e;
            if (actual == 0f)
            {
                _zeros++;
            }
            else
            {
                _percent += Math.Abs(e) / Math.Abs(actual);
                _percentCount++;
            }

            _persistence += Math.Abs(persistence - (double)actual);
            _seasonal += Math.Abs(seasonal - (double)actual);
            _climatology += Math.Abs(climatology - (double)actual);
            _count++;
        }

        /// <summary>The step's scores; NaN errors when no row was scored (a horizon longer than the test rows).</summary>
        public ForecastMetrics Metrics(int step)
        {
            double n = _count;
            return new ForecastMetrics(step, _abs / n, Math.Sqrt(_squares / n), _percentCount > 0 ? 100 * _percent / _percentCount : null, _zeros,
                _persistence / n, _seasonal / n, _climatology / n, _count);
        }
    }
}
