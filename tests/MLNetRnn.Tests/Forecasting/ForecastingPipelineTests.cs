using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRnn.Forecasting;
using MLNetRnn.Layers;
using MLNetRnn.Onnx;
using MLNetRnn.Tests.TestSupport;

namespace MLNetRnn.Tests.Forecasting;

/// <summary>The forecaster as an ML.NET component: statistics, the saved model, and what a plain ML.NET app gets from it.</summary>
public sealed class ForecastingPipelineTests
{
    private static SequenceForecastingOptions Options(int horizon, RecurrentCellType cell = RecurrentCellType.Lstm, int layers = 1) => new()
    {
        ValueColumnName = "Value", FeatureColumnNames = ["Covariate"], DateColumnName = "Date", WindowSize = 6, Horizon = horizon,
        HiddenSize = 8, NumberOfLayers = layers, CellType = cell, Epochs = 4, Seed = 5,
    };

    [Fact]
    public void Fit_NormalisationStatisticsComeFromTheTrainingRowsOnly()
    {
        // Training rows 1..100 (mean 50.5, population sd √((100² − 1)/12)); the test rows are far larger and must not move them.
        var ml = new MLContext(seed: 1);
        float[] train = [.. Enumerable.Range(1, 100).Select(i => (float)i)];
        float[] covariate = [.. Enumerable.Range(0, 100).Select(i => i % 2 == 0 ? 1f : 3f)];
        var model = ml.Forecasting.Trainers.Lstm(Options(1)).Fit(ForecastData.Daily(ml, train, covariate));
        model.Evaluate(ForecastData.Daily(ml, [.. Enumerable.Range(0, 30).Select(i => 1000f + i)], new float[30], 100), ForecastData.Daily(ml, train, covariate));
        Assert.Equal(50.5f, model.FeatureMeans[0], 4);
        Assert.Equal((float)Math.Sqrt(9999 / 12.0), model.FeatureScales[0], 4);
        Assert.Equal(2f, model.FeatureMeans[1], 5);
        Assert.Equal(1f, model.FeatureScales[1], 5);
        Assert.Equal([0f, 0f, 0f, 0f], model.FeatureMeans.Skip(2)); // calendar features are not shifted or scaled
        Assert.Equal([1f, 1f, 1f, 1f], model.FeatureScales.Skip(2));

        // They are what the saved graph normalises with, tiled over the window.
        var graph = OnnxModel.Parse(model.GetOnnxModel());
        Assert.Equal(Enumerable.Repeat(model.FeatureMeans, 6).SelectMany(m => m), graph.Graph.Initializer("normalise.mean")!.Floats!);
        Assert.Equal(Enumerable.Repeat(model.FeatureScales, 6).SelectMany(m => m), graph.Graph.Initializer("normalise.scale")!.Floats!);
    }

    public static TheoryData<RecurrentCellType, int, int> Networks() => new()
    {
        { RecurrentCellType.Lstm, 1, 1 },
        { RecurrentCellType.Gru, 2, 7 },
        { RecurrentCellType.SimpleRnn, 1, 3 },
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void SaveLoad_PlainMLNetPredictionEngine_GivesTheEnginesForecasts(RecurrentCellType cell, int layers, int horizon)
    {
        var ml = new MLContext(seed: 1);
        var (y, c) = ForecastData.LeadingIndicator(160, 21);
        var model = ml.Forecasting.Trainers.Lstm(Options(horizon, cell, layers)).Fit(ForecastData.Daily(ml, y[..120], c[..120]));
        var test = ForecastData.Daily(ml, y[120..], c[120..], 120);
        var windows = model.CreateWindows(test);
        float[][] raw = RoundTrip.Scores(windows, model.WindowColumnName);
        float[][] engine = model.Predict(raw);

        var (loaded, path) = RoundTrip.SaveAndLoad(ml, model, model.WindowSchema); // the loaded model asks for the window column only
        try
        {
            float[][] onnx = RoundTrip.Scores(model.Transform(windows), model.ForecastColumnName);
            var prediction = new MLContext(seed: 9).Model.CreatePredictionEngine<WindowInput, ForecastOutput>(loaded,
                inputSchemaDefinition: WindowInput.Definition(raw[0].Length));
            Assert.Equal(raw.Length, onnx.Length);
            for (int i = 0; i < raw.Length; i++)
            {
                float[] fromApp = prediction.Predict(new WindowInput { Window = raw[i] }).Forecast;
                Assert.Equal(horizon, fromApp.Length);
                for (int k = 0; k < horizon; k++)
                {
                    Assert.Equal(engine[i][k], onnx[i][k], 1e-4f);
                    Assert.Equal(engine[i][k], fromApp[k], 1e-4f);
                }
            }

            float[] next = model.Forecast(test); // the window ending at the last row
            Assert.All(Enumerable.Range(0, horizon), k => Assert.Equal(engine[^1][k], next[k], 1e-5f));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void OnnxRead_RebuildsTheSameNetworkAndLayout()
    {
        var ml = new MLContext(seed: 1);
        var (y, c) = ForecastData.LeadingIndicator(120, 22);
        var model = ml.Forecasting.Trainers.Gru(Options(2)).Fit(ForecastData.Daily(ml, y, c));
        var (network, layout) = ForecasterOnnx.Read(OnnxModel.Parse(model.GetOnnxModel()));
        Assert.Equal(model.Architecture, network.Architecture);
        Assert.Equal(model.Network.Parameters.Values.ToArray(), network.Parameters.Values.ToArray());
        Assert.Equal(model.Layout.Climatology, layout.Climatology);
        Assert.Equal(model.FeatureNames, layout.FeatureNames);
        Assert.Equal(["Value", "Covariate", "dayOfYear.sin", "dayOfYear.cos", "dayOfWeek.sin", "dayOfWeek.cos"], layout.FeatureNames);
    }

    [Fact]
    public void Fit_MonthlyIsoDates_UseMonthFeaturesAndAYearlySeason()
    {
        // Five years of months, value = the month's seasonal curve + noise; yyyy-MM dates.
        var ml = new MLContext(seed: 1);
        float[] noise = ForecastData.Noise(72, 31);
        var rows = Enumerable.Range(0, 72).Select(i => new MonthRow
        {
            Month = new DateTime(2010, 1, 1).AddMonths(i).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture),
            Value = (10f * MathF.Sin(2 * MathF.PI * i / 12)) + (0.3f * noise[i]),
        }).ToList();
        var options = new SequenceForecastingOptions { ValueColumnName = "Value", DateColumnName = "Month", WindowSize = 12, HiddenSize = 8, Epochs = 3, Seed = 2 };
        var model = ml.Forecasting.Trainers.Lstm(options).Fit(ml.Data.LoadFromEnumerable(rows[..60]));
        Assert.Equal(ForecastSpacing.Monthly, model.Spacing);
        Assert.Equal(12, model.Season);
        Assert.Equal(["Value", "month.sin", "month.cos"], model.FeatureNames);
        var m = model.Evaluate(ml.Data.LoadFromEnumerable(rows[60..]), ml.Data.LoadFromEnumerable(rows[..60]))[0];
        Assert.Equal(12, m.Count);
        Assert.True(m.SeasonalNaiveMae < 0.5 * m.PersistenceMae, $"seasonal naive {m.SeasonalNaiveMae}, persistence {m.PersistenceMae}"); // a strongly seasonal series
    }

    [Fact]
    public void Trainer_CopiesItsOptionsAndChecksTheSchemaBeforeTraining()
    {
        var ml = new MLContext(seed: 1);
        var options = Options(1);
        var trainer = ml.Forecasting.Trainers.Lstm(options);
        options.WindowSize = 99;
        Assert.Equal(6, trainer.Options.WindowSize);
        var data = ForecastData.Daily(ml, new float[30], new float[30]);
        var shape = trainer.GetOutputSchema(Classification.ClassificationPipelineTests.ShapeOf<ForecastData.Row>(ml));
        Assert.Contains(shape, c => c.Name == "Window");
        Assert.Contains(shape, c => c.Name == "Forecast");
        options.ValueColumnName = "Missing";
        var e = Assert.Throws<ArgumentException>(() => ml.Forecasting.Trainers.Lstm(options).GetOutputSchema(Classification.ClassificationPipelineTests.ShapeOf<ForecastData.Row>(ml)));
        Assert.Contains("Column 'Missing'", e.Message);
    }

    [Fact]
    public void Fit_SeriesTooShortForWindowHorizonAndValidation_SaysWhatToChange()
    {
        var ml = new MLContext(seed: 1);
        var e = Assert.Throws<ArgumentException>(() => ml.Forecasting.Trainers.Lstm(Options(3)).Fit(ForecastData.Daily(ml, new float[10], new float[10])));
        Assert.Contains("too few for a window of 6, a horizon of 3", e.Message);
    }

    [Fact]
    public void Summary_ListsTheRecurrentLayersAndTheHead()
    {
        var ml = new MLContext(seed: 1);
        var (y, c) = ForecastData.LeadingIndicator(80, 23);
        var model = ml.Forecasting.Trainers.Gru(Options(2, RecurrentCellType.Gru, 2)).Fit(ForecastData.Daily(ml, y, c));
        var summary = model.Summary();
        Assert.Equal(["rnn.l0", "rnn.l1", "head"], summary.Layers.Select(l => l.Name));
        Assert.Equal(model.ParameterCount, summary.TotalParameters);
        Assert.Equal((2 * 8) + 2, summary.Layers[^1].Parameters); // head (K, H) + K
    }

    private sealed class MonthRow
    {
        public string Month { get; set; } = string.Empty;

        public float Value { get; set; }
    }

    private sealed class WindowInput
    {
        public float[] Window { get; set; } = [];

        public static SchemaDefinition Definition(int size)
        {
            var definition = SchemaDefinition.Create(typeof(WindowInput));
            definition[nameof(Window)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, size);
            return definition;
        }
    }

    private sealed class ForecastOutput
    {
        public float[] Forecast { get; set; } = [];
    }
}
