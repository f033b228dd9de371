using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRnn.DataViews;
using MLNetRnn.Numerics;
using MLNetRnn.Training;

namespace MLNetRnn.Forecasting;

// R = rows, N = window, F = features per step, K = horizon, B = batch.

/// <summary>
/// Trains a recurrent forecaster (RNN/LSTM/GRU over the last N rows → dense head → the next K values at once) on a time
/// series as an ML.NET estimator: reach it through <c>mlContext.Forecasting.Trainers.Lstm(...)</c> (or <c>Gru</c>, <c>Rnn</c>).
/// </summary>
/// <remarks>
/// <para><c>Fit</c> reads the series in row order (oldest first): the target, the covariates and the dates (consecutive
/// days or months). Every feature is normalised with the mean and standard deviation of these rows; calendar
/// features come from the dates. Windows slide one row at a time, in time order: the latest
/// <see cref="SequenceForecastingOptions.ValidationFraction"/> of the rows is the validation period (its windows are scored
/// after each epoch for early stopping, never trained on), and training windows' targets all end before it. The network
/// is trained with MSE on the normalised target (Adam, global-norm clipping).</para>
/// <para>The fitted <see cref="SequenceForecastingModel"/> is ML.NET's ONNX transform over one graph: the window column
/// (N·F raw features, oldest step first) goes in, normalisation, network and de-normalisation run inside the graph, and
/// the forecast column (K floats in the target's units) comes out. Build window columns with
/// <see cref="SequenceForecastingModel.CreateWindows"/>.</para>
/// </remarks>
public sealed class SequenceForecastingTrainer : IEstimator<SequenceForecastingModel>
{
    private readonly SequenceForecastingOptions _options;

    internal SequenceForecastingTrainer(SequenceForecastingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options.Clone();
    }

    /// <summary>Gets a copy of the settings this trainer was made with.</summary>
    public SequenceForecastingOptions Options => _options.Clone();

    /// <inheritdoc/>
    /// <remarks>The model reads a window column, not the series: the shape returned is the input plus the window (N·F floats,
    /// F unknown until the dates are read, so shown as a vector of unknown size) and the forecast (K floats).</remarks>
    /// <exception cref="ArgumentException">A series column is missing.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        foreach (string column in _options.FeatureColumnNames.Prepend(_options.ValueColumnName).Concat(_options.DateColumnName is { } d ? [d] : []))
        {
            DataViews.Columns.Find(inputSchema, column, "series");
        }

        // SchemaShape columns cannot be made outside ML.NET; these ML.NET steps add a Single vector of each size.
        var ml = OnnxStep.Context();
        var value = DataViews.Columns.Find(inputSchema, _options.ValueColumnName, "series value");
        string source = value.ItemType == NumberDataViewType.Single && value.Kind == SchemaShape.Column.VectorKind.Scalar ? value.Name : "mlnetrnn.value";
        IEstimator<ITransformer> steps = source == value.Name
            ? new EstimatorChain<ITransformer>()
            : ml.Transforms.Conversion.ConvertType(source, value.Name, DataKind.Single);
        return steps.Append(ml.Transforms.Concatenate(_options.ForecastColumnName, [.. Enumerable.Repeat(source, _options.Horizon)]))
            .Append(ml.Transforms.Concatenate(_options.WindowColumnName, [.. Enumerable.Repeat(source, _options.WindowSize)]))
            .GetOutputSchema(inputSchema);
    }

    /// <summary>Trains on the series in <paramref name="input"/> (rows in time order, oldest first).</summary>
    /// <param name="input">The training period: target, covariate and date columns.</param>
    /// <returns>The trained model.</returns>
    /// <exception cref="ArgumentException">A column is missing or mistyped, a value is missing (without interpolation), dates are
    /// not consecutive, or the series is too short for the window, horizon and validation period.</exception>
    public SequenceForecastingModel Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var o = _options;
        var series = ForecastSeries.Read(input, o.DateColumnName, [o.ValueColumnName, .. o.FeatureColumnNames], o.InterpolateMissing);
        var layout = FitLayout(series, o);
        int r = series.Count, validationStart = r - (int)Math.Round(r * (double)o.ValidationFraction);
        int[] training = Origins(layout, layout.Window - 1, validationStart - 1);
        int[] validation = o.ValidationFraction > 0f ? Origins(layout, Math.Max(validationStart - 1, layout.Window - 1), r - 1) : [];
        if (training.Length == 0 || (o.ValidationFraction > 0f && validation.Length == 0))
        {
            throw new ArgumentException($"The training series has {r} rows: too few for a window of {layout.Window}, a horizon of {layout.Horizon} and a validation period of the last {r - validationStart} rows ({training.Length} training and {validation.Length} validation windows). Give more rows, or a smaller WindowSize, Horizon or ValidationFraction.", nameof(input));
        }

        float[] z = layout.RawFeatures(series);
        layout.Normalise(z);
        var history = new List<TrainingProgress>();
        var network = Train(layout, z, training, validation, history);
        return SequenceForecastingModel.Create(network, layout, history);
    }

    /// <summary>The layout of a series: spacing, season, calendar features, and the statistics of all its rows.</summary>
    internal static ForecastLayout FitLayout(ForecastSeries series, SequenceForecastingOptions o)
    {
        var spacing = series.Dates is { } dates ? ForecastCalendar.Spacing(dates, o.DateColumnName!) : ForecastSpacing.None;
        int season = o.Season > 0 ? o.Season : ForecastCalendar.DefaultSeason(spacing);
        string[] names = [o.ValueColumnName, .. o.FeatureColumnNames, .. ForecastCalendar.FeatureNames(spacing)];
        var skeleton = new ForecastLayout(o.ValueColumnName, [.. o.FeatureColumnNames], o.DateColumnName, spacing, o.WindowSize, o.Horizon, season,
            o.InterpolateMissing, names, new float[names.Length], new float[names.Length], [], o.WindowColumnName, o.ForecastColumnName);
        var (means, scales) = ForecastStatistics.Normalisation(skeleton.RawFeatures(series), series.Count, names.Length, series.Columns.Length);
        return skeleton with { Means = means, Scales = scales, Climatology = ForecastStatistics.Climatology(series.Target, series.Dates, spacing) };
    }

    /// <summary>Origins t in [<paramref name="from"/>, …] whose K targets end at or before row <paramref name="lastTarget"/>.</summary>
    internal static int[] Origins(ForecastLayout layout, int from, int lastTarget)
    {
        int to = lastTarget - layout.Horizon;
        return to < from ? [] : Enumerable.Range(from, to - from + 1).ToArray();
    }

    /// <summary>Copies the windows ending at <paramref name="origins"/> out of normalised (R, F) rows as (N, B, F) time-major, and their normalised targets (B, K).</summary>
    internal static (float[] X, float[] Targets) Batch(ForecastLayout layout, float[] z, IReadOnlyList<int> origins, bool withTargets)
    {
        int n = layout.Window, f = layout.FeaturesPerStep, k = layout.Horizon, b = origins.Count;
        var x = new float[n * b * f];
        var targets = withTargets ? new float[b * k] : [];
        for (int j = 0; j < b; j++)
        {
            int t = origins[j];
            for (int s = 0; s < n; s++)
            {
                z.AsSpan((t - n + 1 + s) * f, f).CopyTo(x.AsSpan(((s * b) + j) * f, f));
            }

            for (int step = 1; withTargets && step <= k; step++)
            {
                targets[(j * k) + step - 1] = z[(t + step) * f]; // feature 0 is the normalised target
            }
        }

        return (x, targets);
    }

    private ForecasterNetwork Train(ForecastLayout layout, float[] z, int[] training, int[] validation, List<TrainingProgress> history)
    {
        var o = _options;
        var random = new SeededRandom(o.Seed);
        var network = new ForecasterNetwork(new ForecasterArchitecture(o.CellType, layout.FeaturesPerStep, o.HiddenSize, o.NumberOfLayers, o.Dropout, layout.Window, layout.Horizon), random);
        var settings = new EpochSettings(o.Epochs, o.BatchSize, o.LearningRate, o.ClipNorm, o.EarlyStoppingPatience, 1f);
        // The data digest lets a data-parallel run check that every process read the same series (it has no checkpoints).
        var control = new TrainingControl("SequenceForecasting", $"{network.Architecture}, seed {o.Seed}",
            TrainingControl.Digest([Bits(z), Bits(layout.Means), Bits(layout.Scales)], [training, validation]),
            [random, .. network.RandomStreams], null, 0, o.CancellationToken, history, DataParallel: o.DataParallelGroup);
        EpochLoop.Run(network.Parameters, settings, Enumerable.Repeat(layout.Window, training.Length).ToArray(), random, rows =>
        {
            var (x, targets) = Batch(layout, z, [.. rows.Select(i => training[i])], true);
            double loss = network.Forward(x, rows.Length, true, targets, default); // the mean over B·K values, K per window
            network.Backward();
            return new BatchLoss(loss * rows.Length, rows.Length, (long)rows.Length * layout.Window); // unit: a window (each has K values)
        },
        validation.Length > 0 ? () => (Loss(network, layout, z, validation), null) : null, new Recorder(history, o.Progress), control);
        return network;
    }

    /// <summary>The bit patterns of <paramref name="values"/>, for <see cref="TrainingControl.Digest"/>.</summary>
    private static int[] Bits(float[] values) => System.Runtime.InteropServices.MemoryMarshal.Cast<float, int>(values).ToArray();

    /// <summary>Mean squared error of the normalised forecasts over the windows ending at <paramref name="origins"/>.</summary>
    private static double Loss(ForecasterNetwork network, ForecastLayout layout, float[] z, int[] origins)
    {
        double sum = 0;
        foreach (int[] chunk in origins.Chunk(256))
        {
            var (x, targets) = Batch(layout, z, chunk, true);
            sum += network.Forward(x, chunk.Length, false, targets, default) * chunk.Length;
        }

        return sum / origins.Length;
    }
}
