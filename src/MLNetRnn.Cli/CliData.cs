using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRnn.DataViews;

namespace MLNetRnn.Cli;

/// <summary>
/// Reads TSV/CSV files for the commands with ML.NET's <see cref="TextLoader"/>: separator by extension (or
/// --separator), columns found by header name, every column loaded as String.
/// </summary>
internal static class CliData
{
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
    /// <exception cref="InvalidDataException">The file is empty or its first line is blank.</exception>
    public static IDataView Load(MLContext ml, string path, string? separator, string columnOptions, params (string File, string View)[] columns)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Data file '{Path.GetFullPath(path)}' does not exist; check the path.", path);
        }

        char sep = Separator(path, separator);
        bool quoting = sep == ',';
        var header = ReadHeader(path, sep, quoting);
        var loaded = new List<TextLoader.Column>();
        foreach (var (name, view) in columns)
        {
            int index = header.IndexOf(name);
            if (index < 0)
            {
                throw new ArgumentException($"Column '{name}' not found in '{path}'; its header has: {string.Join(", ", header)}. Name the column with {columnOptions}.");
            }

            loaded.Add(new TextLoader.Column(view, DataKind.String, index));
        }

        var options = new TextLoader.Options { Columns = [.. loaded], Separators = [sep], HasHeader = true, AllowQuoting = quoting };
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

    /// <summary>Reads a String column, throwing for an empty value with its 1-based data row and the file.</summary>
    /// <exception cref="ArgumentException">A row's value is empty.</exception>
    public static string[] RequiredText(IDataView data, string column, string what, string path)
    {
        string[] values = ColumnReader.Text(data, column);
        int empty = Array.FindIndex(values, string.IsNullOrEmpty);
        if (empty >= 0)
        {
            throw new ArgumentException($"Data row {empty + 1} of '{path}' has an empty {what}; every row needs one.");
        }

        return values;
    }

    /// <summary>The header fields of <paramref name="path"/> (its first line), each trimmed; CSV fields may be quoted.</summary>
    private static List<string> ReadHeader(string path, char separator, bool quoting)
    {
        string? line = File.ReadLines(path).FirstOrDefault();
        if (string.IsNullOrWhiteSpace(line))
        {
            throw new InvalidDataException($"Data file '{path}' is empty or its first line is blank; it needs a header line naming the columns.");
        }

        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        bool inQuotes = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (inQuotes)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    inQuotes = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (quoting && c == '"' && field.ToString().Trim().Length == 0)
            {
                field.Clear();
                inQuotes = true;
            }
            else if (c == separator)
            {
                fields.Add(field.ToString().Trim());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString().Trim());
        return fields;
    }

    private sealed class TextRow
    {
        public string Text { get; set; } = string.Empty;
    }

    private sealed class NoColumns
    {
    }
}
