using System.CommandLine;
using Microsoft.ML;
using MLNetRnn.Forecasting;

namespace MLNetRnn.Cli;

/// <summary>
/// The forecasting commands: <c>train forecast</c> (fit a recurrent forecaster on a CSV/TSV series and save a standard
/// ML.NET .zip whose input is the window column), and what <c>evaluate</c>, <c>predict</c> and <c>inspect</c> do with a
/// forecaster .zip. Evaluation and prediction run the saved model as ML.NET loads it; the windows and the baselines are
/// built from the layout stored in its ONNX graph.
/// </summary>
/// <remarks>
/// JSON: <c>evaluate</c> prints <c>{"mae","rmse","mape","mapeSkippedZeros","persistenceMae","seasonalNaiveMae",
/// "climatologyAnomalyMae","count","horizon","perStep":[{"step",…same fields…}]}</c> (one-step-ahead scores at the top,
/// <c>perStep</c> one entry per horizon step, also when the horizon is 1); <c>predict</c> prints
/// <c>{"origin","forecast":[K floats],"dates":[K ISO dates, when the model has dates]}</c>.
/// </remarks>
internal static class ForecastCommands
{
    /// <summary>The <c>--history</c> option of <c>evaluate</c>.</summary>
    public static Option<string?> History() => new("--history")
    {
        Description = "Forecaster: rows just before the test rows (same columns), read only to fill windows and baselines; never scored.",
    };

    /// <summary><c>mlnet-rnn train forecast</c>.</summary>
    public static Command CreateTrain()
    {
        var defaults = new SequenceForecastingOptions();
        var data = new Option<string>("--data") { Description = "Training CSV/TSV with a header, rows in time order (oldest first).", Required = true };
        var model = CliOptions.Model("Where to write the model .zip.");
        var separator = CliOptions.Separator();
        var value = new Option<string>("--value-column") { Description = "The column to forecast.", Required = true };
        var date = new Option<string?>("--date-column") { Description = "Date column, yyyy-MM-dd (daily) or yyyy-MM (monthly), consecutive rows; adds calendar features." };
        var features = new Option<string?>("--feature-columns") { Description = "Covariate columns read beside the target, comma-separated (a,b)." };
        var window = CliOptions.AtLeastOne(new Option<int>("--window") { DefaultValueFactory = _ => defaults.WindowSize, Description = "Rows each forecast reads." });
        var horizon = CliOptions.AtLeastOne(new Option<int>("--horizon") { DefaultValueFactory = _ => defaults.Horizon, Description = "Steps forecast at once." });
        var season = CliOptions.AtLeastZero(new Option<int>("--season") { Description = "Seasonal-naive period in rows (default from the dates: daily 7, monthly 12; required without --date-column)." });
        var interpolate = new Option<bool>("--interpolate") { Description = "Fill missing values (empty, NaN, NA) by linear interpolation instead of failing on them." };
        var cell = new Option<string>("--cell") { DefaultValueFactory = _ => "lstm", Description = "rnn, lstm or gru." };
        cell.AcceptOnlyFromAmong("rnn", "lstm", "gru");
        var hidden = CliOptions.AtLeastOne(new Option<int>("--hidden") { DefaultValueFactory = _ => defaults.HiddenSize, Description = "Hidden size." });
        var layers = CliOptions.AtLeastOne(new Option<int>("--layers") { DefaultValueFactory = _ => defaults.NumberOfLayers, Description = "Stacked recurrent layers." });
        var dropout = new Option<float>("--dropout") { DefaultValueFactory = _ => defaults.Dropout, Description = "Dropout between recurrent layers, in [0, 1)." };
        var epochs = CliOptions.AtLeastOne(new Option<int>("--epochs") { DefaultValueFactory = _ => defaults.Epochs, Description = "Most passes over the training windows." });
        var batch = CliOptions.AtLeastOne(new Option<int>("--batch-size") { DefaultValueFactory = _ => defaults.BatchSize, Description = "Windows per mini-batch." });
        var rate = new Option<float>("--learning-rate") { DefaultValueFactory = _ => defaults.LearningRate, Description = "Adam learning rate." };
        var clip = new Option<float>("--clip") { DefaultValueFactory = _ => defaults.ClipNorm, Description = "Gradient-norm limit (0 = off)." };
        var validation = new Option<float>("--validation-fraction") { DefaultValueFactory = _ => defaults.ValidationFraction, Description = "Latest share of the rows used as the validation period for early stopping (0 = none)." };
        var patience = CliOptions.AtLeastOne(new Option<int>("--patience") { DefaultValueFactory = _ => defaults.EarlyStoppingPatience, Description = "Epochs without validation improvement before stopping." });
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 1, Description = "Seed of every random choice." };
        var json = new Option<bool>("--json") { Description = "One JSON object per epoch and a final one." };
        var distributed = DistributedTraining.Create();
        var command = new Command("forecast", "Train a recurrent forecaster on a time series (window of rows → the next horizon values).")
        {
            data, model, separator, value, date, features, window, horizon, season, interpolate, cell, hidden, layers, dropout, epochs, batch, rate, clip, validation, patience, seed, json,
            distributed,
        };
        command.SetAction(p =>
        {
            var options = new SequenceForecastingOptions
            {
                ValueColumnName = p.GetRequiredValue(value),
                DateColumnName = p.GetValue(date),
                FeatureColumnNames = [.. (p.GetValue(features) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
                WindowSize = p.GetValue(window), Horizon = p.GetValue(horizon), Season = p.GetValue(season), InterpolateMissing = p.GetValue(interpolate),
                CellType = TrainOptions.CellType(p.GetValue(cell)), HiddenSize = p.GetValue(hidden), NumberOfLayers = p.GetValue(layers), Dropout = p.GetValue(dropout),
                Epochs = p.GetValue(epochs), BatchSize = p.GetValue(batch), LearningRate = p.GetValue(rate), ClipNorm = p.GetValue(clip),
                ValidationFraction = p.GetValue(validation), EarlyStoppingPatience = p.GetValue(patience), Seed = p.GetValue(seed),
                CancellationToken = CliCancellation.Token,
            };
            return DistributedTraining.Run(p.GetValue(distributed), group =>
            {
                options.DataParallelGroup = group;
                return Train(options, p.GetRequiredValue(data), p.GetRequiredValue(model), p.GetValue(separator), p.GetValue(json));
            });
        });
        return command;
    }

    /// <summary><c>evaluate</c> on a forecaster: rolling origin over the test rows, with the saved model as ML.NET loads it.</summary>
    public static int Evaluate(ModelFile file, string dataPath, string? historyPath, string? separator, bool json)
    {
        var layout = ForecasterOnnx.ReadLayout(file.Network);
        var ml = new MLContext(seed: 0);
        var test = Read(ml, layout, dataPath, separator);
        var history = historyPath is null ? null : Read(ml, layout, historyPath, separator);
        var (series, historyRows) = SequenceForecastingModel.Join(layout, test, history);
        var loaded = file.Load(ml, out _);
        var steps = ForecastEvaluator.Evaluate(layout, series, historyRows, windows => ForecastWindowView.Forecasts(loaded, layout, windows));
        var one = steps[0];
        if (json)
        {
            var result = Fields(one);
            result["horizon"] = layout.Horizon;
            result["perStep"] = steps.Select(s =>
            {
                var step = new Dictionary<string, object?> { ["step"] = s.Step };
                foreach (var (k, v) in Fields(s))
                {
                    step[k] = v;
                }

                return step;
            }).ToList();
            JsonOut.Line(result);
            return 0;
        }

        foreach (var s in steps)
        {
            Console.WriteLine($"step +{s.Step}: MAE {s.Mae:F4}, RMSE {s.Rmse:F4}, MAPE {(s.Mape is { } m ? $"{m:F2} %" : "n/a")}{(s.MapeSkippedZeros > 0 ? $" ({s.MapeSkippedZeros} zero targets skipped)" : string.Empty)}; "
                + $"baseline MAE: persistence {s.PersistenceMae:F4}, seasonal naive (period {layout.Season}) {s.SeasonalNaiveMae:F4}, climatology + anomaly {s.ClimatologyAnomalyMae:F4}; {s.Count} rows");
        }

        return 0;
    }

    /// <summary><c>predict</c> on a forecaster: the next K values after the last row of the file, from the saved model.</summary>
    public static int Predict(ModelFile file, string? dataPath, string? separator, bool json)
    {
        if (dataPath is null)
        {
            throw new ArgumentException($"'{file.Path}' is a forecaster; give the recent rows with --data FILE (at least the window's length, oldest first), not --input.");
        }

        var layout = ForecasterOnnx.ReadLayout(file.Network);
        var ml = new MLContext(seed: 0);
        var series = Read(ml, layout, dataPath, separator);
        if (series.Count < layout.Window)
        {
            throw new ArgumentException($"Data file '{dataPath}' has {series.Count} rows; the model reads the last {layout.Window}. Give at least {layout.Window} rows.");
        }

        float[] window = layout.WindowAt(layout.RawFeatures(series), series.Count - 1);
        float[] forecast = ForecastWindowView.Forecasts(file.Load(ml, out _), layout, [window])[0];
        string? origin = series.Dates is { } d ? ForecastCalendar.Show(d[^1]) : null;
        var dates = new List<string>();
        for (var next = series.Dates?[^1]; next is not null && dates.Count < layout.Horizon;)
        {
            next = ForecastCalendar.Next(next.Value, layout.Spacing);
            dates.Add(ForecastCalendar.Show(next.Value));
        }

        if (json)
        {
            JsonOut.Line(new { origin, forecast = forecast.Select(v => JsonOut.Round(v)), dates = origin is null ? null : dates });
            return 0;
        }

        for (int k = 0; k < forecast.Length; k++)
        {
            Console.WriteLine($"{(origin is null ? $"+{k + 1}" : dates[k])}\t{forecast[k]:G6}");
        }

        return 0;
    }

    /// <summary>What <c>inspect</c> and <c>export</c> show as a forecaster's architecture (the network and the layout), its layer table and its weights.</summary>
    public static (object Architecture, ModelSummary Summary, Layers.ParameterStore Parameters) Describe(ModelFile file)
    {
        var (network, layout) = ForecasterOnnx.Read(file.Network);
        var a = network.Architecture;
        var description = new ForecasterDescription(a.CellType.ToString(), a.HiddenSize, a.NumberOfLayers, layout.Window, layout.Horizon, layout.Season,
            layout.Spacing.ToString().ToLowerInvariant(), layout.ValueColumn, layout.FeatureColumns, layout.DateColumn, layout.FeatureNames, layout.Means, layout.Scales,
            layout.WindowColumn, layout.ForecastColumn, layout.InterpolateMissing);
        return (description, ModelSummary.Of(network), network.Parameters);
    }

    private static int Train(SequenceForecastingOptions options, string dataPath, string modelPath, string? separator, bool json)
    {
        options.Validate(); // before reading the data, so a bad setting fails fast
        string folder = Path.GetDirectoryName(Path.GetFullPath(modelPath)) ?? string.Empty;
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The folder of --model '{modelPath}' ('{folder}') does not exist; create it or choose another path.");
        }

        var ml = new MLContext(options.Seed);
        var rows = CliData.Load(ml, dataPath, separator, "--value-column / --feature-columns / --date-column", [.. Columns(options.ValueColumnName, options.FeatureColumnNames, options.DateColumnName)]);
        var (forecaster, stats) = TrainingRun.Fit(progress =>
        {
            options.Progress = progress;
            return new SequenceForecastingTrainer(options).Fit(rows); // what ml.Forecasting.Trainers.Lstm/Gru/Rnn make, with --cell already in the options
        }, options.Epochs, json);
        if (!DistributedTraining.WritesFiles(options.DataParallelGroup))
        {
            return 0; // process 0 saves the model (every process holds the same weights)
        }

        ml.Model.SaveAtomically(forecaster, forecaster.WindowSchema, modelPath);
        var best = forecaster.TrainingHistory.Where(h => h.ValidationLoss is not null).Select(h => h.ValidationLoss!.Value).DefaultIfEmpty(double.NaN).Min();
        TrainingRun.Summary(json, modelPath, stats, DataViews.ColumnReader.Text(rows, options.ValueColumnName).Length, forecaster.ParameterCount,
            [("window", forecaster.WindowSize), ("horizon", forecaster.Horizon), ("season", forecaster.Season), ("spacing", forecaster.Spacing.ToString().ToLowerInvariant()),
                ("features", forecaster.FeatureNames)],
            double.IsNaN(best) ? null : new { loss = JsonOut.Round(best) }, options.DataParallelGroup);
        return 0;
    }

    private static IEnumerable<(string File, string View)> Columns(string value, IEnumerable<string> features, string? date) =>
        features.Prepend(value).Concat(date is null ? [] : [date]).Select(c => (c, c));

    private static ForecastSeries Read(MLContext ml, ForecastLayout layout, string path, string? separator)
    {
        var rows = CliData.Load(ml, path, separator, "the model's columns", [.. Columns(layout.ValueColumn, layout.FeatureColumns, layout.DateColumn)]);
        try
        {
            return ForecastSeries.Read(rows, layout.DateColumn, layout.ValueColumns, layout.InterpolateMissing);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"In '{path}': {e.Message}", e);
        }
    }

    /// <summary>The eight metric fields; an error that is not a number (no row scored at that step) is null.</summary>
    private static Dictionary<string, object?> Fields(ForecastMetrics m) => new()
    {
        ["mae"] = Number(m.Mae), ["rmse"] = Number(m.Rmse), ["mape"] = Number(m.Mape), ["mapeSkippedZeros"] = m.MapeSkippedZeros,
        ["persistenceMae"] = Number(m.PersistenceMae), ["seasonalNaiveMae"] = Number(m.SeasonalNaiveMae),
        ["climatologyAnomalyMae"] = Number(m.ClimatologyAnomalyMae), ["count"] = m.Count,
    };

    private static double? Number(double? value) => value is { } v && double.IsFinite(v) ? JsonOut.Round(v) : null;

    /// <summary>A forecaster's network and layout as <c>inspect</c> shows them (JSON: camelCase fields; text: one line).</summary>
    private sealed record ForecasterDescription(string CellType, int HiddenSize, int NumberOfLayers, int Window, int Horizon, int Season, string Spacing,
        string ValueColumn, string[] FeatureColumns, string? DateColumn, string[] WindowFeatures, float[] Means, float[] Scales, string WindowColumn,
        string ForecastColumn, bool InterpolateMissing)
    {
        public override string ToString() =>
            $"{CellType}, hidden {HiddenSize}, {NumberOfLayers} layer(s); window {Window}, horizon {Horizon}, season {Season}, spacing {Spacing}; "
            + $"value '{ValueColumn}', features [{string.Join(", ", FeatureColumns)}], date '{DateColumn}', interpolate {InterpolateMissing}; "
            + $"input '{WindowColumn}' = {Window} x [{string.Join(", ", WindowFeatures)}], output '{ForecastColumn}' [{Horizon}]";
    }
}
