namespace MLNetRnn.Data;

/// <summary>
/// Names the <see cref="DataView"/> column that a property or field maps to, as ML.NET's <c>ColumnName</c> does.
/// Without it the column is named after the member.
/// </summary>
/// <remarks>
/// Used by every mapping in <see cref="DataCatalog"/>: the loaded column's name, the header name a text file is
/// matched against (case-insensitively) when there is no <see cref="LoadColumnAttribute"/>, and the column that
/// <see cref="DataCatalog.CreateEnumerable{TRow}(DataView, bool)"/> reads.
/// </remarks>
/// <example><code>
/// public sealed class Prediction
/// {
///     [ColumnName("PredictedLabel")] public string Label { get; set; } = "";
/// }
/// </code></example>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field, AllowMultiple = false, Inherited = true)]
public sealed class ColumnNameAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="name">The column name; case-sensitive in a <see cref="DataView"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or only white space.</exception>
    public ColumnNameAttribute(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <summary>Gets the column name.</summary>
    public string Name { get; }
}
