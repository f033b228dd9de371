namespace MLNetRnn.Data;

/// <summary>
/// Marks which field of a delimited text file feeds a property or field, as ML.NET's <c>LoadColumn</c> does, for
/// <see cref="DataCatalog.LoadFromTextFile{TInput}(string, char, bool, bool, bool)"/>.
/// </summary>
/// <remarks>
/// Without this attribute the loader matches the file's header name to the member's column name
/// (<see cref="ColumnNameAttribute"/> or the member name), so the attribute is required only for files without a
/// header or whose header names differ. Two members may read the same field.
/// </remarks>
/// <example><code>
/// public sealed class Review
/// {
///     [LoadColumn(0)] public string Text { get; set; } = "";
///     [LoadColumn(1)] public string Label { get; set; } = "";
/// }
/// </code></example>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field, AllowMultiple = false, Inherited = true)]
public sealed class LoadColumnAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="index">The zero-based position of the field on each line: 0 is the first field.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is negative.</exception>
    public LoadColumnAttribute(int index)
    {
        if (index < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"LoadColumn index must be zero or positive (0 is the first field of a line), got {index}.");
        }

        Index = index;
    }

    /// <summary>Gets the zero-based position of the field on each line.</summary>
    public int Index { get; }
}
