namespace MLNetRnn.Data;

/// <summary>
/// Converts between objects and <see cref="DataView"/> rows by reflection over public properties and fields
/// (see <see cref="RowMember"/>), for <see cref="DataCatalog.LoadFromEnumerable{TRow}(IEnumerable{TRow})"/> and
/// <see cref="DataCatalog.CreateEnumerable{TRow}(DataView, bool)"/>.
/// </summary>
internal static class RowConverter
{
    private static readonly Type[] ColumnTypes = [.. ColumnBuffer.TextTypes, typeof(string[]), typeof(int[]), typeof(float[])];

    private static string ColumnTypeNames => string.Join(", ", ColumnTypes.Select(RowMember.FriendlyName));

    /// <summary>Copies each readable member of every row into a column; arrays are copied too.</summary>
    /// <exception cref="InvalidOperationException">The row type has no usable member, an unsupported member type, or a repeated column name.</exception>
    /// <exception cref="ArgumentException">A row, or a string or array value, is null.</exception>
    public static DataView ToDataView<TRow>(IEnumerable<TRow> rows)
    {
        var type = typeof(TRow);
        var members = RowMember.For(type).Where(m => m.CanRead).ToList();
        if (members.Count == 0)
        {
            throw new InvalidOperationException(
                $"Type {type.Name} has no public readable property or field to turn into a column. Add members such as 'public string Text {{ get; set; }}'.");
        }

        foreach (var m in members)
        {
            m.RejectNullable(type);
            if (!ColumnTypes.Contains(m.Type))
            {
                throw new InvalidOperationException(
                    $"The {m.Describe(type)} is {RowMember.FriendlyName(m.Type)}, which cannot be a column; supported types: {ColumnTypeNames}. "
                    + "Change its type, or mark it [NoColumn] to skip it.");
            }
        }

        RowMember.CheckUniqueColumns(type, members);
        var list = rows.ToList();
        var columns = members.Select(m => (m.ColumnName, Array.CreateInstance(m.Type, list.Count))).ToList();
        for (int r = 0; r < list.Count; r++)
        {
            object row = list[r] ?? throw new ArgumentException($"Row {r} (0-based) is null; every row must be an object.", nameof(rows));
            for (int k = 0; k < members.Count; k++)
            {
                object? value = members[k].GetValue(row);
                if (value is null)
                {
                    throw new ArgumentException(
                        $"Row {r} (0-based), column '{members[k].ColumnName}' is null. Use an empty string or empty array for a missing value, "
                        + $"or mark the {members[k].Kind} [NoColumn].",
                        nameof(rows));
                }

                columns[k].Item2.SetValue(value is Array a ? a.Clone() : value, r);
            }
        }

        return new DataView(columns);
    }

    /// <summary>Checks <typeparamref name="TRow"/> against the schema now, then returns the lazy sequence of rows.</summary>
    /// <exception cref="InvalidOperationException">The row type has no settable member, or a nullable member type.</exception>
    /// <exception cref="ArgumentException">A member's column is missing or has another type.</exception>
    public static IEnumerable<TRow> FromDataView<TRow>(DataView data, bool reuseRowObject)
        where TRow : class, new()
    {
        var type = typeof(TRow);
        var members = RowMember.For(type).Where(m => m.CanWrite).ToList();
        if (members.Count == 0)
        {
            throw new InvalidOperationException($"Type {type.Name} has no public settable property or field to fill from columns {data.Schema}.");
        }

        var bindings = new List<(RowMember Member, Array Values)>(members.Count);
        foreach (var m in members)
        {
            m.RejectNullable(type);
            if (!data.Schema.TryGetColumn(m.ColumnName, out var column))
            {
                throw new ArgumentException(
                    $"Column '{m.ColumnName}' for the {m.Describe(type)} not found. Available columns: "
                    + $"{string.Join(", ", data.Schema.Select(c => $"'{c.Name}'"))}. Rename the {m.Kind} (or set [ColumnName]), or mark it [NoColumn].",
                    nameof(data));
            }

            if (column.Type != m.Type)
            {
                throw new ArgumentException(
                    $"Column '{column.Name}' is {DataViewSchema.TypeName(column.Type)}, {m.Kind} '{m.Name}' is {RowMember.FriendlyName(m.Type)}. "
                    + $"Declare the {m.Kind} as {RowMember.FriendlyName(column.Type)}.",
                    nameof(data));
            }

            bindings.Add((m, data.GetColumn(column.Name)));
        }

        return Enumerate<TRow>(data.RowCount, bindings, reuseRowObject);
    }

    private static IEnumerable<TRow> Enumerate<TRow>(int rowCount, List<(RowMember Member, Array Values)> bindings, bool reuseRowObject)
        where TRow : class, new()
    {
        TRow? shared = reuseRowObject ? new TRow() : null;
        for (int r = 0; r < rowCount; r++)
        {
            var row = shared ?? new TRow();
            foreach (var (member, values) in bindings)
            {
                object? value = values.GetValue(r);
                member.SetValue(row, value is Array a ? a.Clone() : value);
            }

            yield return row;
        }
    }
}
