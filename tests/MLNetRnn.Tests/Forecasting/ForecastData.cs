using System.Globalization;
using Microsoft.ML;

namespace MLNetRnn.Tests.Forecasting;

/// <summary>Small seeded series for the forecasting tests, as ML.NET rows (ISO date text, target, one covariate).</summary>
internal static class ForecastData
{
    public static readonly DateTime Start = new(2012, 1, 1);

    /// <summary>Rows of a daily series from <see cref="Start"/> (plus <paramref name="offset"/> days).</summary>
    public static IDataView Daily(MLContext ml, float[] values, float[] covariate, int offset = 0) =>
        ml.Data.LoadFromEnumerable(values.Select((v, i) => new Row
        {
            Date = Start.AddDays(offset + i).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Value = v,
            Covariate = covariate[i],
        }).ToList());

    /// <summary>Standard normal noise from a fixed seed.</summary>
    public static float[] Noise(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())))];
    }

    /// <summary>A series whose next value is the covariate now: <c>y[t+1] = c[t]</c>, c standard normal noise.</summary>
    public static (float[] Values, float[] Covariate) LeadingIndicator(int count, int seed)
    {
        float[] c = Noise(count, seed);
        var y = new float[count];
        for (int t = 1; t < count; t++)
        {
            y[t] = c[t - 1];
        }

        return (y, c);
    }

    public sealed class Row
    {
        public string Date { get; set; } = string.Empty;

        public float Value { get; set; }

        public float Covariate { get; set; }
    }
}
