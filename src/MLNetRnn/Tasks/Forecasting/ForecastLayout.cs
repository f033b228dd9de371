namespace MLNetRnn.Forecasting;

// R = rows, N = window (steps read), F = features per step, K = horizon (steps forecast).

/// <summary>
/// What a forecaster reads and how, saved as JSON in its ONNX graph's metadata: the columns, the spacing, window and
/// horizon, the per-feature normalisation fitted on the training rows, the seasonal period and the climatology
/// (seasonal means of the target over the training rows) that the baselines use.
/// </summary>
/// <param name="ValueColumn">The target column.</param>
/// <param name="FeatureColumns">Covariate columns, read beside the target at every step.</param>
/// <param name="DateColumn">The date column, or null.</param>
/// <param name="Spacing">Daily, monthly, or none (no dates).</param>
/// <param name="Window">N.</param>
/// <param name="Horizon">K.</param>
/// <param name="Season">The seasonal-naive period in steps.</param>
/// <param name="InterpolateMissing">Whether missing values are filled linearly (else they are an error).</param>
/// <param name="FeatureNames">F names: the target, the covariates, then the calendar features.</param>
/// <param name="Means">F means subtracted from each feature (0 for calendar features).</param>
/// <param name="Scales">F standard deviations each feature is divided by (1 for calendar features and constant columns).</param>
/// <param name="Climatology">The target's mean per seasonal key over the training rows (<see cref="ForecastCalendar.SeasonKey"/>).</param>
/// <param name="WindowColumn">The model's input column: N·F raw features, oldest step first.</param>
/// <param name="ForecastColumn">The model's output column: K forecasts in the target's units.</param>
internal sealed record ForecastLayout(
    string ValueColumn,
    string[] FeatureColumns,
    string? DateColumn,
    ForecastSpacing Spacing,
    int Window,
    int Horizon,
    int Season,
    bool InterpolateMissing,
    string[] FeatureNames,
    float[] Means,
    float[] Scales,
    float[] Climatology,
    string WindowColumn,
    string ForecastColumn)
{
    /// <summary>Gets F.</summary>
    public int FeaturesPerStep => FeatureNames.Length;

    /// <summary>Gets the columns read from the data, target first.</summary>
    public string[] ValueColumns => [ValueColumn, .. FeatureColumns];

    /// <summary>The raw features of every row (R, F): the numeric columns, then the calendar features of the row's date.</summary>
    public float[] RawFeatures(ForecastSeries series)
    {
        int f = FeaturesPerStep, c = series.Columns.Length;
        var x = new float[series.Count * f];
        for (int r = 0; r < series.Count; r++)
        {
            for (int j = 0; j < c; j++)
            {
                x[(r * f) + j] = series.Columns[j][r];
            }

            if (series.Dates is { } dates)
            {
                ForecastCalendar.Features(dates[r], Spacing, x.AsSpan((r * f) + c, f - c));
            }
        }

        return x;
    }

    /// <summary>Copies the window ending at row <paramref name="origin"/> (rows origin−N+1 … origin) out of (R, F) features.</summary>
    public float[] WindowAt(float[] features, int origin)
    {
        int n = Window, f = FeaturesPerStep;
        return features.AsSpan((origin - n + 1) * f, n * f).ToArray();
    }

    /// <summary>Normalises (R, F) features in place: <c>(x − mean) / scale</c> per feature.</summary>
    public void Normalise(Span<float> features)
    {
        int f = FeaturesPerStep;
        for (int i = 0; i < features.Length; i++)
        {
            features[i] = (features[i] - Means[i % f]) / Scales[i % f];
        }
    }

    /// <summary>The climatology of the date <paramref name="steps"/> steps after <paramref name="dates"/>[<paramref name="row"/>] (or the only key without dates).</summary>
    public float ClimatologyAt(DateTime[]? dates, int row, int steps)
    {
        if (dates is null || Spacing == ForecastSpacing.None)
        {
            return Climatology[0];
        }

        var date = dates[row];
        for (int s = 0; s < steps; s++)
        {
            date = ForecastCalendar.Next(date, Spacing);
        }

        return Climatology[ForecastCalendar.SeasonKey(date, Spacing)];
    }
}
