using System.Globalization;

namespace MLNetRnn.Forecasting;

/// <summary>
/// Dates of a series: parsing ISO text, finding the spacing, the calendar features each step carries, and the seasonal
/// key the climatology baseline is averaged by.
/// </summary>
/// <remarks>
/// Calendar features (sine–cosine pairs, so December and January are neighbours):
/// daily: <c>sin(2π·d/366), cos(2π·d/366)</c> with d the day of a leap year (0 = 1 January, 59 = 29 February, 365 = 31
/// December), then <c>sin(2π·w/7), cos(2π·w/7)</c> with w the day of the week (0 = Monday); monthly:
/// <c>sin(2π·m/12), cos(2π·m/12)</c> with m = month − 1. Seasonal keys: daily d (366 keys), monthly m (12 keys).
/// </remarks>
internal static class ForecastCalendar
{
    private static readonly string[] DayFormats = ["yyyy-MM-dd"];
    private static readonly string[] MonthFormats = ["yyyy-MM"];

    /// <summary>Parses <c>yyyy-MM-dd</c> or <c>yyyy-MM</c> (the first day of the month).</summary>
    /// <exception cref="ArgumentException">The text is neither; the message names the row and the text.</exception>
    public static DateTime Parse(string text, int row, string column)
    {
        string t = text.Trim();
        if (DateTime.TryParseExact(t, DayFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return day;
        }

        if (DateTime.TryParseExact(t, MonthFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var month))
        {
            return month;
        }

        throw new ArgumentException($"Row {row + 1} of date column '{column}' has '{text}', which is not an ISO date; write dates as yyyy-MM-dd (daily) or yyyy-MM (monthly).");
    }

    /// <summary>The spacing of consecutive dates: every step one day, or every step one month on the same day.</summary>
    /// <exception cref="ArgumentException">Fewer than two dates, or a step that breaks the spacing; the message names the row and both dates.</exception>
    public static ForecastSpacing Spacing(IReadOnlyList<DateTime> dates, string column)
    {
        if (dates.Count < 2)
        {
            throw new ArgumentException($"Date column '{column}' has {dates.Count} row(s); a series needs at least two to show its spacing.");
        }

        var spacing = dates[1] == dates[0].AddDays(1) ? ForecastSpacing.Daily
            : dates[1] == dates[0].AddMonths(1) ? ForecastSpacing.Monthly
            : throw Gap(dates, 1, column, "one day or one month");
        RequireSpacing(dates, 0, spacing, column);
        return spacing;
    }

    /// <summary>Requires every step from <paramref name="from"/> on to follow the spacing.</summary>
    /// <exception cref="ArgumentException">A step breaks it; the message names the row and both dates.</exception>
    public static void RequireSpacing(IReadOnlyList<DateTime> dates, int from, ForecastSpacing spacing, string column)
    {
        for (int i = Math.Max(from, 1); i < dates.Count; i++)
        {
            if (Next(dates[i - 1], spacing) != dates[i])
            {
                throw Gap(dates, i, column, spacing == ForecastSpacing.Daily ? "one day" : "one month");
            }
        }
    }

    /// <summary>The date one step after <paramref name="date"/>.</summary>
    public static DateTime Next(DateTime date, ForecastSpacing spacing) => spacing == ForecastSpacing.Monthly ? date.AddMonths(1) : date.AddDays(1);

    /// <summary>The seasonal-naive period when none is given: 7 for daily rows (a week), 12 for monthly rows (a year).</summary>
    public static int DefaultSeason(ForecastSpacing spacing) => spacing switch
    {
        ForecastSpacing.Daily => 7,
        ForecastSpacing.Monthly => 12,
        _ => 0,
    };

    /// <summary>How many calendar features each step carries: 4 daily, 2 monthly, 0 without dates.</summary>
    public static int FeatureCount(ForecastSpacing spacing) => spacing switch
    {
        ForecastSpacing.Daily => 4,
        ForecastSpacing.Monthly => 2,
        _ => 0,
    };

    /// <summary>The names of the calendar features, in the order <see cref="Features"/> writes them.</summary>
    public static string[] FeatureNames(ForecastSpacing spacing) => spacing switch
    {
        ForecastSpacing.Daily => ["dayOfYear.sin", "dayOfYear.cos", "dayOfWeek.sin", "dayOfWeek.cos"],
        ForecastSpacing.Monthly => ["month.sin", "month.cos"],
        _ => [],
    };

    /// <summary>Writes the calendar features of <paramref name="date"/> (see the class remarks).</summary>
    public static void Features(DateTime date, ForecastSpacing spacing, Span<float> destination)
    {
        switch (spacing)
        {
            case ForecastSpacing.Daily:
                double d = 2 * Math.PI * SeasonKey(date, spacing) / 366.0;
                double w = 2 * Math.PI * (((int)date.DayOfWeek + 6) % 7) / 7.0;
                (destination[0], destination[1], destination[2], destination[3]) = ((float)Math.Sin(d), (float)Math.Cos(d), (float)Math.Sin(w), (float)Math.Cos(w));
                break;
            case ForecastSpacing.Monthly:
                double m = 2 * Math.PI * (date.Month - 1) / 12.0;
                (destination[0], destination[1]) = ((float)Math.Sin(m), (float)Math.Cos(m));
                break;
        }
    }

    /// <summary>How many seasonal keys the climatology has: 366 daily, 12 monthly, 1 without dates (the overall mean).</summary>
    public static int SeasonKeys(ForecastSpacing spacing) => spacing switch
    {
        ForecastSpacing.Daily => 366,
        ForecastSpacing.Monthly => 12,
        _ => 1,
    };

    /// <summary>The climatology key of a date: the day of a leap year (daily), month − 1 (monthly), 0 without dates.</summary>
    public static int SeasonKey(DateTime date, ForecastSpacing spacing) => spacing switch
    {
        ForecastSpacing.Daily => new DateTime(2000, date.Month, date.Day).DayOfYear - 1,
        ForecastSpacing.Monthly => date.Month - 1,
        _ => 0,
    };

    private static ArgumentException Gap(IReadOnlyList<DateTime> dates, int i, string column, string step) =>
        new($"Row {i + 1} of date column '{column}' is {Show(dates[i])} but row {i} is {Show(dates[i - 1])}; consecutive rows must be {step} apart, in time order. Add the missing rows (with empty values and interpolation if they are unknown) or sort the file.");

    /// <summary>A date as ISO text.</summary>
    public static string Show(DateTime date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
