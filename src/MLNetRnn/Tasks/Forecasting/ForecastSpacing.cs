namespace MLNetRnn.Forecasting;

/// <summary>How far apart consecutive rows of a series are, read from its dates.</summary>
public enum ForecastSpacing
{
    /// <summary>No date column: rows are equally spaced steps with no calendar.</summary>
    None,

    /// <summary>One row per day (dates <c>yyyy-MM-dd</c>, consecutive).</summary>
    Daily,

    /// <summary>One row per month (dates <c>yyyy-MM</c> or <c>yyyy-MM-dd</c> on the same day of consecutive months).</summary>
    Monthly,
}
