using MLNetRnn.Layers;
using MLNetRnn.Training;

namespace MLNetRnn.Forecasting;

/// <summary>
/// Settings of <see cref="SequenceForecastingTrainer"/>; every property has a documented default. The trainer copies
/// them when it is made, so changing this object afterwards does not change a trainer already made from it.
/// </summary>
public sealed class SequenceForecastingOptions
{
    /// <summary>Gets or sets the target column (Single, Double, or String numbers). Default <c>"Value"</c>.</summary>
    public string ValueColumnName { get; set; } = "Value";

    /// <summary>Gets or sets covariate columns read beside the target at every step of the window (same types). Default none.</summary>
    public IReadOnlyList<string> FeatureColumnNames { get; set; } = [];

    /// <summary>
    /// Gets or sets the date column (String <c>yyyy-MM-dd</c> or <c>yyyy-MM</c>, or DateTime), or null for none. Rows must be
    /// consecutive days or months in time order; its spacing adds calendar features (see <see cref="ForecastSpacing"/>)
    /// and sets the default <see cref="Season"/>. Default null.
    /// </summary>
    public string? DateColumnName { get; set; }

    /// <summary>Gets or sets the model's input column: the window's raw features, N·F floats. Default <c>"Window"</c>.</summary>
    public string WindowColumnName { get; set; } = "Window";

    /// <summary>Gets or sets the model's output column: the K forecasts in the target's units. Default <c>"Forecast"</c>.</summary>
    public string ForecastColumnName { get; set; } = "Forecast";

    /// <summary>Gets or sets N, how many rows (steps) each forecast reads, the origin row last. Default 14.</summary>
    public int WindowSize { get; set; } = 14;

    /// <summary>Gets or sets K, how many steps after the origin are forecast at once (direct multi-step). Default 1.</summary>
    public int Horizon { get; set; } = 1;

    /// <summary>
    /// Gets or sets the seasonal-naive baseline's period in rows, or 0 to take it from the dates (daily 7, monthly 12).
    /// Without a date column it must be set. Default 0.
    /// </summary>
    public int Season { get; set; }

    /// <summary>Gets or sets whether missing values (NaN, empty text) are filled by linear interpolation; when false a missing value is an error naming its row. Default false.</summary>
    public bool InterpolateMissing { get; set; }

    /// <summary>Gets or sets the recurrent cell. Default LSTM. (<c>Trainers.Rnn/Lstm/Gru(options)</c> set it on their copy.)</summary>
    public RecurrentCellType CellType { get; set; } = RecurrentCellType.Lstm;

    /// <summary>Gets or sets H, the hidden size. Default 32.</summary>
    public int HiddenSize { get; set; } = 32;

    /// <summary>Gets or sets the number of stacked recurrent layers. Default 1.</summary>
    public int NumberOfLayers { get; set; } = 1;

    /// <summary>Gets or sets the dropout probability between recurrent layers, in [0, 1). Default 0.</summary>
    public float Dropout { get; set; }

    /// <summary>Gets or sets the most passes over the training windows (early stopping usually ends sooner). Default 60.</summary>
    public int Epochs { get; set; } = 60;

    /// <summary>Gets or sets windows per mini-batch. Default 32.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>Gets or sets Adam's learning rate. Default 0.002.</summary>
    public float LearningRate { get; set; } = 0.002f;

    /// <summary>Gets or sets the global gradient-norm limit, or 0 for none. Default 1.</summary>
    public float ClipNorm { get; set; } = 1f;

    /// <summary>
    /// Gets or sets the latest share of the training rows used as the validation period (early stopping and best-weight
    /// restore): windows whose targets fall in it are scored, never trained on, and training windows' targets all end
    /// before it. In [0, 0.5]; 0 turns it off (all windows, all epochs, last weights). Default 0.2.
    /// </summary>
    public float ValidationFraction { get; set; } = 0.2f;

    /// <summary>Gets or sets epochs without validation improvement before stopping. Default 8.</summary>
    public int EarlyStoppingPatience { get; set; } = 8;

    /// <summary>Gets or sets the seed of initialisation, shuffling and dropout. Default 1.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>Gets or sets where per-epoch progress goes, or null.</summary>
    public IProgress<TrainingProgress>? Progress { get; set; }

    /// <summary>Gets or sets a token that stops training at the next batch boundary (<c>Fit</c> throws <see cref="OperationCanceledException"/>). Default none.</summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>
    /// Gets or sets the processes to train with, one <see cref="Training.DataParallelGroup"/> per process of a data-parallel
    /// run (for MPI: <c>MLNetRnn.Mpi.MpiDataParallelGroup</c>), or null (the default) to train in this process alone.
    /// Every process fits the same data with the same options; each computes its share of every batch. With dropout 0
    /// the result equals a single process's with the same <see cref="BatchSize"/> within float rounding; see
    /// <see cref="Training.DataParallelGroup"/>.
    /// </summary>
    public DataParallelGroup? DataParallelGroup { get; set; }

    /// <summary>A copy, so a trainer is not changed by later edits of the caller's object.</summary>
    internal SequenceForecastingOptions Clone()
    {
        var copy = (SequenceForecastingOptions)MemberwiseClone();
        copy.FeatureColumnNames = [.. FeatureColumnNames];
        return copy;
    }

    /// <summary>Throws when a setting is out of range, naming it and its value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size, count, rate or fraction is out of range.</exception>
    /// <exception cref="ArgumentException">A column name is empty or used twice.</exception>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(FeatureColumnNames, nameof(FeatureColumnNames));
        string[] inputs = [ValueColumnName, .. FeatureColumnNames, .. DateColumnName is null ? [] : new[] { DateColumnName }];
        foreach (string name in inputs.Append(WindowColumnName).Append(ForecastColumnName))
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new ArgumentException("Every column name (value, features, date, window, forecast) must name a column; one is empty.", nameof(FeatureColumnNames));
            }
        }

        if (inputs.Distinct(StringComparer.Ordinal).Count() != inputs.Length || WindowColumnName == ForecastColumnName)
        {
            throw new ArgumentException($"A column is named twice among value '{ValueColumnName}', features [{string.Join(", ", FeatureColumnNames)}], date '{DateColumnName}' (or window '{WindowColumnName}' = forecast '{ForecastColumnName}'); name each once.", nameof(FeatureColumnNames));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(WindowSize, nameof(WindowSize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Horizon, nameof(Horizon));
        ArgumentOutOfRangeException.ThrowIfNegative(Season, nameof(Season));
        OptionChecks.AtLeastOne((nameof(HiddenSize), HiddenSize), (nameof(NumberOfLayers), NumberOfLayers), (nameof(Epochs), Epochs),
            (nameof(BatchSize), BatchSize), (nameof(EarlyStoppingPatience), EarlyStoppingPatience));
        if (!Enum.IsDefined(CellType))
        {
            throw new ArgumentOutOfRangeException(nameof(CellType), CellType, "CellType is not a defined value; use Lstm, Gru or SimpleRnn.");
        }

        if (DateColumnName is null && Season == 0)
        {
            throw new ArgumentException("Without a date column the seasonal period cannot be read from the dates; set DateColumnName, or Season to the period in rows (CLI: --date-column or --season).", nameof(Season));
        }

        if (!(Dropout >= 0f && Dropout < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, "Dropout must be in [0, 1).");
        }

        if (!(ValidationFraction >= 0f && ValidationFraction <= 0.5f))
        {
            throw new ArgumentOutOfRangeException(nameof(ValidationFraction), ValidationFraction, "ValidationFraction must be in [0, 0.5]: 0 (no validation period) or a share such as 0.2.");
        }

        if (!(LearningRate > 0f && float.IsFinite(LearningRate)))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, $"Invalid learning rate: {LearningRate}. Use a positive value such as 0.002.");
        }

        if (!(ClipNorm >= 0f && float.IsFinite(ClipNorm)))
        {
            throw new ArgumentOutOfRangeException(nameof(ClipNorm), ClipNorm, "ClipNorm must be 0 (off) or a positive value such as 1.");
        }
    }
}
