using MLNetRnn.Numerics;

namespace MLNetRnn.Data;

/// <summary>
/// Loads, converts and splits data, as ML.NET's <c>mlContext.Data</c>: text files and object sequences in, a
/// <see cref="DataView"/> out, objects back out of a view, and seeded train/test splits.
/// </summary>
/// <remarks>
/// <para>
/// <b>Row types.</b> A row type's columns are its public instance properties (not indexers) and fields, minus those
/// marked <see cref="NoColumnAttribute"/>: properties in declaration order (base class first), then fields. A column
/// is named by <see cref="ColumnNameAttribute"/> or else the member name. Loading needs a public setter (or a
/// non-read-only field); <see cref="LoadFromEnumerable{TRow}(IEnumerable{TRow})"/> needs a public getter.
/// Nullable value types such as <c>float?</c> are rejected with a message; mark them <see cref="NoColumnAttribute"/>.
/// </para>
/// <para>Obtain the catalog from the context (its <c>Data</c> property); the context's seed drives <see cref="TrainTestSplit"/>.</para>
/// </remarks>
public sealed class DataCatalog
{
    private readonly SeededRandom _random;

    /// <summary>Creates the catalog; the context does this.</summary>
    /// <param name="random">The context's generator, used by <see cref="TrainTestSplit"/> when no seed is given.</param>
    /// <exception cref="ArgumentNullException"><paramref name="random"/> is null.</exception>
    internal DataCatalog(SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        _random = random;
    }

    /// <summary>Loads a delimited text file (TSV by default, CSV with <c>separatorChar: ','</c>) into columns described by <typeparamref name="TInput"/>.</summary>
    /// <typeparam name="TInput">
    /// The row type. Each public settable property or field of type <see cref="string"/>, <see cref="float"/>,
    /// <see cref="double"/>, <see cref="int"/>, <see cref="long"/> or <see cref="bool"/> becomes a column (see the
    /// class remarks). Its field is <see cref="LoadColumnAttribute.Index"/> when present; otherwise, with a header, the
    /// header name equal to the column name (an exact match first, then the first case-insensitive match).
    /// The type is only a schema: no instance is created, so records without a parameterless constructor work.
    /// </typeparam>
    /// <param name="path">The file: UTF-8 with or without a byte-order mark, <c>\n</c> or <c>\r\n</c> line ends.</param>
    /// <param name="separatorChar">The field separator; default tab.</param>
    /// <param name="hasHeader">Whether the first non-blank line holds column names (it is never loaded as data); default true.</param>
    /// <param name="allowQuoting">
    /// Whether RFC 4180 double-quoted fields are recognised: a field that starts with <c>"</c> runs to the next lone
    /// <c>"</c>, may contain the separator, and writes a quote as <c>""</c>. Quoted line breaks are <b>not</b>
    /// supported: a quoted field must close on its line. Default false: quotes are ordinary text (right for TSV files
    /// whose text contains stray quotes, such as <c>datasets/sentiment</c>).
    /// </param>
    /// <param name="trimWhitespace">Whether to trim white space around every field and skip lines of only white space; default false (strings kept verbatim).</param>
    /// <returns>The loaded view, one row per non-empty data line, in file order; zero rows when the file holds only a header.</returns>
    /// <remarks>
    /// Numbers parse with <see cref="System.Globalization.CultureInfo.InvariantCulture"/> (<c>1.5</c>, <c>2e-3</c>,
    /// <c>NaN</c>); an empty numeric field is an error, not a missing value. Booleans accept <c>true</c>,
    /// <c>false</c>, <c>1</c>, <c>0</c> in any case. Empty lines are skipped; fields beyond the ones needed are ignored.
    /// Messages name the file, the 1-based line number, the column and the bad value.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is blank, or <paramref name="separatorChar"/> is a line break, or <c>"</c> with quoting.</exception>
    /// <exception cref="InvalidOperationException">
    /// <typeparamref name="TInput"/> has no loadable member, a member of a nullable or unsupported type, two members with one
    /// column name, or (without a header) a member without <see cref="LoadColumnAttribute"/>.
    /// </exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// The file is empty or not UTF-8; the header lacks a needed column; a line has too few fields, a value that does not
    /// parse, or a bad quoted field.
    /// </exception>
    public DataView LoadFromTextFile<TInput>(
        string path, char separatorChar = '\t', bool hasHeader = true, bool allowQuoting = false, bool trimWhitespace = false)
    {
        DelimitedTextReader.CheckSeparator(separatorChar, allowQuoting, nameof(separatorChar));
        var members = TextSchemaBinder.Members(typeof(TInput), hasHeader);
        DelimitedTextReader.CheckFile(path);
        return DelimitedTextReader.Read(
            path, separatorChar, hasHeader, allowQuoting, trimWhitespace, header => TextSchemaBinder.Bind(typeof(TInput), members, header, path));
    }

    /// <summary>Loads a delimited text file into the given columns, without a row type (as the command line does).</summary>
    /// <param name="path">The file: UTF-8 with or without a byte-order mark, <c>\n</c> or <c>\r\n</c> line ends.</param>
    /// <param name="columns">The columns to load, in view order; names unique, types as <see cref="TextColumn.Type"/> lists, field indices zero or more. Use <see cref="ReadHeader"/> to find indices by name.</param>
    /// <param name="separatorChar">The field separator; default tab.</param>
    /// <param name="hasHeader">Whether the first non-blank line is a header to skip; default true.</param>
    /// <param name="allowQuoting">Whether RFC 4180 double-quoted fields are recognised, without quoted line breaks (see <see cref="LoadFromTextFile{TInput}"/>); default false.</param>
    /// <param name="trimWhitespace">Whether to trim white space around every field and skip lines of only white space; default false.</param>
    /// <returns>The loaded view, one row per non-empty data line, in file order.</returns>
    /// <remarks>Parsing and messages are those of <see cref="LoadFromTextFile{TInput}"/>.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> or <paramref name="columns"/> (or one of them) is null.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="path"/> is blank; <paramref name="columns"/> is empty, repeats a name, has a blank name, a negative index or an
    /// unsupported type; or <paramref name="separatorChar"/> is a line break, or <c>"</c> with quoting.
    /// </exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is empty or not UTF-8, or a line has too few fields, a bad value or a bad quoted field.</exception>
    public DataView LoadFromTextFile(
        string path, IReadOnlyList<TextColumn> columns, char separatorChar = '\t', bool hasHeader = true, bool allowQuoting = false, bool trimWhitespace = false)
    {
        CheckColumns(columns);
        DelimitedTextReader.CheckSeparator(separatorChar, allowQuoting, nameof(separatorChar));
        DelimitedTextReader.CheckFile(path);
        var copy = columns.ToArray();
        return DelimitedTextReader.Read(path, separatorChar, hasHeader, allowQuoting, trimWhitespace, _ => copy);
    }

    /// <summary>Reads the column names in the header (first non-blank line) of a delimited text file, each trimmed.</summary>
    /// <param name="path">The file.</param>
    /// <param name="separatorChar">The field separator.</param>
    /// <param name="allowQuoting">Whether header names may be double-quoted; default false.</param>
    /// <returns>The names in file order; their positions are the field indices for <see cref="TextColumn"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is blank, or <paramref name="separatorChar"/> is a line break, or <c>"</c> with quoting.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is empty or not UTF-8, or the header has a bad quoted field.</exception>
    public static IReadOnlyList<string> ReadHeader(string path, char separatorChar, bool allowQuoting = false)
    {
        DelimitedTextReader.CheckSeparator(separatorChar, allowQuoting, nameof(separatorChar));
        DelimitedTextReader.CheckFile(path);
        return DelimitedTextReader.ReadHeader(path, separatorChar, allowQuoting);
    }

    /// <summary>Builds a view from objects, one row per object, as ML.NET's <c>LoadFromEnumerable</c>.</summary>
    /// <typeparam name="TRow">
    /// The row type. Each public readable property or field becomes a column (see the class remarks); allowed types:
    /// <see cref="string"/>, <see cref="float"/>, <see cref="double"/>, <see cref="int"/>, <see cref="long"/>,
    /// <see cref="bool"/>, <c>string[]</c>, <c>int[]</c>, <c>float[]</c>.
    /// </typeparam>
    /// <param name="rows">The rows, enumerated once, now. Arrays are copied, so later changes to the objects do not reach the view.</param>
    /// <returns>The view, rows in enumeration order.</returns>
    /// <remarks>Null strings and arrays are rejected rather than stored: use <c>""</c> or an empty array for a missing value.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="rows"/> is null.</exception>
    /// <exception cref="ArgumentException">A row is null, or a string or array value is null ("Row 4 (0-based), column 'Text' is null").</exception>
    /// <exception cref="InvalidOperationException"><typeparamref name="TRow"/> has no readable member, a member of a nullable or unsupported type, or two members with one column name.</exception>
    public DataView LoadFromEnumerable<TRow>(IEnumerable<TRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return RowConverter.ToDataView(rows);
    }

    /// <summary>Turns a view's rows back into objects, as ML.NET's <c>CreateEnumerable</c>.</summary>
    /// <typeparam name="TRow">
    /// The row type. Each public settable property or field not marked <see cref="NoColumnAttribute"/> is filled from the
    /// column of its column name, which must exist with exactly the member's type; other columns are ignored.
    /// </typeparam>
    /// <param name="data">The view.</param>
    /// <param name="reuseRowObject">Whether to fill and yield one object again and again (fewer allocations; copy what you keep) instead of a new object per row; default false.</param>
    /// <returns>The rows in view order, produced lazily. Array values are copies, so changing them does not change the view.</returns>
    /// <remarks>The schema is checked when this method is called, not when enumeration starts.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// A member's column is missing (the message lists the available columns) or has another type
    /// ("Column 'Score' is Vector&lt;Single&gt;, property 'Score' is Single").
    /// </exception>
    /// <exception cref="InvalidOperationException"><typeparamref name="TRow"/> has no settable member, or a member of a nullable value type.</exception>
    public IEnumerable<TRow> CreateEnumerable<TRow>(DataView data, bool reuseRowObject = false)
        where TRow : class, new()
    {
        ArgumentNullException.ThrowIfNull(data);
        return RowConverter.FromDataView<TRow>(data, reuseRowObject);
    }

    /// <summary>Splits rows at random into a train set and a test set, optionally keeping each class's proportion.</summary>
    /// <param name="data">The rows to split; at least one.</param>
    /// <param name="testFraction">The fraction of rows for the test set, strictly between 0 and 1; default 0.1.</param>
    /// <param name="stratificationColumnName">
    /// Optional String, Int32 or Boolean column (usually the label). When given, each distinct value's rows are split
    /// separately with the same fraction, so both sets keep the class proportions. Default null: one group.
    /// </param>
    /// <param name="seed">Seed for this split; default null uses a generator forked from the context's, so a context seed makes every split reproducible.</param>
    /// <returns>The two sets; every row lands in exactly one, and each keeps the original relative order of its rows.</returns>
    /// <remarks>
    /// Each group (all rows, or the rows of one value, taken in order of first appearance) of size n is shuffled
    /// (Fisher–Yates with <see cref="SeededRandom"/>) and its first round(n · testFraction) rows, rounding halves
    /// up, go to the test set. A very small group may therefore give no test row, or no train row.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="testFraction"/> is not in (0, 1), or the stratification column does not exist (the message lists the columns).</exception>
    /// <exception cref="ArgumentException"><paramref name="data"/> has no rows, or the stratification column is not String, Int32 or Boolean.</exception>
    public TrainTestData TrainTestSplit(DataView data, double testFraction = 0.1, string? stratificationColumnName = null, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!(testFraction > 0 && testFraction < 1))
        {
            throw new ArgumentOutOfRangeException(
                nameof(testFraction), testFraction, $"testFraction must be strictly between 0 and 1, got {testFraction}; for example 0.2 keeps 20% of the rows for testing.");
        }

        if (data.RowCount == 0)
        {
            throw new ArgumentException($"Cannot split a view with no rows ({data}). Check that the data loaded any rows.", nameof(data));
        }

        var random = seed is { } s ? new SeededRandom(s) : _random.Fork();
        return DataSplitter.Split(data, testFraction, stratificationColumnName, random);
    }

    private static void CheckColumns(IReadOnlyList<TextColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Count == 0)
        {
            throw new ArgumentException("No columns to load; pass at least one TextColumn(name, type, fieldIndex).", nameof(columns));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in columns)
        {
            ArgumentNullException.ThrowIfNull(c, nameof(columns));
            if (string.IsNullOrWhiteSpace(c.Name) || !names.Add(c.Name))
            {
                throw new ArgumentException($"Column name '{c.Name}' is blank or repeated; give each TextColumn a unique, non-blank name.", nameof(columns));
            }

            if (c.Index < 0)
            {
                throw new ArgumentException($"Column '{c.Name}' has field index {c.Index}; use the zero-based field position (0 is the first field).", nameof(columns));
            }

            if (c.Type is null || !ColumnBuffer.TextTypes.Contains(c.Type))
            {
                throw new ArgumentException(
                    $"Column '{c.Name}' has type {(c.Type is null ? "null" : RowMember.FriendlyName(c.Type))}, which cannot be loaded from text; supported: {ColumnBuffer.TextTypeNames}.",
                    nameof(columns));
            }
        }
    }
}
