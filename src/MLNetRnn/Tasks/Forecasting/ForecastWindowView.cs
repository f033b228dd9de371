using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRnn.DataViews;

namespace MLNetRnn.Forecasting;

// N = window, F = features per step, K = horizon.

/// <summary>
/// Windows as the ML.NET rows a forecaster model reads (the window column, N·F floats, plus <c>Origin</c>), and the
/// forecast column read back from a transformed view: the bridge between a series and the saved ML.NET model.
/// </summary>
internal static class ForecastWindowView
{
    /// <summary>The name of the column that says which row each window ends at.</summary>
    public const string OriginColumn = "Origin";

    /// <summary>One row per window, with the window column typed as a Single vector of N·F.</summary>
    public static IDataView Create(ForecastLayout layout, IReadOnlyList<float[]> windows, IReadOnlyList<string> origins)
    {
        var definition = SchemaDefinition.Create(typeof(WindowRow));
        definition[nameof(WindowRow.Window)].ColumnName = layout.WindowColumn;
        definition[nameof(WindowRow.Window)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, layout.Window * layout.FeaturesPerStep);
        definition[nameof(WindowRow.Origin)].ColumnName = OriginColumn;
        var rows = windows.Select((w, i) => new WindowRow { Window = w, Origin = origins[i] }).ToList();
        return OnnxStep.Context().Data.LoadFromEnumerable(rows, definition);
    }

    /// <summary>The windows of every row of a series that has N rows up to it, labelled by date (or 0-based row index).</summary>
    public static IDataView Of(ForecastLayout layout, ForecastSeries series)
    {
        float[] features = layout.RawFeatures(series);
        int[] origins = [.. Enumerable.Range(layout.Window - 1, series.Count - layout.Window + 1)];
        return Create(layout, [.. origins.Select(t => layout.WindowAt(features, t))],
            [.. origins.Select(t => series.Dates is { } d ? ForecastCalendar.Show(d[t]) : t.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
    }

    /// <summary>Runs <paramref name="model"/> (ours, or one ML.NET loaded from a file) on windows and reads the K forecasts of each.</summary>
    public static float[][] Forecasts(ITransformer model, ForecastLayout layout, IReadOnlyList<float[]> windows)
    {
        var view = Create(layout, windows, [.. windows.Select((_, i) => i.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        return [.. model.Transform(view).GetColumn<float[]>(layout.ForecastColumn).Select(f => f.ToArray())];
    }

    private sealed class WindowRow
    {
        public float[] Window { get; set; } = [];

        public string Origin { get; set; } = string.Empty;
    }
}
