using Microsoft.ML;
using MLNetRnn.Forecasting;
using MLNetRnn.Layers;

namespace MLNetRnn;

/// <summary>
/// Recurrent forecasters on ML.NET's <c>mlContext.Forecasting.Trainers</c> catalog (beside ML.NET's own
/// <c>mlContext.Forecasting.ForecastBySsa</c>, which extends the catalog itself). Each method copies the options it is
/// given and sets the cell, so one options object can make several trainers.
/// </summary>
public static class RnnForecastingCatalog
{
    /// <summary>An LSTM forecaster with the common settings; see <see cref="SequenceForecastingOptions"/> for the rest.</summary>
    /// <param name="catalog">ML.NET's forecasting trainers.</param>
    /// <param name="valueColumnName">The target column. Default <c>"Value"</c>.</param>
    /// <param name="dateColumnName">The date column (<c>yyyy-MM-dd</c> or <c>yyyy-MM</c>), or null. Default null.</param>
    /// <param name="windowSize">N, rows each forecast reads. Default 14.</param>
    /// <param name="horizon">K, steps forecast at once. Default 1.</param>
    /// <param name="featureColumnNames">Covariate columns, or null for none.</param>
    /// <returns>The trainer.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A size or count is not positive.</exception>
    /// <exception cref="ArgumentException">A column name is empty or repeated, or there is neither a date column nor a season.</exception>
    public static SequenceForecastingTrainer Lstm(this ForecastingCatalog.Forecasters catalog, string valueColumnName = "Value", string? dateColumnName = null,
        int windowSize = 14, int horizon = 1, IReadOnlyList<string>? featureColumnNames = null) =>
        Make(catalog, Short(valueColumnName, dateColumnName, windowSize, horizon, featureColumnNames), RecurrentCellType.Lstm);

    /// <summary>An LSTM forecaster with every setting.</summary>
    /// <param name="catalog">ML.NET's forecasting trainers.</param>
    /// <param name="options">The settings; copied, with <see cref="SequenceForecastingOptions.CellType"/> set to LSTM on the copy.</param>
    /// <returns>The trainer.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it.</exception>
    /// <exception cref="ArgumentException">A column name is empty or repeated, or there is neither a date column nor a season.</exception>
    public static SequenceForecastingTrainer Lstm(this ForecastingCatalog.Forecasters catalog, SequenceForecastingOptions options) =>
        Make(catalog, options, RecurrentCellType.Lstm);

    /// <summary>A GRU forecaster with the common settings.</summary>
    /// <inheritdoc cref="Lstm(ForecastingCatalog.Forecasters, string, string?, int, int, IReadOnlyList{string}?)"/>
    public static SequenceForecastingTrainer Gru(this ForecastingCatalog.Forecasters catalog, string valueColumnName = "Value", string? dateColumnName = null,
        int windowSize = 14, int horizon = 1, IReadOnlyList<string>? featureColumnNames = null) =>
        Make(catalog, Short(valueColumnName, dateColumnName, windowSize, horizon, featureColumnNames), RecurrentCellType.Gru);

    /// <summary>A GRU forecaster with every setting (the copy's cell is set to GRU).</summary>
    /// <inheritdoc cref="Lstm(ForecastingCatalog.Forecasters, SequenceForecastingOptions)"/>
    public static SequenceForecastingTrainer Gru(this ForecastingCatalog.Forecasters catalog, SequenceForecastingOptions options) =>
        Make(catalog, options, RecurrentCellType.Gru);

    /// <summary>A simple (Elman, tanh) RNN forecaster with the common settings.</summary>
    /// <inheritdoc cref="Lstm(ForecastingCatalog.Forecasters, string, string?, int, int, IReadOnlyList{string}?)"/>
    public static SequenceForecastingTrainer Rnn(this ForecastingCatalog.Forecasters catalog, string valueColumnName = "Value", string? dateColumnName = null,
        int windowSize = 14, int horizon = 1, IReadOnlyList<string>? featureColumnNames = null) =>
        Make(catalog, Short(valueColumnName, dateColumnName, windowSize, horizon, featureColumnNames), RecurrentCellType.SimpleRnn);

    /// <summary>A simple (Elman, tanh) RNN forecaster with every setting (the copy's cell is set to SimpleRnn).</summary>
    /// <inheritdoc cref="Lstm(ForecastingCatalog.Forecasters, SequenceForecastingOptions)"/>
    public static SequenceForecastingTrainer Rnn(this ForecastingCatalog.Forecasters catalog, SequenceForecastingOptions options) =>
        Make(catalog, options, RecurrentCellType.SimpleRnn);

    private static SequenceForecastingOptions Short(string value, string? date, int window, int horizon, IReadOnlyList<string>? features) => new()
    {
        ValueColumnName = value, DateColumnName = date, WindowSize = window, Horizon = horizon, FeatureColumnNames = features ?? [],
    };

    private static SequenceForecastingTrainer Make(ForecastingCatalog.Forecasters catalog, SequenceForecastingOptions options, RecurrentCellType cell)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        var copy = options.Clone();
        copy.CellType = cell;
        return new SequenceForecastingTrainer(copy);
    }
}
