using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRnn.DataViews;

namespace MLNetRnn.Forecasting;

// R = rows (time steps), C = numeric columns (the target first, then the covariates).

/// <summary>
/// A series read out of an <see cref="IDataView"/> in row order: the dates (when there is a date column) and the
/// numeric columns, target first. Missing values (NaN, empty text) are an error naming the row, or filled by linear
/// interpolation between the nearest known values of the same column (before the first or after the last known value:
/// that value) when asked.
/// </summary>
internal sealed class ForecastSeries
{
    private ForecastSeries(DateTime[]? dates, float[][] columns)
    {
        Dates = dates;
        Columns = columns;
    }

    /// <summary>Gets the date of each row, or null without a date column.</summary>
    public DateTime[]? Dates { get; }

    /// <summary>Gets the values [column][row]: the target, then the covariates in the order given.</summary>
    public float[][] Columns { get; }

    /// <summary>Gets R.</summary>
    public int Count => Columns[0].Length;

    /// <summary>Gets the target column's values.</summary>
    public float[] Target => Columns[0];

    /// <summary>A series from arrays (tests and concatenation).</summary>
    public static ForecastSeries Of(DateTime[]? dates, float[][] columns) => new(dates, columns);

    /// <summary>Reads the date column (String <c>yyyy-MM-dd</c>/<c>yyyy-MM</c>, or DateTime) and the numeric columns (Single, Double, or String parsed with the invariant culture).</summary>
    /// <exception cref="ArgumentException">A column is missing or mistyped, a date or number does not parse, or a value is missing and <paramref name="interpolate"/> is false; the message names the column and row.</exception>
    public static ForecastSeries Read(IDataView data, string? dateColumn, IReadOnlyList<string> valueColumns, bool interpolate)
    {
        ArgumentNullException.ThrowIfNull(data);
        DateTime[]? dates = dateColumn is null ? null : ReadDates(data, dateColumn);
        var columns = new float[valueColumns.Count][];
        for (int c = 0; c < valueColumns.Count; c++)
        {
            columns[c] = ReadNumbers(data, valueColumns[c]);
            int infinite = Array.FindIndex(columns[c], float.IsInfinity);
            if (infinite >= 0)
            {
                throw new ArgumentException($"Row {infinite + 1} of column '{valueColumns[c]}' is {columns[c][infinite]}; a series value must be finite (or missing: NaN).", nameof(data));
            }

            FillMissing(columns[c], valueColumns[c], dates, interpolate);
        }

        return new ForecastSeries(dates, columns);
    }

    /// <summary>This series followed by <paramref name="next"/> (same columns).</summary>
    public ForecastSeries Concat(ForecastSeries next) =>
        new(Dates is null || next.Dates is null ? null : [.. Dates, .. next.Dates], [.. Columns.Select((c, i) => (float[])[.. c, .. next.Columns[i]])]);

    /// <summary>Replaces NaN values: by linear interpolation when <paramref name="interpolate"/>, else by throwing.</summary>
    /// <exception cref="ArgumentException">A value is missing and <paramref name="interpolate"/> is false, or the column has no value at all.</exception>
    internal static void FillMissing(float[] values, string column, DateTime[]? dates, bool interpolate)
    {
        int first = Array.FindIndex(values, v => !float.IsNaN(v));
        int missing = Array.FindIndex(values, float.IsNaN);
        if (missing < 0)
        {
            return;
        }

        if (!interpolate)
        {
            string when = dates is null ? string.Empty : $" (date {ForecastCalendar.Show(dates[missing])})";
            throw new ArgumentException($"Row {missing + 1}{when} of column '{column}' has no value (empty or NaN). Fill it in, or turn on linear interpolation of missing values (InterpolateMissing = true; CLI: --interpolate).");
        }

        if (first < 0)
        {
            throw new ArgumentException($"Column '{column}' has no value in any of its {values.Length} rows; nothing to interpolate from.");
        }

        int previous = -1;
        for (int i = 0; i < values.Length; i++)
        {
            if (float.IsNaN(values[i]))
            {
                continue;
            }

            if (previous < 0)
            {
                Array.Fill(values, values[i], 0, i); // before the first known value: that value
            }
            else
            {
                for (int j = previous + 1; j < i; j++)
                {
                    values[j] = values[previous] + ((values[i] - values[previous]) * (j - previous) / (i - previous));
                }
            }

            previous = i;
        }

        Array.Fill(values, values[previous], previous + 1, values.Length - previous - 1); // after the last: that value
    }

    private static DateTime[] ReadDates(IDataView data, string column)
    {
        var col = DataViews.Columns.Find(data.Schema, column, "date");
        if (col.Type is DateTimeDataViewType)
        {
            return [.. data.GetColumn<DateTime>(col)];
        }

        if (col.Type is not TextDataViewType)
        {
            throw new ArgumentException($"Date column '{column}' must be String (yyyy-MM-dd or yyyy-MM) or DateTime, got {col.Type}.", nameof(data));
        }

        return [.. ColumnReader.Text(data, column).Select((t, i) => ForecastCalendar.Parse(t, i, column))];
    }

    private static float[] ReadNumbers(IDataView data, string column)
    {
        var col = DataViews.Columns.Find(data.Schema, column, "series value");
        if (col.Type == NumberDataViewType.Single)
        {
            return [.. data.GetColumn<float>(col)];
        }

        if (col.Type == NumberDataViewType.Double)
        {
            return [.. data.GetColumn<double>(col).Select(v => (float)v)];
        }

        if (col.Type is not TextDataViewType)
        {
            throw new ArgumentException($"Column '{column}' must be Single, Double or String (numbers), got {col.Type}.", nameof(data));
        }

        string[] text = ColumnReader.Text(data, column);
        var values = new float[text.Length];
        for (int i = 0; i < text.Length; i++)
        {
            string t = text[i].Trim();
            if (t.Length == 0 || t.Equals("NaN", StringComparison.OrdinalIgnoreCase) || t.Equals("NA", StringComparison.OrdinalIgnoreCase))
            {
                values[i] = float.NaN;
            }
            else if (!float.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !float.IsFinite(values[i]))
            {
                throw new ArgumentException($"Row {i + 1} of column '{column}' has '{text[i]}', which is not a finite number; write numbers with a '.' decimal point, or leave the cell empty for a missing value.", nameof(data));
            }
        }

        return values;
    }
}
