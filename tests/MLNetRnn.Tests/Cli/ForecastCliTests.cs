using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRnn.Forecasting;
using MLNetRnn.Onnx;
using MLNetRnn.Tests.Forecasting;

namespace MLNetRnn.Tests.Cli;

/// <summary>
/// <c>mlnet-rnn train forecast</c> → <c>evaluate</c> → <c>predict</c> → <c>inspect</c> on a small CSV series, run as a real
/// process: the JSON contract of each, and the errors a forecaster's data can raise.
/// </summary>
public sealed class ForecastCliTests : IClassFixture<ForecastCliTests.TrainedForecaster>
{
    private readonly TrainedForecaster _trained;

    public ForecastCliTests(TrainedForecaster trained) => _trained = trained;

    [Fact]
    public void Train_PrintsEpochsAndASummaryWithTheLayout()
    {
        var lines = _trained.TrainOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        using var last = JsonDocument.Parse(lines[^1]);
        var root = last.RootElement;
        Assert.Equal(["model", "epochs", "seconds", "tokensPerSecond", "rows", "parameters", "window", "horizon", "season", "spacing", "features", "validation"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(lines.Length - 1, root.GetProperty("epochs").GetInt32());
        Assert.Equal(200, root.GetProperty("rows").GetInt32());
        Assert.Equal(3, root.GetProperty("horizon").GetInt32());
        Assert.Equal(7, root.GetProperty("season").GetInt32());
        Assert.Equal("daily", root.GetProperty("spacing").GetString());
        Assert.Equal(["value", "lead", "dayOfYear.sin", "dayOfYear.cos", "dayOfWeek.sin", "dayOfWeek.cos"], root.GetProperty("features").EnumerateArray().Select(f => f.GetString()));
        Assert.True(root.GetProperty("validation").GetProperty("loss").GetDouble() > 0);
    }

    [Fact]
    public void Evaluate_PrintsTheContractFields_AndPerStepScores()
    {
        var (code, stdout, stderr) = CliProcess.Run("evaluate", "--model", _trained.ModelPath, "--data", _trained.TestPath, "--history", _trained.TrainPath, "--json");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout.Trim());
        var root = doc.RootElement;
        string[] fields = ["mae", "rmse", "mape", "mapeSkippedZeros", "persistenceMae", "seasonalNaiveMae", "climatologyAnomalyMae", "count"];
        Assert.Equal([.. fields, "horizon", "perStep"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(60, root.GetProperty("count").GetInt32()); // every test row: the history fills the first windows
        var steps = root.GetProperty("perStep").EnumerateArray().ToList();
        Assert.Equal([1, 2, 3], steps.Select(s => s.GetProperty("step").GetInt32()));
        Assert.Equal(["step", .. fields], steps[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(root.GetProperty("mae").GetDouble(), steps[0].GetProperty("mae").GetDouble());

        // One step ahead the next value is yesterday's 'lead', which the model reads: it must beat every baseline clearly.
        double mae = root.GetProperty("mae").GetDouble();
        Assert.True(mae < 0.5 * root.GetProperty("persistenceMae").GetDouble(), stdout);
        Assert.True(mae < 0.5 * root.GetProperty("climatologyAnomalyMae").GetDouble(), stdout);

        // Without history the first test rows have no full window before them and are not scored.
        (code, stdout, stderr) = CliProcess.Run("evaluate", "--model", _trained.ModelPath, "--data", _trained.TestPath, "--json");
        Assert.True(code == 0, stderr);
        using var alone = JsonDocument.Parse(stdout.Trim());
        Assert.Equal(60 - 7, alone.RootElement.GetProperty("count").GetInt32()); // max(window 5, season 7) rows come first
    }

    [Fact]
    public void Predict_PrintsTheNextHorizonWithDates()
    {
        var (code, stdout, stderr) = CliProcess.Run("predict", "--model", _trained.ModelPath, "--data", _trained.TestPath, "--json");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout.Trim());
        var root = doc.RootElement;
        Assert.Equal(["origin", "forecast", "dates"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(3, root.GetProperty("forecast").GetArrayLength());

        // The saved model's forecast for the window ending at the file's last row, as the engine computes it from the same graph.
        var ml = new MLContext(seed: 0);
        var rows = ml.Data.LoadFromTextFile(_trained.TestPath, [new("date", DataKind.String, 0), new("value", DataKind.String, 1), new("lead", DataKind.String, 2)], ',', hasHeader: true);
        var (network, layout) = ForecasterOnnx.Read(ModelZip.Read(_trained.ModelPath).Find(OnnxMetadata.ForecasterKind)!);
        float[] expected = SequenceForecastingModel.Create(network, layout, []).Forecast(rows);
        Assert.Equal(expected.Select(v => Math.Round(v, 6)), root.GetProperty("forecast").EnumerateArray().Select(v => v.GetDouble()), (a, b) => Math.Abs(a - b) < 1e-4);
        Assert.Equal("2020-09-16", root.GetProperty("origin").GetString());
        Assert.Equal(["2020-09-17", "2020-09-18", "2020-09-19"], root.GetProperty("dates").EnumerateArray().Select(d => d.GetString()));
    }

    [Fact]
    public void Inspect_ShowsTheForecasterTaskAndLayout()
    {
        var (code, stdout, stderr) = CliProcess.Run("inspect", "--model", _trained.ModelPath, "--json");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout.Trim());
        var root = doc.RootElement;
        Assert.Equal("SequenceForecasting", root.GetProperty("task").GetString());
        var architecture = root.GetProperty("architecture");
        Assert.Equal(5, architecture.GetProperty("window").GetInt32());
        Assert.Equal("value", architecture.GetProperty("valueColumn").GetString());
        Assert.True(root.GetProperty("totalParameters").GetInt64() > 0);
    }

    [Fact]
    public void Export_WritesTheGraphTheWeightsAndTheLayout()
    {
        string folder = Path.Combine(_trained.Folder, "export");
        var (code, _, stderr) = CliProcess.Run("export", "--model", _trained.ModelPath, "--out", folder);
        Assert.True(code == 0, stderr);
        Assert.Equal(["config.json", "model.onnx", "weights.npz"], Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        string[] tensors = ["head.bias", "head.weight", "rnn.bias_hh_l0", "rnn.bias_ih_l0", "rnn.weight_hh_l0", "rnn.weight_ih_l0"];
        Assert.Equal(tensors, MLNetRnn.Tensors.NpzFile.Read(Path.Combine(folder, "weights.npz")).Keys.Order(StringComparer.Ordinal));
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "config.json")));
        Assert.Equal("SequenceForecasting", config.RootElement.GetProperty("task").GetString());
        Assert.Equal(3, config.RootElement.GetProperty("architecture").GetProperty("horizon").GetInt32());
    }

    [Fact]
    public void Train_MissingValue_FailsNamingTheRow_AndInterpolateTrains()
    {
        string lines = string.Join('\n', TrainedForecaster.Csv(0, 60, 4).Split('\n').Select((l, i) => i == 11 ? "2020-01-11,,0.5" : l)); // data row 11: no value
        string path = Path.Combine(_trained.Folder, "missing.csv");
        File.WriteAllText(path, lines);
        string error = CliProcess.RunFailing("train", "forecast", "--data", path, "--model", Path.Combine(_trained.Folder, "m.zip"), "--value-column", "value",
            "--date-column", "date", "--feature-columns", "lead", "--window", "3", "--epochs", "1");
        Assert.Contains("Row 11 (date 2020-01-11) of column 'value' has no value", error);
        Assert.Contains("--interpolate", error);
        var (code, _, stderr) = CliProcess.Run("train", "forecast", "--data", path, "--model", Path.Combine(_trained.Folder, "m.zip"), "--value-column", "value",
            "--date-column", "date", "--feature-columns", "lead", "--window", "3", "--epochs", "1", "--interpolate", "--json");
        Assert.True(code == 0, stderr);
    }

    /// <summary>Trains once: 200 daily rows of y[t+1] = lead[t] (noise), window 5, horizon 3; 60 later rows to test.</summary>
    public sealed class TrainedForecaster : IDisposable
    {
        public TrainedForecaster()
        {
            Folder = Directory.CreateTempSubdirectory("mlnetrnn-forecast-cli-").FullName;
            TrainPath = Path.Combine(Folder, "train.csv");
            TestPath = Path.Combine(Folder, "test.csv");
            File.WriteAllText(TrainPath, Csv(0, 200, 31));
            File.WriteAllText(TestPath, Csv(200, 60, 31));
            ModelPath = Path.Combine(Folder, "model.zip");
            var (code, stdout, stderr) = CliProcess.Run("train", "forecast", "--data", TrainPath, "--model", ModelPath, "--value-column", "value",
                "--date-column", "date", "--feature-columns", "lead", "--window", "5", "--horizon", "3", "--hidden", "16", "--epochs", "30", "--seed", "2", "--json");
            Assert.True(code == 0, stderr);
            TrainOutput = stdout;
        }

        public string Folder { get; }

        public string TrainPath { get; }

        public string TestPath { get; }

        public string ModelPath { get; }

        public string TrainOutput { get; }

        /// <summary>Rows <paramref name="from"/> … of the series <c>y[t+1] = lead[t]</c> from 2020-01-01, as CSV with a header.</summary>
        public static string Csv(int from, int count, int seed)
        {
            var (y, lead) = ForecastData.LeadingIndicator(from + count, seed);
            var text = new StringBuilder("date,value,lead\n");
            for (int t = from; t < from + count; t++)
            {
                text.Append(CultureInfo.InvariantCulture, $"{new DateTime(2020, 1, 1).AddDays(t):yyyy-MM-dd},{y[t]:R},{lead[t]:R}\n");
            }

            return text.ToString();
        }

        public void Dispose() => Directory.Delete(Folder, recursive: true);
    }
}
