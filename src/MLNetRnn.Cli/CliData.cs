using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRnn.DataViews;

namespace MLNetRnn.Cli;

/// <summary>
/// Reads TSV/CSV files for the commands with ML.NET's <see cref="TextLoader"/>: separator by extension (or
/// --separator), columns found by header name, every column loaded as String. Each file is checked first by
/// <see cref="DataFileCheck"/>, so what the loader would misread fails with the file and line instead.
/// </summary>
internal static class CliData
{
    /// <summary>The line each data row of each loaded file starts on, by full path, for messages about a row.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, int[]> s_rowLines = new();

    public static char Separator(string path, string? separator) => separator switch
    {
        null or "" => Path.GetExtension(path).Equals(".csv", StringComparison.OrdinalIgnoreCase) ? ',' : '\t',
        "tab" or "\\t" => '\t',
        "comma" => ',',
        { Length: 1 } s => s[0],
        _ => throw new ArgumentException($"--separator '{separator}' is not one character; use a single character, 'tab' or 'comma'."),
    };

    /// <summary>
    /// Loads String columns of a file with a header, other columns ignored: each pair reads file column
    /// <c>File</c> into view column <c>View</c> (so a model's input name can be fed from another header name).
    /// A missing column's message names <paramref name="columnOptions"/>, the options that choose the columns.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ArgumentException">A column is not in the header, or the separator is not one character.</exception>
    /// <exception cref="InvalidDataException">The file is empty, has no data rows, is not UTF-8, has a row whose field count
    /// differs from the header's, or a malformed quoted field (see <see cref="DataFileCheck"/>); the message names the line.</exception>
    public static IDataView Load(MLContext ml, string path, string? separator, string columnOptions, params (string File, string View)[] columns)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Data file '{Path.GetFullPath(path)}' does not exist; check the path.", path);
        }

        char sep = Separator(path, separator);
        bool quoting = sep == ',';
        var layout = DataFileCheck.Read(path, sep, quoting);
        var loaded = new List<TextLoader.Column>();
        foreach (var (name, view) in columns)
        {
            int index = layout.Header.ToList().IndexOf(name);
            if (index < 0)
            {
                throw new ArgumentException($"Column '{name}' not found in '{path}'; its header (line 1) has: {string.Join(", ", layout.Header)}. Name the column with {columnOptions}.");
            }

            loaded.Add(new TextLoader.Column(view, DataKind.String, index));
        }

        s_rowLines[Path.GetFullPath(path)] = layout.RowLines;
        var options = new TextLoader.Options { Columns = [.. loaded], Separators = [sep], HasHeader = true, AllowQuoting = quoting, ReadMultilines = quoting };
        return ml.Data.CreateTextLoader(options).Load(path);
    }

    /// <summary>
    /// Adds every String column of <paramref name="modelInput"/> that <paramref name="data"/> lacks, empty in every row.
    /// </summary>
    /// <exception cref="ArgumentException">A missing input column is not String (the CLI cannot make one up).</exception>
    public static IDataView AddMissingInputs(MLContext ml, IDataView data, DataViewSchema modelInput)
    {
        foreach (var column in modelInput.Where(c => !c.IsHidden && data.Schema.GetColumnOrNull(c.Name) is null))
        {
            if (column.Type is not TextDataViewType)
            {
                throw new ArgumentException($"The model reads input column '{column.Name}' ({column.Type}), which the data does not have; add it to the file.");
            }

            var definition = SchemaDefinition.Create(typeof(TextRow));
            definition[0].ColumnName = column.Name;
            data = ml.Transforms.CustomMapping<NoColumns, TextRow>((_, row) => row.Text = string.Empty, contractName: null, outputSchemaDefinition: definition)
                .Fit(data).Transform(data);
        }

        return data;
    }

    /// <summary>One row with one String column named <paramref name="column"/>.</summary>
    public static IDataView OneText(MLContext ml, string column, string text)
    {
        var definition = SchemaDefinition.Create(typeof(TextRow));
        definition[0].ColumnName = column;
        return ml.Data.LoadFromEnumerable([new TextRow { Text = text }], definition);
    }

    /// <summary>Reads a String column, throwing for an empty or whitespace-only value with its line and the file.</summary>
    /// <exception cref="ArgumentException">A row's value is empty or whitespace.</exception>
    public static string[] RequiredText(IDataView data, string column, string what, string path)
    {
        string[] values = ColumnReader.Text(data, column);
        int empty = Array.FindIndex(values, string.IsNullOrWhiteSpace);
        if (empty >= 0)
        {
            throw new ArgumentException($"{Row(path, empty)} has an empty {what}; every row needs one.");
        }

        return values;
    }

    /// <summary>Where a data row of a loaded file is: <c>Line 7 (data row 5) of 'path'</c> (the line it starts on).</summary>
    /// <param name="path">The file, as given to <see cref="Load"/>.</param>
    /// <param name="row">The 0-based data row.</param>
    public static string Row(string path, int row) =>
        s_rowLines.TryGetValue(Path.GetFullPath(path), out int[]? lines) && row < lines.Length
            ? $"Line {lines[row]} (data row {row + 1}) of '{path}'"
            : $"Data row {row + 1} of '{path}'";

    private sealed class TextRow
    {
        public string Text { get; set; } = string.Empty;
    }

    private sealed class NoColumns
    {
    }
}
