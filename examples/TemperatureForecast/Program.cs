// Forecasting Seattle's daily maximum temperature with a recurrent network in ML.NET: ML.NET loads the shipped NOAA
// series (datasets/weather); MLNetRnn trains an LSTM on sliding windows of 2012–2014 (the latest 20 % of that period is
// the validation period for early stopping, never trained on) with precipitation, minimum temperature, wind and the
// calendar as covariates; then every day of 2015 is forecast one day ahead from the true days before it and scored
// beside three baselines (persistence, seasonal naive, climatology plus persistent anomaly). A second model forecasts
// 7 days at once. ML.NET saves the one-day model as a standard .zip (the network inside as ONNX, normalisation
// included), loads it back and predicts with a PredictionEngine.
//
// Run from the repository root:  dotnet run --project examples/TemperatureForecast -c Release [-- <root> <seeds>]
// Training budget: under 10 s per model on two cores, 1.5–7.2 s measured on a loaded machine (the printed times);
// the whole run with the default 3 seeds (4 models, evaluations, save and load) about 40 s.
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRnn;
using MLNetRnn.Forecasting;

string root = args.Length > 0 ? args[0] : ".";
int[] seeds = args.Length > 1 ? [.. args[1].Split(',').Select(int.Parse)] : [1, 2, 3];
string data = Path.Combine(root, "datasets", "weather");
string modelPath = Path.Combine(root, "artifacts", "temperature.zip");
Directory.CreateDirectory(Path.GetDirectoryName(modelPath)!);

var ml = new MLContext(seed: 1);
var train = ml.Data.LoadFromTextFile<Day>(Path.Combine(data, "train.csv"), hasHeader: true, separatorChar: ',');  // 2012–2014
var test = ml.Data.LoadFromTextFile<Day>(Path.Combine(data, "test.csv"), hasHeader: true, separatorChar: ',');    // 2015

SequenceForecastingOptions Options(int horizon, int seed) => new()
{
    ValueColumnName = nameof(Day.TempMax),
    FeatureColumnNames = [nameof(Day.Precipitation), nameof(Day.TempMin), nameof(Day.Wind)],
    DateColumnName = nameof(Day.Date),   // daily: day-of-year and day-of-week as sine–cosine; seasonal naive period 7
    WindowSize = 14,
    Horizon = horizon,
    HiddenSize = 32,
    Epochs = 60,
    EarlyStoppingPatience = 8,
    ValidationFraction = 0.2f,           // the latest 20 % of 2012–2014
    Seed = seed,
};

// One day ahead, several seeds: the network's MAE on 2015 beside the baselines (which do not depend on the seed).
SequenceForecastingModel? oneDay = null;
var maes = new List<double>();
foreach (int seed in seeds)
{
    var clock = Stopwatch.StartNew();
    var model = ml.Forecasting.Trainers.Lstm(Options(1, seed)).Fit(train);
    double seconds = clock.Elapsed.TotalSeconds;
    var m = model.Evaluate(test, history: train)[0];   // rolling origin over every day of 2015, true history before it
    maes.Add(m.Mae);
    Console.WriteLine($"seed {seed}: trained {model.TrainingHistory.Count} epochs in {seconds:F1} s; 2015 one-day MAE {m.Mae:F3} °C (RMSE {m.Rmse:F3}, MAPE {m.Mape:F1} %, {m.Count} days)");
    Console.WriteLine($"         baselines: persistence {m.PersistenceMae:F3}, seasonal naive (7 days) {m.SeasonalNaiveMae:F3}, climatology + persistent anomaly {m.ClimatologyAnomalyMae:F3}");
    oneDay ??= model;
}

double mean = maes.Average(), spread = Math.Sqrt(maes.Sum(v => (v - mean) * (v - mean)) / Math.Max(maes.Count - 1, 1));
Console.WriteLine($"one-day MAE over seeds [{string.Join(", ", seeds)}]: mean {mean:F3} °C, standard deviation {spread:F3}, min {maes.Min():F3}, max {maes.Max():F3}");

// Seven days at once (direct multi-step): MAE per horizon step.
var weekClock = Stopwatch.StartNew();
var week = ml.Forecasting.Trainers.Lstm(Options(7, seeds[0])).Fit(train);
Console.WriteLine($"7-day model (seed {seeds[0]}, {week.TrainingHistory.Count} epochs in {weekClock.Elapsed.TotalSeconds:F1} s): MAE per step on 2015, model / persistence / seasonal naive / climatology + anomaly");
foreach (var step in week.Evaluate(test, history: train))
{
    Console.WriteLine($"  day +{step.Step}: {step.Mae:F3} / {step.PersistenceMae:F3} / {step.SeasonalNaiveMae:F3} / {step.ClimatologyAnomalyMae:F3}  ({step.Count} days)");
}

// Save as a standard ML.NET model; its input is the window column (N·F raw features), its output the forecast.
ml.Model.SaveAtomically(oneDay!, oneDay!.WindowSchema, modelPath);
Console.WriteLine($"saved {Path.GetFullPath(modelPath)}");

// An app would do just this, with Microsoft.ML + Microsoft.ML.OnnxTransformer + Microsoft.ML.OnnxRuntime and no MLNetRnn.
var loaded = ml.Model.Load(modelPath, out _);
var engine = ml.Model.CreatePredictionEngine<WindowInput, ForecastOutput>(loaded);
var lastWindow = oneDay.CreateWindows(test).GetColumn<float[]>(oneDay.WindowColumnName).Last();   // 14 days × 8 raw features
Console.WriteLine($"forecast for 2016-01-01 from the last {oneDay.WindowSize} days of 2015: loaded model {engine.Predict(new WindowInput { Window = lastWindow }).Forecast[0]:F2} °C, engine {oneDay.Forecast(test)[0]:F2} °C");

/// <summary>A row of seattle-weather.csv (header <c>date,precipitation,temp_max,temp_min,wind,weather</c>).</summary>
internal sealed class Day
{
    [LoadColumn(0)]
    public string Date { get; set; } = string.Empty;

    [LoadColumn(1)]
    public float Precipitation { get; set; }

    [LoadColumn(2)]
    public float TempMax { get; set; }

    [LoadColumn(3)]
    public float TempMin { get; set; }

    [LoadColumn(4)]
    public float Wind { get; set; }
}

/// <summary>The saved model's input: the last 14 days' features (target, covariates, calendar), oldest first.</summary>
internal sealed class WindowInput
{
    [VectorType(14 * 8)]
    public float[] Window { get; set; } = [];
}

/// <summary>What the prediction engine fills in: the next day's maximum temperature.</summary>
internal sealed class ForecastOutput
{
    public float[] Forecast { get; set; } = [];
}
