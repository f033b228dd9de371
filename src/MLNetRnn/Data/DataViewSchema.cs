using System.Collections;

namespace MLNetRnn.Data;

/// <summary>The named, typed columns of a <see cref="DataView"/>, in order.</summary>
/// <remarks>
/// Column types are .NET types: scalars <see cref="string"/>, <see cref="float"/>, <see cref="double"/>,
/// <see cref="int"/>, <see cref="long"/>, <see cref="bool"/>, and variable-length vectors <c>string[]</c> (tokens),
/// <c>int[]</c> (ids), <c>float[]</c>. Messages name them as ML.NET does: <c>String</c>, <c>Single</c>,
/// <c>Vector&lt;String&gt;</c>.
/// </remarks>
public sealed class DataViewSchema : IReadOnlyList<DataViewSchema.Column>
{
    private readonly Column[] _columns;
    private readonly Dictionary<string, int> _byName;

    /// <summary>Creates a schema.</summary>
    /// <param name="columns">Name and type of each column; names must be unique.</param>
    /// <exception cref="ArgumentException">Two columns share a name.</exception>
    public DataViewSchema(IEnumerable<(string Name, Type Type)> columns)
        : this(columns.Select(c => (c.Name, c.Type, (IReadOnlyList<string>?)null)))
    {
    }

    /// <summary>Creates a schema whose id columns may carry the strings their ids stand for.</summary>
    /// <param name="columns">Name, type and key values (for <c>int[]</c> id columns: the vocabulary in id order, else null).</param>
    /// <exception cref="ArgumentException">Two columns share a name.</exception>
    public DataViewSchema(IEnumerable<(string Name, Type Type, IReadOnlyList<string>? KeyValues)> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        _columns = columns.Select((c, i) => new Column(c.Name, i, c.Type, c.KeyValues)).ToArray();
        _byName = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var c in _columns)
        {
            if (!_byName.TryAdd(c.Name, c.Index))
            {
                throw new ArgumentException($"Column '{c.Name}' appears twice; column names must be unique.", nameof(columns));
            }
        }
    }

    /// <summary>Gets the number of columns.</summary>
    public int Count => _columns.Length;

    /// <summary>Gets the column at <paramref name="index"/>.</summary>
    /// <param name="index">Zero-based position.</param>
    public Column this[int index] => _columns[index];

    /// <summary>Gets the column named <paramref name="name"/>.</summary>
    /// <param name="name">The column name (case-sensitive).</param>
    /// <exception cref="ArgumentOutOfRangeException">No such column; the message lists the columns that exist.</exception>
    public Column this[string name] => TryGetColumn(name, out var c)
        ? c
        : throw new ArgumentOutOfRangeException(nameof(name), name, $"Column '{name}' not found. Available columns: {string.Join(", ", _columns.Select(x => $"'{x.Name}'"))}.");

    /// <summary>Finds a column by name.</summary>
    /// <param name="name">The column name.</param>
    /// <param name="column">The column, when found.</param>
    /// <returns>Whether the column exists.</returns>
    public bool TryGetColumn(string name, out Column column)
    {
        if (_byName.TryGetValue(name, out int i))
        {
            column = _columns[i];
            return true;
        }

        column = default;
        return false;
    }

    /// <summary>Returns the column named <paramref name="name"/> after checking its type, as estimators do before fitting.</summary>
    /// <param name="name">The column name.</param>
    /// <param name="expected">The required type.</param>
    /// <returns>The column.</returns>
    /// <exception cref="ArgumentOutOfRangeException">No such column.</exception>
    /// <exception cref="ArgumentException">The column has another type, for example "Column 'Text' must be String, got Single".</exception>
    public Column Require(string name, Type expected)
    {
        var column = this[name];
        if (column.Type != expected)
        {
            throw new ArgumentException($"Column '{name}' must be {TypeName(expected)}, got {TypeName(column.Type)}.", nameof(name));
        }

        return column;
    }

    /// <summary>
    /// The schema a transform produces: these columns minus any named like an output (an output hides an input of the
    /// same name, as in ML.NET), followed by the outputs in order.
    /// </summary>
    internal DataViewSchema WithOutputs(params (string Name, Type Type, IReadOnlyList<string>? KeyValues)[] outputs) =>
        new(_columns.Where(c => !outputs.Any(o => o.Name == c.Name)).Select(c => (c.Name, c.Type, c.KeyValues)).Concat(outputs));

    /// <summary>Gets ML.NET's name of a column type: <c>String</c>, <c>Single</c>, <c>Vector&lt;Int32&gt;</c>.</summary>
    /// <param name="type">The column type.</param>
    /// <returns>The display name.</returns>
    public static string TypeName(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.IsArray ? $"Vector<{type.GetElementType()!.Name}>" : type.Name;
    }

    /// <inheritdoc/>
    public IEnumerator<Column> GetEnumerator() => ((IEnumerable<Column>)_columns).GetEnumerator();

    /// <inheritdoc/>
    IEnumerator IEnumerable.GetEnumerator() => _columns.GetEnumerator();

    /// <inheritdoc/>
    public override string ToString() => string.Join(", ", _columns.Select(c => $"{c.Name}: {TypeName(c.Type)}"));

    /// <summary>One column: its name, position and .NET type.</summary>
    /// <param name="Name">The column name.</param>
    /// <param name="Index">Its position in the schema.</param>
    /// <param name="Type">Its .NET type (see <see cref="DataViewSchema"/>).</param>
    /// <param name="KeyValues">For id columns (ML.NET's key type), the string each id stands for, in id order; else null.
    /// Its count is the number of distinct ids, which a trainer needs to size an embedding.</param>
    public readonly record struct Column(string Name, int Index, Type Type, IReadOnlyList<string>? KeyValues = null);
}
