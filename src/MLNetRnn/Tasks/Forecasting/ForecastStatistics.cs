namespace MLNetRnn.Forecasting;

// R = rows, F = features per step.

/// <summary>
/// What a forecaster learns from its training rows besides weights: each feature's mean and standard deviation, and the
/// target's climatology. Only the rows given here are read, so nothing from a validation or test period leaks in.
/// </summary>
internal static class ForecastStatistics
{
    /// <summary>Half-width, in days, of the centred moving average that smooths a daily climatology (15 days in all).</summary>
    public const int DailySmoothingDays = 7;

    /// <summary>
    /// Per-feature mean and population standard deviation of (R, F) features over their first <paramref name="rows"/>
    /// rows; calendar features (index ≥ <paramref name="numericColumns"/>) keep mean 0 and scale 1, and so does a
    /// constant column's scale.
    /// </summary>
    public static (float[] Means, float[] Scales) Normalisation(float[] features, int rows, int featuresPerStep, int numericColumns)
    {
        var means = new float[featuresPerStep];
        var scales = new float[featuresPerStep];
        Array.Fill(scales, 1f);
        for (int j = 0; j < numericColumns; j++)
        {
            double sum = 0, squares = 0;
            for (int r = 0; r < rows; r++)
            {
                sum += features[(r * featuresPerStep) + j];
            }

            double mean = sum / rows;
            for (int r = 0; r < rows; r++)
            {
                double d = features[(r * featuresPerStep) + j] - mean;
                squares += d * d;
            }

            double std = Math.Sqrt(squares / rows);
            means[j] = (float)mean;
            scales[j] = std > 1e-12 ? (float)std : 1f;
        }

        return (means, scales);
    }

    /// <summary>
    /// The target's mean per seasonal key (<see cref="ForecastCalendar.SeasonKey"/>) over the training rows: daily keys are
    /// averaged over a centred window of ±<see cref="DailySmoothingDays"/> days of the calendar (wrapping at the year's
    /// end), monthly keys per month; a key no training row reaches, and every key without dates, get the overall mean.
    /// </summary>
    public static float[] Climatology(float[] target, DateTime[]? dates, ForecastSpacing spacing)
    {
        double overall = target.Average(v => (double)v);
        int keys = ForecastCalendar.SeasonKeys(spacing);
        if (dates is null || spacing == ForecastSpacing.None)
        {
            return [(float)overall];
        }

        var sums = new double[keys];
        var counts = new int[keys];
        for (int r = 0; r < target.Length; r++)
        {
            int k = ForecastCalendar.SeasonKey(dates[r], spacing);
            sums[k] += target[r];
            counts[k]++;
        }

        int half = spacing == ForecastSpacing.Daily ? DailySmoothingDays : 0;
        var result = new float[keys];
        for (int k = 0; k < keys; k++)
        {
            double sum = 0;
            int count = 0;
            for (int o = -half; o <= half; o++)
            {
                int j = ((k + o) % keys + keys) % keys;
                sum += sums[j];
                count += counts[j];
            }

            result[k] = (float)(count > 0 ? sum / count : overall);
        }

        return result;
    }
}
