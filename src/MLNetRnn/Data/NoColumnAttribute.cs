namespace MLNetRnn.Data;

/// <summary>
/// Excludes a property or field from every mapping in <see cref="DataCatalog"/>: it is neither loaded from a file,
/// turned into a column by <see cref="DataCatalog.LoadFromEnumerable{TRow}(IEnumerable{TRow})"/>, nor filled by
/// <see cref="DataCatalog.CreateEnumerable{TRow}(DataView, bool)"/>. Use it for helper members or for member
/// types that cannot be columns.
/// </summary>
/// <example><code>
/// public sealed class Review
/// {
///     public string Text { get; set; } = "";
///     [NoColumn] public string? Notes { get; set; }
/// }
/// </code></example>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field, AllowMultiple = false, Inherited = true)]
public sealed class NoColumnAttribute : Attribute
{
}
