namespace MLNetRnn.Forecasting;

/// <summary>
/// The reference forecasts every evaluation reports beside the network's, for the value <c>k</c> steps after the origin
/// row <c>t</c> (the last row the forecast may read):
/// persistence <c>ŷ = y[t]</c>; seasonal naive <c>ŷ = y[t + k − m·⌈k/m⌉]</c> (the same point of the last observed season
/// of period m); climatology plus persistent anomaly <c>ŷ = clim(t + k) + (y[t] − clim(t))</c>, with clim the target's
/// seasonal mean over the training rows (<see cref="ForecastStatistics.Climatology"/>).
/// </summary>
internal static class ForecastBaselines
{
    /// <summary>Persistence: the last observed value.</summary>
    public static float Persistence(float[] y, int origin) => y[origin];

    /// <summary>Seasonal naive with period <paramref name="season"/>: needs <c>origin ≥ season − 1</c>.</summary>
    public static float SeasonalNaive(float[] y, int origin, int step, int season) =>
        y[origin + step - (season * ((step + season - 1) / season))];

    /// <summary>Climatology of the target step plus the origin's departure from its own climatology.</summary>
    public static float ClimatologyAnomaly(ForecastLayout layout, float[] y, DateTime[]? dates, int origin, int step) =>
        layout.ClimatologyAt(dates, origin, step) + (y[origin] - layout.ClimatologyAt(dates, origin, 0));
}
