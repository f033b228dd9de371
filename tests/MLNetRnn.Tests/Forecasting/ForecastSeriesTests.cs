using Microsoft.ML;
using MLNetRnn.Forecasting;

namespace MLNetRnn.Tests.Forecasting;

/// <summary>Reading a series: missing values, interpolation, dates and their spacing, calendar features.</summary>
public sealed class ForecastSeriesTests
{
    private static SequenceForecastingOptions Options(bool interpolate) => new()
    {
        ValueColumnName = "Value", FeatureColumnNames = ["Covariate"], DateColumnName = "Date", WindowSize = 3, HiddenSize = 4, Epochs = 1,
        InterpolateMissing = interpolate,
    };

    [Fact]
    public void Fit_MissingValue_ThrowsNamingTheRowDateAndColumnAndTheOption()
    {
        var ml = new MLContext(seed: 1);
        float[] values = [.. Enumerable.Range(0, 60).Select(i => (float)i)];
        values[41] = float.NaN;
        var e = Assert.Throws<ArgumentException>(() => ml.Forecasting.Trainers.Lstm(Options(false)).Fit(ForecastData.Daily(ml, values, new float[60])));
        Assert.Contains("Row 42 (date 2012-02-11) of column 'Value'", e.Message);
        Assert.Contains("--interpolate", e.Message);
    }

    [Fact]
    public void FillMissing_InterpolatesLinearlyAndHoldsTheEnds()
    {
        float[] values = [float.NaN, 1f, float.NaN, float.NaN, 4f, 10f, float.NaN];
        ForecastSeries.FillMissing(values, "v", null, interpolate: true);
        Assert.Equal([1f, 1f, 2f, 3f, 4f, 10f, 10f], values);
    }

    [Fact]
    public void Fit_WithInterpolation_TrainsOnTheFilledSeries()
    {
        var ml = new MLContext(seed: 1);
        float[] values = [.. Enumerable.Range(0, 60).Select(i => (float)i)];
        values[41] = float.NaN;
        var model = ml.Forecasting.Trainers.Lstm(Options(true)).Fit(ForecastData.Daily(ml, values, new float[60]));
        Assert.Equal(29.5f, model.FeatureMeans[0], 4); // 0..59 with row 41 filled as 41: the mean of 0..59
    }

    [Fact]
    public void ReadNumbers_TextThatIsNotANumber_ThrowsNamingRowAndValue()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new TextRow { Value = "1.5" }, new TextRow { Value = "" }, new TextRow { Value = "12,5" } });
        var e = Assert.Throws<ArgumentException>(() => ForecastSeries.Read(data, null, ["Value"], interpolate: true));
        Assert.Contains("Row 3 of column 'Value' has '12,5'", e.Message);
    }

    [Fact]
    public void Spacing_GapInDailyDates_ThrowsNamingBothRows()
    {
        DateTime[] dates = [new(2013, 3, 1), new(2013, 3, 2), new(2013, 3, 4)];
        var e = Assert.Throws<ArgumentException>(() => ForecastCalendar.Spacing(dates, "date"));
        Assert.Contains("Row 3 of date column 'date' is 2013-03-04 but row 2 is 2013-03-02", e.Message);
    }

    [Fact]
    public void Spacing_MonthlyIsoDates_AreMonthlyWithSeasonTwelve()
    {
        DateTime[] dates = [.. new[] { "2019-11", "2019-12", "2020-01", "2020-02" }.Select((t, i) => ForecastCalendar.Parse(t, i, "month"))];
        Assert.Equal(ForecastSpacing.Monthly, ForecastCalendar.Spacing(dates, "month"));
        Assert.Equal(12, ForecastCalendar.DefaultSeason(ForecastSpacing.Monthly));
        Assert.Equal(7, ForecastCalendar.DefaultSeason(ForecastSpacing.Daily));
        var e = Assert.Throws<ArgumentException>(() => ForecastCalendar.Parse("01/02/2020", 4, "month"));
        Assert.Contains("Row 5 of date column 'month' has '01/02/2020'", e.Message);
    }

    [Fact]
    public void Features_AreSineCosineOfDayOfYearAndWeekday_AndOfMonth()
    {
        var f = new float[4];
        ForecastCalendar.Features(new DateTime(2015, 4, 1), ForecastSpacing.Daily, f); // day 91 of a leap year, a Wednesday (2)
        Assert.Equal(Math.Sin(2 * Math.PI * 91 / 366), f[0], 5);
        Assert.Equal(Math.Cos(2 * Math.PI * 91 / 366), f[1], 5);
        Assert.Equal(Math.Sin(2 * Math.PI * 2 / 7), f[2], 5);
        Assert.Equal(Math.Cos(2 * Math.PI * 2 / 7), f[3], 5);
        ForecastCalendar.Features(new DateTime(2015, 10, 1), ForecastSpacing.Monthly, f);
        Assert.Equal(Math.Sin(2 * Math.PI * 9 / 12), f[0], 5);
        Assert.Equal(Math.Cos(2 * Math.PI * 9 / 12), f[1], 5);
    }

    [Fact]
    public void Options_WithoutDatesOrSeason_ThrowsSayingWhatToSet()
    {
        var e = Assert.Throws<ArgumentException>(() => new MLContext(seed: 1).Forecasting.Trainers.Lstm(new SequenceForecastingOptions()));
        Assert.Contains("--season", e.Message);
    }

    private sealed class TextRow
    {
        public string Value { get; set; } = string.Empty;
    }
}
