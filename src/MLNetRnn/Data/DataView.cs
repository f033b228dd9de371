namespace MLNetRnn.Data;

/// <summary>
/// An immutable in-memory table: typed columns of equal length described by a <see cref="DataViewSchema"/>.
/// Transformers return new views that share the unchanged columns, as ML.NET's <c>IDataView</c> does lazily.
/// </summary>
public sealed class DataView
{
    private readonly Array[] _columns;

    /// <summary>Creates a view from columns.</summary>
    /// <param name="columns">Name and values of each column; every array has the same length, element type = column type.</param>
    /// <exception cref="ArgumentException">Columns differ in length, or a name repeats.</exception>
    public DataView(IEnumerable<(string Name, Array Values)> columns)
        : this(columns.Select(c => (c.Name, c.Values, (IReadOnlyList<string>?)null)))
    {
    }

    /// <summary>Creates a view from columns, some of which are id columns with key values.</summary>
    /// <param name="columns">Name, values and key values (see <see cref="DataViewSchema.Column.KeyValues"/>) of each column.</param>
    /// <exception cref="ArgumentException">Columns differ in length, or a name repeats.</exception>
    public DataView(IEnumerable<(string Name, Array Values, IReadOnlyList<string>? KeyValues)> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var list = columns.ToList();
        Schema = new DataViewSchema(list.Select(c => (c.Name, c.Values.GetType().GetElementType()!, c.KeyValues)));
        _columns = list.Select(c => c.Values).ToArray();
        RowCount = _columns.Length == 0 ? 0 : _columns[0].Length;
        foreach (var (name, values, _) in list)
        {
            if (values.Length != RowCount)
            {
                throw new ArgumentException($"Column '{name}' has {values.Length} rows but column '{list[0].Name}' has {RowCount}; all columns must have the same length.", nameof(columns));
            }
        }
    }

    /// <summary>Gets the columns' names and types.</summary>
    public DataViewSchema Schema { get; }

    /// <summary>Gets the number of rows.</summary>
    public int RowCount { get; }

    /// <summary>Gets a column's values (a shared, read-only-by-convention array).</summary>
    /// <typeparam name="T">The column type, such as <see cref="string"/> or <c>int[]</c>.</typeparam>
    /// <param name="name">The column name.</param>
    /// <returns>The values, one per row.</returns>
    /// <exception cref="ArgumentOutOfRangeException">No such column.</exception>
    /// <exception cref="ArgumentException">The column is not of type <typeparamref name="T"/>.</exception>
    public T[] GetColumn<T>(string name) => (T[])_columns[Schema.Require(name, typeof(T)).Index];

    /// <summary>Gets a column's values whatever their type.</summary>
    /// <param name="name">The column name.</param>
    /// <returns>The values array.</returns>
    /// <exception cref="ArgumentOutOfRangeException">No such column.</exception>
    public Array GetColumn(string name) => _columns[Schema[name].Index];

    /// <summary>Returns a view with one column added, or replaced when the name exists (ML.NET's hiding of columns).</summary>
    /// <typeparam name="T">The column type.</typeparam>
    /// <param name="name">The column name.</param>
    /// <param name="values">One value per row.</param>
    /// <param name="keyValues">For an id column, the string each id stands for (its vocabulary); else null.</param>
    /// <returns>The new view.</returns>
    /// <exception cref="ArgumentException">The length differs from <see cref="RowCount"/>.</exception>
    public DataView WithColumn<T>(string name, T[] values, IReadOnlyList<string>? keyValues = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (_columns.Length > 0 && values.Length != RowCount)
        {
            throw new ArgumentException($"New column '{name}' has {values.Length} rows; the view has {RowCount}.", nameof(values));
        }

        var columns = Schema.Select(c => (c.Name, _columns[c.Index], c.KeyValues)).Where(c => c.Name != name).ToList();
        columns.Add((name, values, keyValues));
        return new DataView(columns);
    }

    /// <summary>Returns a view of the given rows, in the given order.</summary>
    /// <param name="rows">Row indices in [0, <see cref="RowCount"/>); may repeat.</param>
    /// <returns>The new view.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public DataView SelectRows(IReadOnlyList<int> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        foreach (int r in rows)
        {
            if ((uint)r >= (uint)RowCount)
            {
                throw new ArgumentOutOfRangeException(nameof(rows), r, $"Row {r} is outside [0, {RowCount}).");
            }
        }

        return new DataView(Schema.Select(c =>
        {
            var source = _columns[c.Index];
            var copy = Array.CreateInstance(c.Type, rows.Count);
            for (int i = 0; i < rows.Count; i++)
            {
                copy.SetValue(source.GetValue(rows[i]), i);
            }

            return (c.Name, copy, c.KeyValues);
        }));
    }

    /// <inheritdoc/>
    public override string ToString() => $"DataView {RowCount} rows: {Schema}";
}
