using Microsoft.ML;
using MLNetRnn.Forecasting;

namespace MLNetRnn.Tests.Forecasting;

/// <summary>No window, in training or evaluation, reads a row after its forecast origin.</summary>
public sealed class ForecastWindowTests
{
    private static SequenceForecastingOptions Options(int window, int horizon, int epochs = 15) => new()
    {
        ValueColumnName = "Value", FeatureColumnNames = ["Covariate"], DateColumnName = "Date", WindowSize = window, Horizon = horizon,
        HiddenSize = 16, Epochs = epochs, Seed = 3,
    };

    /// <summary>Settings for a bare series: the target only, no dates, seasonal period 7.</summary>
    private static SequenceForecastingOptions Bare(int window, int horizon) => new() { ValueColumnName = "Value", WindowSize = window, Horizon = horizon, Season = 7 };

    [Fact]
    public void Batch_WindowHoldsExactlyTheRowsUpToItsOriginAndTargetsTheRowsAfter()
    {
        // Value = row index, so every copied value says which row it came from.
        int rows = 40, n = 5, k = 3;
        float[] index = [.. Enumerable.Range(0, rows).Select(i => (float)i)];
        var series = ForecastSeries.Of(null, [index]);
        var layout = SequenceForecastingTrainer.FitLayout(series, Bare(n, k));
        float[] raw = layout.RawFeatures(series); // F = 1 without dates; not normalised, so values are row numbers
        int[] origins = [4, 17, 36];
        var (x, targets) = SequenceForecastingTrainer.Batch(layout, raw, origins, true);
        for (int j = 0; j < origins.Length; j++)
        {
            for (int s = 0; s < n; s++)
            {
                Assert.Equal(origins[j] - n + 1 + s, x[(s * origins.Length) + j]); // (N, B, F) time-major, oldest step first
            }

            Assert.Equal([origins[j] + 1, origins[j] + 2, origins[j] + 3], targets.AsSpan(j * k, k).ToArray());
        }
    }

    [Fact]
    public void Evaluate_EveryWindowEndsAtItsOriginAndScoresOnlyLaterRows()
    {
        int n = 6, k = 2;
        float[] index = [.. Enumerable.Range(0, 50).Select(i => (float)i)];
        var layout = SequenceForecastingTrainer.FitLayout(ForecastSeries.Of(null, [index]), Bare(n, k));
        var seen = new List<float[]>();
        var steps = ForecastEvaluator.Evaluate(layout, ForecastSeries.Of(null, [index]), 30, windows =>
        {
            seen.AddRange(windows);
            return [.. windows.Select(w => new[] { w[^1] + 1, w[^1] + 2 })]; // the exact next values if the window ends at the origin
        });
        Assert.All(seen, w => Assert.Equal(Enumerable.Range((int)w[^1] - n + 1, n).Select(i => (float)i), w));
        Assert.All(steps, s => Assert.Equal(0, s.Mae)); // so each forecast k steps on is scored against row origin + k
        Assert.Equal([20, 20], steps.Select(s => s.Count)); // rows 30..49 are the test rows
    }

    [Fact]
    public void Fit_CovariateThatCopiesTheTargetOfItsOwnRow_DoesNotRevealTheNextValue()
    {
        // y is white noise and the covariate at row t is y[t]: only a window that read row t+1 could forecast y[t+1].
        // A model that sees rows ≤ t can do no better than the mean, MAE ≈ √(2/π) ≈ 0.8 for unit noise.
        var ml = new MLContext(seed: 1);
        float[] y = ForecastData.Noise(700, 11);
        var model = ml.Forecasting.Trainers.Gru(Options(8, 1)).Fit(ForecastData.Daily(ml, y[..500], y[..500]));
        var m = model.Evaluate(ForecastData.Daily(ml, y[500..], y[500..], 500), ForecastData.Daily(ml, y[..500], y[..500]))[0];
        Assert.InRange(m.Mae, 0.6, 1.1);
        Assert.True(m.Mae > 0.5 * m.PersistenceMae, $"MAE {m.Mae} against persistence {m.PersistenceMae}: the forecast saw the future.");
    }

    [Fact]
    public void Fit_LeadingIndicatorKnownAtTheOrigin_IsLearned()
    {
        // The same setting with the information legitimately at the origin: y[t+1] = c[t]. The network must find it.
        var ml = new MLContext(seed: 1);
        var (y, c) = ForecastData.LeadingIndicator(700, 12);
        var model = ml.Forecasting.Trainers.Gru(Options(8, 1, epochs: 40)).Fit(ForecastData.Daily(ml, y[..500], c[..500]));
        var m = model.Evaluate(ForecastData.Daily(ml, y[500..], c[500..], 500), ForecastData.Daily(ml, y[..500], c[..500]))[0];
        Assert.True(m.Mae < 0.25 * m.PersistenceMae, $"MAE {m.Mae} against persistence {m.PersistenceMae}.");
    }

    [Fact]
    public void Origins_TrainingTargetsEndBeforeTheValidationPeriod()
    {
        var layout = SequenceForecastingTrainer.FitLayout(ForecastSeries.Of(null, [new float[100]]), Bare(10, 4));
        int[] training = SequenceForecastingTrainer.Origins(layout, 9, 79);  // validation period starts at row 80
        Assert.Equal(9, training[0]);
        Assert.Equal(75, training[^1]); // its targets are rows 76..79
        Assert.Empty(SequenceForecastingTrainer.Origins(layout, 9, 12));
    }
}
