using MLNetRnn.Forecasting;

namespace MLNetRnn.Tests.Forecasting;

/// <summary>The three baselines and the error measures against values worked out by hand.</summary>
public sealed class ForecastBaselineTests
{
    // Two training years of monthly values: year 1 month m (1..12) = m, year 2 = m + 2, so the climatology of month m is m + 1.
    private static readonly float[] Training = [.. Enumerable.Range(1, 12).Select(m => (float)m), .. Enumerable.Range(1, 12).Select(m => m + 2f)];

    private static DateTime[] Months(int first, int count) => [.. Enumerable.Range(first, count).Select(i => new DateTime(2001, 1, 1).AddMonths(i))];

    private static ForecastLayout Layout(int horizon = 1)
    {
        var options = new SequenceForecastingOptions { ValueColumnName = "Value", DateColumnName = "Date", WindowSize = 1, Horizon = horizon };
        return SequenceForecastingTrainer.FitLayout(ForecastSeries.Of(Months(0, 24), [Training]), options);
    }

    [Fact]
    public void FitLayout_MonthlyDates_SeasonTwelveAndClimatologyIsTheMonthlyMeanOfTheTrainingRows()
    {
        var layout = Layout();
        Assert.Equal(ForecastSpacing.Monthly, layout.Spacing);
        Assert.Equal(12, layout.Season);
        Assert.Equal(Enumerable.Range(1, 12).Select(m => m + 1f), layout.Climatology);
    }

    [Fact]
    public void Evaluate_BaselinesAndErrorsMatchHandComputedValues()
    {
        // Test year 3, January..March = 10, 20, 15, after the 24 training rows as history. One step ahead, origins = rows 23, 24, 25.
        var layout = Layout();
        var series = ForecastSeries.Of(Months(0, 27), [[.. Training, 10f, 20f, 15f]]);
        var m = ForecastEvaluator.Evaluate(layout, series, 24, windows => [.. windows.Select(_ => new[] { 12f })])[0];
        Assert.Equal(3, m.Count);
        Assert.Equal((2 + 8 + 3) / 3.0, m.Mae, 6);                          // |12−10|, |12−20|, |12−15|
        Assert.Equal(Math.Sqrt((4 + 64 + 9) / 3.0), m.Rmse, 6);
        Assert.Equal(100 * ((2 / 10.0) + (8 / 20.0) + (3 / 15.0)) / 3, m.Mape!.Value, 4);
        Assert.Equal((4 + 10 + 5) / 3.0, m.PersistenceMae, 6);               // last values 14 (Dec yr 2), 10, 20
        Assert.Equal((7 + 16 + 10) / 3.0, m.SeasonalNaiveMae, 6);            // same month a year earlier: 3, 4, 5
        Assert.Equal((7 + 9 + 6) / 3.0, m.ClimatologyAnomalyMae, 6);         // 2 + (14 − 13) = 3, 3 + (10 − 2) = 11, 4 + (20 − 3) = 21
    }

    [Fact]
    public void Evaluate_HorizonSteps_SeasonalNaiveUsesTheLastObservedSeasonAndPersistenceTheOrigin()
    {
        var layout = Layout(horizon: 2);
        var series = ForecastSeries.Of(Months(0, 27), [[.. Training, 10f, 20f, 15f]]);
        var steps = ForecastEvaluator.Evaluate(layout, series, 24, windows => [.. windows.Select(_ => new[] { 0f, 0f })]);
        var two = steps[1];
        // Step 2 scores rows 24, 25, 26 (values 10, 20, 15) from origins 22, 23, 24 (values 13, 14, 10): persistence 13, 14, 10;
        // seasonal naive rows 12, 13, 14 (3, 4, 5); climatology + anomaly 2 + (13 − 12) = 3, 3 + (14 − 13) = 4, 4 + (10 − 2) = 12.
        Assert.Equal(3, two.Count);
        Assert.Equal((3 + 6 + 5) / 3.0, two.PersistenceMae, 6);
        Assert.Equal((7 + 16 + 10) / 3.0, two.SeasonalNaiveMae, 6);
        Assert.Equal((7 + 16 + 3) / 3.0, two.ClimatologyAnomalyMae, 6);
        Assert.Equal((10 + 20 + 15) / 3.0, two.Mae, 6);
    }

    [Fact]
    public void Evaluate_StepBeyondTheLastRow_HasNoScoredRowsAndNaNErrors()
    {
        // 13 rows, no history, season 12: the only origin is row 11; row 12 (value 3) is one step on, nothing is two steps on.
        var layout = Layout(horizon: 2);
        var series = ForecastSeries.Of(Months(0, 13), [Training[..13]]);
        var steps = ForecastEvaluator.Evaluate(layout, series, 0, windows => [.. windows.Select(_ => new[] { 11f, 0f })]);
        Assert.Equal((1, 8.0), (steps[0].Count, steps[0].Mae));
        Assert.Equal(0, steps[1].Count);
        Assert.True(double.IsNaN(steps[1].Mae) && double.IsNaN(steps[1].PersistenceMae));
    }

    [Fact]
    public void Evaluate_ZeroTargetsAreLeftOutOfMapeAndCounted()
    {
        var layout = Layout();
        var series = ForecastSeries.Of(Months(0, 27), [[.. Training, 10f, 0f, 15f]]);
        var m = ForecastEvaluator.Evaluate(layout, series, 24, windows => [.. windows.Select(_ => new[] { 12f })])[0];
        Assert.Equal(1, m.MapeSkippedZeros);
        Assert.Equal(100 * ((2 / 10.0) + (3 / 15.0)) / 2, m.Mape!.Value, 4);
        Assert.Equal((2 + 12 + 3) / 3.0, m.Mae, 6);
    }

    [Fact]
    public void Climatology_DailyKeysAverageFifteenCalendarDaysAroundTheDay()
    {
        // One year of days with value = day of the (leap) year 2012: the smoothed mean of day d is the mean of d−7..d+7.
        var dates = Enumerable.Range(0, 366).Select(i => new DateTime(2012, 1, 1).AddDays(i)).ToArray();
        float[] values = [.. Enumerable.Range(0, 366).Select(i => (float)i)];
        float[] clim = ForecastStatistics.Climatology(values, dates, ForecastSpacing.Daily);
        Assert.Equal(100f, clim[100]);
        Assert.Equal((358 + 359 + 360 + 361 + 362 + 363 + 364 + 365 + 0 + 1 + 2 + 3 + 4 + 5 + 6) / 15f, clim[365], 4); // wraps at the year's end
    }

    [Fact]
    public void Evaluate_TooFewRowsBeforeTheTest_SaysHowManyAreNeeded()
    {
        var layout = Layout();
        var series = ForecastSeries.Of(Months(0, 5), [[1f, 2f, 3f, 4f, 5f]]);
        var e = Assert.Throws<ArgumentException>(() => ForecastEvaluator.Evaluate(layout, series, 0, w => [.. w.Select(_ => new[] { 0f })]));
        Assert.Contains("needs 12 earlier rows", e.Message);
        Assert.Contains("--history", e.Message);
    }
}
