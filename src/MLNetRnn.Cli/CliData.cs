using MLNetRnn.Data;

namespace MLNetRnn.Cli;

/// <summary>Reads TSV/CSV files for the commands: separator by extension (or --separator), columns found by header name.</summary>
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
    public static DataView Load(string path, string? separator, string columnOptions, params (string File, string View)[] columns)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Data file '{Path.GetFullPath(path)}' does not exist; check the path.");
        }

        char sep = Separator(path, separator);
        bool quoting = sep == ',';
        var header = DataCatalog.ReadHeader(path, sep, quoting);
        var wanted = new List<TextColumn>();
        foreach (var (name, view) in columns)
        {
            int index = -1;
            for (int i = 0; i < header.Count; i++)
            {
                if (string.Equals(header[i], name, StringComparison.Ordinal))
                {
                    index = i;
                    break;
                }
            }

            if (index < 0)
            {
                throw new ArgumentException($"Column '{name}' not found in '{path}'; its header has: {string.Join(", ", header)}. Name the column with {columnOptions}.");
            }

            wanted.Add(new TextColumn(view, typeof(string), index));
        }

        return new Pipeline.RnnContext(seed: 0).Data.LoadFromTextFile(path, wanted, sep, hasHeader: true, allowQuoting: quoting);
    }
}
