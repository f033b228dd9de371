using System.Text;

namespace MLNetRnn.Data;

/// <summary>
/// Reads delimited text (TSV, CSV) into a <see cref="DataView"/> for <see cref="DataCatalog"/>: line splitting,
/// optional RFC 4180 quoting, header handling, and messages that name the file, the 1-based line and the column.
/// </summary>
/// <remarks>
/// UTF-8 with or without a byte-order mark (a UTF-16 mark is honoured too); <c>\n</c> or <c>\r\n</c> line ends.
/// The header is the first line that is not blank. Empty data lines are skipped, and with trimming so are lines of
/// only white space. A quoted field must close on the same line: quoted line breaks are not supported.
/// </remarks>
internal static class DelimitedTextReader
{
    private const int MaxShownValueLength = 60;

    /// <summary>
    /// Reads the data lines of <paramref name="path"/> into the columns that <paramref name="bind"/> returns when given
    /// the header fields (null without a header).
    /// </summary>
    public static DataView Read(
        string path, char separator, bool hasHeader, bool allowQuoting, bool trim, Func<IReadOnlyList<string>?, IReadOnlyList<TextColumn>> bind)
    {
        using var lines = ReadLines(path).GetEnumerator();
        IReadOnlyList<string>? header = null;
        if (hasHeader)
        {
            header = ReadHeaderLine(lines, path, separator, allowQuoting);
        }

        var columns = bind(header);
        var buffers = columns.Select(c => ColumnBuffer.Create(c.Type)).ToArray();
        int fieldsNeeded = columns.Count == 0 ? 0 : columns.Max(c => c.Index) + 1;
        bool sawNonBlank = header is not null;
        while (lines.MoveNext())
        {
            var (number, line) = lines.Current;
            sawNonBlank |= !string.IsNullOrWhiteSpace(line);
            if (line.Length == 0 || (trim && string.IsNullOrWhiteSpace(line)))
            {
                continue;
            }

            var fields = SplitLine(line, separator, allowQuoting, trim, path, number);
            if (fields.Count < fieldsNeeded)
            {
                var missing = columns.Where(c => c.Index >= fields.Count).MinBy(c => c.Index)!;
                throw new InvalidDataException(
                    $"Data file '{path}', line {number} has {fields.Count} field(s), column '{missing.Name}' needs field {missing.Index + 1} "
                    + $"(separator {SeparatorName(separator)}). Check the separator, and that no field is missing on that line.");
            }

            for (int k = 0; k < columns.Count; k++)
            {
                string field = fields[columns[k].Index];
                if (!buffers[k].TryAdd(field))
                {
                    var type = columns[k].Type;
                    throw new InvalidDataException(
                        $"Data file '{path}', line {number}, column '{columns[k].Name}': {Show(field)} is not {ColumnBuffer.WithArticle(type)} "
                        + $"({ColumnBuffer.Expectation(type)}). Fix the value, or load the column as String.");
                }
            }
        }

        if (!sawNonBlank)
        {
            throw EmptyFile(path);
        }

        return new DataView(columns.Select((c, k) => (c.Name, buffers[k].ToArray())));
    }

    /// <summary>Returns the header fields of <paramref name="path"/>, each trimmed.</summary>
    public static IReadOnlyList<string> ReadHeader(string path, char separator, bool allowQuoting)
    {
        using var lines = ReadLines(path).GetEnumerator();
        return ReadHeaderLine(lines, path, separator, allowQuoting);
    }

    /// <summary>Throws unless <paramref name="path"/> names an existing file.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or white space.</exception>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    public static void CheckFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"Data file '{path}' not found (full path '{Path.GetFullPath(path)}'). Check the path and the current directory '{Environment.CurrentDirectory}'.",
                path);
        }
    }

    /// <summary>Throws when <paramref name="separator"/> cannot separate fields.</summary>
    /// <exception cref="ArgumentException">The separator is a line break, or a double quote while quoting is on.</exception>
    public static void CheckSeparator(char separator, bool allowQuoting, string paramName)
    {
        if (separator is '\r' or '\n')
        {
            throw new ArgumentException($"The separator cannot be a line break (got U+{(int)separator:X4}); use '\\t' for TSV or ',' for CSV.", paramName);
        }

        if (allowQuoting && separator == '"')
        {
            throw new ArgumentException("The separator cannot be '\"' when allowQuoting is true, because '\"' starts a quoted field. Use another separator or allowQuoting: false.", paramName);
        }
    }

    /// <summary>Splits one line into fields.</summary>
    /// <exception cref="InvalidDataException">A quoted field is not closed, or text follows its closing quote.</exception>
    internal static List<string> SplitLine(string line, char separator, bool allowQuoting, bool trim, string path, int lineNumber)
    {
        var fields = new List<string>();
        int i = 0;
        while (true)
        {
            if (allowQuoting)
            {
                int q = trim ? SkipSpace(line, i, separator) : i;
                if (q < line.Length && line[q] == '"')
                {
                    i = ReadQuoted(line, q + 1, out string value, path, lineNumber, fields.Count + 1);
                    i = trim ? SkipSpace(line, i, separator) : i;
                    if (i < line.Length && line[i] != separator)
                    {
                        throw new InvalidDataException(
                            $"Data file '{path}', line {lineNumber}, field {fields.Count + 1}: unexpected '{line[i]}' after the closing quote. "
                            + "Inside a quoted field write a quote as two quotes (\"\"), and put the separator right after the closing quote.");
                    }

                    fields.Add(value);
                    if (i >= line.Length)
                    {
                        return fields;
                    }

                    i++;
                    continue;
                }
            }

            int end = line.IndexOf(separator, i);
            string field = end < 0 ? line[i..] : line[i..end];
            fields.Add(trim ? field.Trim() : field);
            if (end < 0)
            {
                return fields;
            }

            i = end + 1;
        }
    }

    private static int ReadQuoted(string line, int i, out string value, string path, int lineNumber, int fieldNumber)
    {
        var sb = new StringBuilder();
        while (i < line.Length)
        {
            char c = line[i];
            if (c == '"')
            {
                if (i + 1 < line.Length && line[i + 1] == '"')
                {
                    sb.Append('"');
                    i += 2;
                    continue;
                }

                value = sb.ToString();
                return i + 1;
            }

            sb.Append(c);
            i++;
        }

        throw new InvalidDataException(
            $"Data file '{path}', line {lineNumber}, field {fieldNumber}: the opening quote is not closed on this line. "
            + "Quoted fields cannot contain line breaks here; if the quote is part of the text, load with allowQuoting: false.");
    }

    private static int SkipSpace(string line, int i, char separator)
    {
        while (i < line.Length && line[i] != separator && char.IsWhiteSpace(line[i]))
        {
            i++;
        }

        return i;
    }

    private static IReadOnlyList<string> ReadHeaderLine(IEnumerator<(int Number, string Line)> lines, string path, char separator, bool allowQuoting)
    {
        while (lines.MoveNext())
        {
            var (number, line) = lines.Current;
            if (!string.IsNullOrWhiteSpace(line))
            {
                return SplitLine(line, separator, allowQuoting, trim: true, path, number);
            }
        }

        throw EmptyFile(path);
    }

    private static IEnumerable<(int Number, string Line)> ReadLines(string path)
    {
        CheckFile(path);
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        using var reader = new StreamReader(path, utf8, detectEncodingFromByteOrderMarks: true);
        int number = 0;
        while (true)
        {
            string? line;
            try
            {
                line = reader.ReadLine();
            }
            catch (DecoderFallbackException e)
            {
                throw new InvalidDataException(
                    $"Data file '{path}' is not valid UTF-8 (invalid bytes at or after line {number + 1}). Save it as UTF-8 and load it again.", e);
            }

            if (line is null)
            {
                yield break;
            }

            yield return (++number, line);
        }
    }

    private static InvalidDataException EmptyFile(string path) =>
        new($"Data file '{path}' is empty: it has no non-blank line. Expected a header line (when hasHeader is true) and one row per line.");

    private static string SeparatorName(char separator) => separator switch
    {
        '\t' => "tab",
        ' ' => "space",
        _ => $"'{separator}'",
    };

    private static string Show(string value) =>
        value.Length <= MaxShownValueLength ? $"'{value}'" : $"'{value[..MaxShownValueLength]}…' ({value.Length} characters)";
}
