namespace MLNetRnn.Data;

/// <summary>
/// Turns a row type's members into the <see cref="TextColumn"/>s that
/// <see cref="DataCatalog.LoadFromTextFile{TInput}(string, char, bool, bool, bool)"/> reads:
/// <see cref="LoadColumnAttribute"/> gives the field, otherwise the header name that matches the column name.
/// </summary>
internal static class TextSchemaBinder
{
    /// <summary>Returns the settable members of <paramref name="type"/> after checking that a text file can fill them.</summary>
    /// <exception cref="InvalidOperationException">
    /// No member to load, a nullable or unsupported member type, a member without a field when there is no header,
    /// or two members with the same column name.
    /// </exception>
    public static IReadOnlyList<RowMember> Members(Type type, bool hasHeader)
    {
        var members = RowMember.For(type).Where(m => m.CanWrite).ToList();
        if (members.Count == 0)
        {
            throw new InvalidOperationException(
                $"Type {type.Name} has no public settable property or field to load. "
                + "Add members such as 'public string Text { get; set; }', with [LoadColumn(index)] when the file has no header.");
        }

        foreach (var m in members)
        {
            m.RejectNullable(type);
            if (!ColumnBuffer.TextTypes.Contains(m.Type))
            {
                throw new InvalidOperationException(
                    $"The {m.Describe(type)} is {RowMember.FriendlyName(m.Type)}, which cannot be loaded from a text file; "
                    + $"supported types: {ColumnBuffer.TextTypeNames}. Change its type, or mark it [NoColumn] to skip it.");
            }

            if (!hasHeader && m.LoadIndex is null)
            {
                throw new InvalidOperationException(
                    $"The {m.Describe(type)} has no [LoadColumn] and the file is read without a header (hasHeader: false), "
                    + "so its field is unknown. Add [LoadColumn(index)] with the field's zero-based position, or mark it [NoColumn].");
            }
        }

        RowMember.CheckUniqueColumns(type, members);
        return members;
    }

    /// <summary>Maps each member to its field.</summary>
    /// <exception cref="InvalidDataException">A member without <see cref="LoadColumnAttribute"/> matches no header name.</exception>
    public static IReadOnlyList<TextColumn> Bind(Type type, IReadOnlyList<RowMember> members, IReadOnlyList<string>? header, string path) =>
        members.Select(m => new TextColumn(m.ColumnName, m.Type, m.LoadIndex ?? FindInHeader(type, m, header!, path))).ToList();

    private static int FindInHeader(Type type, RowMember member, IReadOnlyList<string> header, string path)
    {
        int exact = IndexOf(header, member.ColumnName, StringComparison.Ordinal);
        int index = exact >= 0 ? exact : IndexOf(header, member.ColumnName, StringComparison.OrdinalIgnoreCase);
        if (index < 0)
        {
            throw new InvalidDataException(
                $"Data file '{path}': header has columns {string.Join(", ", header)}; no column named '{member.ColumnName}' "
                + $"(for the {member.Describe(type)}). Use [LoadColumn] or rename the {member.Kind} (or set [ColumnName]) to match the header.");
        }

        return index;
    }

    private static int IndexOf(IReadOnlyList<string> header, string name, StringComparison comparison)
    {
        for (int i = 0; i < header.Count; i++)
        {
            if (string.Equals(header[i], name, comparison))
            {
                return i;
            }
        }

        return -1;
    }
}
