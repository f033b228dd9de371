using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRnn.DataViews;
using MLNetRnn.Onnx;
using MLNetRnn.Training;

namespace MLNetRnn.Forecasting;

// N = window, F = features per step, K = horizon.

/// <summary>
/// A trained recurrent forecaster. As an ML.NET transformer it reads the window column (N·F raw features per row: the
/// last N rows, oldest first, each row's target, covariates and calendar features, see <see cref="FeatureNames"/>) and
/// adds the forecast column (K floats in the target's units); saved with <c>mlContext.Model.Save</c> it is a standard
/// ML.NET model (ONNX inside, normalisation included) that any ML.NET app loads without MLNetRnn. It also keeps the
/// trained network for engine-side forecasting and evaluation against baselines.
/// </summary>
public sealed class SequenceForecastingModel : RecurrentModel
{
    private const int BatchSize = 256;
    private readonly ForecasterNetwork _network;
    private readonly object _lock = new();

    private SequenceForecastingModel(ITransformer steps, ForecasterNetwork network, OnnxModel graph, ForecastLayout layout, IReadOnlyList<TrainingProgress> history)
        : base(steps, graph, network.Parameters, history)
    {
        _network = network;
        Layout = layout;
    }

    /// <summary>Gets the architecture.</summary>
    public ForecasterArchitecture Architecture => _network.Architecture;

    /// <summary>Gets N, rows each forecast reads.</summary>
    public int WindowSize => Layout.Window;

    /// <summary>Gets K, steps forecast at once.</summary>
    public int Horizon => Layout.Horizon;

    /// <summary>Gets the seasonal-naive period in rows.</summary>
    public int Season => Layout.Season;

    /// <summary>Gets the spacing read from the training dates.</summary>
    public ForecastSpacing Spacing => Layout.Spacing;

    /// <summary>Gets the F names of each step's features in the window: the target, the covariates, the calendar features.</summary>
    public IReadOnlyList<string> FeatureNames => Layout.FeatureNames;

    /// <summary>Gets the per-feature means the graph subtracts (fitted on the training rows).</summary>
    public IReadOnlyList<float> FeatureMeans => Layout.Means;

    /// <summary>Gets the per-feature scales the graph divides by (standard deviations over the training rows).</summary>
    public IReadOnlyList<float> FeatureScales => Layout.Scales;

    /// <summary>Gets the window (input) column.</summary>
    public string WindowColumnName => Layout.WindowColumn;

    /// <summary>Gets the forecast (output) column.</summary>
    public string ForecastColumnName => Layout.ForecastColumn;

    /// <summary>
    /// Gets the schema of the model's input: the window column alone, a Single vector of N·F. Save with it
    /// (<c>ml.Model.Save(model, model.WindowSchema, path)</c>) so a loaded model asks for nothing else.
    /// </summary>
    public DataViewSchema WindowSchema => InputSchema(Layout);

    internal ForecastLayout Layout { get; }

    internal ForecasterNetwork Network => _network;

    /// <inheritdoc/>
    public override ModelSummary Summary() => ModelSummary.Of(_network);

    internal static SequenceForecastingModel Create(ForecasterNetwork network, ForecastLayout layout, IReadOnlyList<TrainingProgress> history)
    {
        var graph = ForecasterOnnx.Write(network, layout);
        var steps = OnnxStep.Estimator(OnnxStep.Context(), graph).Fit(new EmptyDataView(InputSchema(layout)));
        return new SequenceForecastingModel(steps, network, graph, layout, history);
    }

    /// <summary>
    /// The window of every row of <paramref name="series"/> that has N rows up to it (rows N−1 … R−1, oldest first), as an
    /// IDataView with the window column (N·F raw features) and <c>Origin</c> (the row's date as <c>yyyy-MM-dd</c>, or its
    /// 0-based index without dates): the input this model's <see cref="RecurrentModel.Transform"/> reads.
    /// </summary>
    /// <param name="series">Rows with the model's value, feature and date columns, in time order.</param>
    /// <returns>One row per window.</returns>
    /// <exception cref="ArgumentException">A column is missing or mistyped, a value is missing (without interpolation), dates are not consecutive, or there are fewer than N rows.</exception>
    public IDataView CreateWindows(IDataView series) => ForecastWindowView.Of(Layout, ReadSeries(series));

    /// <summary>The next K values after the last row of <paramref name="recent"/>, from the engine (the same weights the graph runs).</summary>
    /// <param name="recent">At least N rows with the model's columns, in time order, ending at the forecast origin.</param>
    /// <returns>K forecasts in the target's units.</returns>
    /// <exception cref="ArgumentException">See <see cref="CreateWindows"/>.</exception>
    public float[] Forecast(IDataView recent)
    {
        var s = ReadSeries(recent);
        return Predict([Layout.WindowAt(Layout.RawFeatures(s), s.Count - 1)])[0];
    }

    /// <summary>
    /// Rolling-origin evaluation of the rows of <paramref name="test"/>: each is forecast from the true rows before it (the
    /// end of <paramref name="history"/>, then earlier test rows), by the model and by three baselines (persistence,
    /// seasonal naive with period <see cref="Season"/>, climatology of the training rows plus persistent anomaly).
    /// A test row is scored when the window and season before its origin exist.
    /// </summary>
    /// <param name="test">The rows to score, in time order.</param>
    /// <param name="history">Rows just before them (only read by windows and baselines), or null.</param>
    /// <returns>One entry per horizon step; [0] is one step ahead.</returns>
    /// <exception cref="ArgumentException">A column is missing, a value is missing (without interpolation), dates are not consecutive across history and test, or no row can be scored.</exception>
    public IReadOnlyList<ForecastMetrics> Evaluate(IDataView test, IDataView? history = null)
    {
        var (series, historyRows) = Join(Layout, ReadSeries(Layout, test, 1), history is null ? null : ReadSeries(Layout, history, 0));
        return ForecastEvaluator.Evaluate(Layout, series, historyRows, Predict);
    }

    private static DataViewSchema InputSchema(ForecastLayout layout)
    {
        var schema = new DataViewSchema.Builder();
        schema.AddColumn(layout.WindowColumn, new VectorDataViewType(NumberDataViewType.Single, layout.Window * layout.FeaturesPerStep));
        return schema.ToSchema();
    }

    /// <summary>History then test as one series, checking that the dates run on without a gap.</summary>
    internal static (ForecastSeries Series, int HistoryRows) Join(ForecastLayout layout, ForecastSeries test, ForecastSeries? history)
    {
        var series = history is null ? test : history.Concat(test);
        if (series.Dates is { } dates)
        {
            ForecastCalendar.RequireSpacing(dates, 0, layout.Spacing, layout.DateColumn!);
        }

        return (series, history?.Count ?? 0);
    }

    /// <summary>Reads rows with this model's columns, at least a window's worth, and checks their spacing.</summary>
    internal ForecastSeries ReadSeries(IDataView data) => ReadSeries(Layout, data, Layout.Window);

    /// <summary>Reads rows with the layout's columns, at least <paramref name="minimumRows"/>, and checks their spacing.</summary>
    internal static ForecastSeries ReadSeries(ForecastLayout layout, IDataView data, int minimumRows)
    {
        var s = ForecastSeries.Read(data, layout.DateColumn, layout.ValueColumns, layout.InterpolateMissing);
        if (s.Count < minimumRows)
        {
            throw new ArgumentException($"The data has {s.Count} rows; it needs at least {minimumRows} (a forecast reads the last {layout.Window}).", nameof(data));
        }

        if (s.Dates is { } dates)
        {
            ForecastCalendar.RequireSpacing(dates, 0, layout.Spacing, layout.DateColumn!);
        }

        return s;
    }

    /// <summary>Forecasts for raw windows (N·F each) from the engine, in batches.</summary>
    internal float[][] Predict(IReadOnlyList<float[]> windows)
    {
        var result = new float[windows.Count][];
        int k = Layout.Horizon;
        lock (_lock)
        {
            for (int start = 0; start < windows.Count; start += BatchSize)
            {
                int b = Math.Min(BatchSize, windows.Count - start);
                float[] z = [.. windows.Skip(start).Take(b).SelectMany(w => w)];
                Layout.Normalise(z);
                // b windows of N rows laid end to end are (b·N, F) rows: window j ends at row (j+1)·N − 1.
                var (x, _) = SequenceForecastingTrainer.Batch(Layout, z, [.. Enumerable.Range(0, b).Select(j => ((j + 1) * Layout.Window) - 1)], false);
                var p = new float[b * k];
                _network.Forward(x, b, false, default, p);
                for (int j = 0; j < b; j++)
                {
                    result[start + j] = [.. p.AsSpan(j * k, k).ToArray().Select(v => (v * Layout.Scales[0]) + Layout.Means[0])];
                }
            }
        }

        return result;
    }
}
