namespace MLNetRnn.Forecasting;

/// <summary>
/// Rolling-origin scores of one horizon step: every scored row is forecast from the true rows before it (the window
/// ends <see cref="Step"/> rows earlier), by the model and by the three baselines of <c>SequenceForecastingModel.Evaluate</c>.
/// A step no test row can be scored at (fewer test rows than the step) has <see cref="Count"/> 0 and NaN errors.
/// </summary>
/// <param name="Step">k, rows between the origin and the scored row (1 = one step ahead).</param>
/// <param name="Mae">Mean absolute error <c>Σ|ŷ − y| / n</c>.</param>
/// <param name="Rmse">Root mean squared error <c>√(Σ(ŷ − y)² / n)</c>.</param>
/// <param name="Mape">Mean absolute percentage error <c>100 · Σ|ŷ − y|/|y| / n'</c> over the rows whose target is not 0, or null when all are 0.</param>
/// <param name="MapeSkippedZeros">Rows left out of <paramref name="Mape"/> because their target is 0.</param>
/// <param name="PersistenceMae">MAE of the last observed value.</param>
/// <param name="SeasonalNaiveMae">MAE of the value one season (of the model's period) earlier.</param>
/// <param name="ClimatologyAnomalyMae">MAE of the seasonal mean of the target row plus the origin's departure from its own seasonal mean.</param>
/// <param name="Count">n, rows scored.</param>
public sealed record ForecastMetrics(
    int Step,
    double Mae,
    double Rmse,
    double? Mape,
    int MapeSkippedZeros,
    double PersistenceMae,
    double SeasonalNaiveMae,
    double ClimatologyAnomalyMae,
    int Count);
