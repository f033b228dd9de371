using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace MLNetRnn.Cli;

/// <summary>
/// Reads a data file once before ML.NET's <c>TextLoader</c> does, with the loader's own rules, and refuses what the loader
/// would misread without a word, naming the file and line: bytes that are not UTF-8, rows with fewer or more fields than
/// the header (a line of only whitespace included), a quoted CSV field that never closes or has text (or a tab) after its
/// closing quote, a data line starting with <c>//</c> (the loader drops it as a comment), a header starting with
/// <c>#</c> or <c>//</c> (the loader skips it), an empty file and a header without rows. It also records the line each
/// data row starts on, for later messages.
/// </summary>
/// <remarks>
/// The loader's rules it follows (ML.NET 5 <c>TextLoader</c>, checked by <c>BadDataTests</c>): lines end at <c>\n</c>,
/// <c>\r\n</c> or <c>\r</c>; empty lines are skipped; a TSV field is everything between tabs (a tab or a quote has no
/// escape; the loader drops a field's leading spaces); a CSV field may be quoted (<c>"…"</c>, a quote inside written
/// <c>""</c>, spaces, but not tabs, before the opening and after the closing quote ignored), and a quoted field may hold
/// the separator, tabs and line breaks (the loader is run with <c>ReadMultilines</c>; a <c>\r\n</c> inside arrives as
/// <c>\n</c>). UTF-8 is read strictly (a byte-order mark is allowed); a file with a UTF-16 or UTF-32 byte-order mark is
/// decoded by it, as the loader does.
/// </remarks>
internal static class DataFileCheck
{
    /// <summary>What a checked file holds: its header fields and the line each data row starts on (1-based).</summary>
    public sealed record Layout(IReadOnlyList<string> Header, int[] RowLines);

    /// <summary>Checks <paramref name="path"/> and returns its layout.</summary>
    /// <exception cref="InvalidDataException">The file breaks a rule above; the message names the file, the line and the fix.</exception>
    public static Layout Read(string path, char separator, bool quoting)
    {
        using var lines = LineReader.Open(path);
        if (!lines.Next(out string first))
        {
            throw new InvalidDataException($"Data file '{path}' is empty; it needs a header line naming the columns, then one line per row.");
        }

        if (first.Length == 0)
        {
            throw new InvalidDataException($"Line 1 of '{path}' is blank; the first line must be the header naming the columns.");
        }

        if (first[0] == '#' || first.StartsWith("//", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"Line 1 of '{path}' starts with '{first[..(first[0] == '#' ? 1 : 2)]}', which ML.NET's text loader skips as a comment; the first line must be the header naming the columns.");
        }

        var header = Fields(path, lines, first, separator, quoting, out _);
        var rowLines = new List<int>();
        while (lines.Next(out string line))
        {
            if (line.Length == 0)
            {
                continue; // the loader skips empty lines
            }

            int start = lines.Number;
            if (line.StartsWith("//", StringComparison.Ordinal))
            {
                throw new InvalidDataException($"Line {start} of '{path}' starts with '//', which ML.NET's text loader skips as a comment, so the row would be lost; "
                    + (quoting ? "quote the field (\"//…\") or remove the line." : "remove the line, or save the data as CSV and quote the field."));
            }

            var fields = Fields(path, lines, line, separator, quoting, out int end);
            if (fields.Count != header.Count && string.IsNullOrWhiteSpace(line))
            {
                throw new InvalidDataException($"Line {start} of '{path}' holds only whitespace, which ML.NET's text loader reads as a row with missing fields; remove the line (empty lines are skipped).");
            }

            if (fields.Count != header.Count)
            {
                string span = end == start ? $"Line {start}" : $"Lines {start}–{end}";
                throw new InvalidDataException($"{span} of '{path}' {(end == start ? "has" : "have")} {fields.Count} field{(fields.Count == 1 ? "" : "s")} but the header (line 1) has {header.Count} "
                    + $"({string.Join(", ", header)}); {Hint(separator, quoting, fields.Count > header.Count)}");
            }

            rowLines.Add(start);
        }

        if (rowLines.Count == 0)
        {
            throw new InvalidDataException($"Data file '{path}' has a header (line 1: {string.Join(", ", header)}) but no data rows; add one line per row below it.");
        }

        return new Layout(header, [.. rowLines]);
    }

    private static string Hint(char separator, bool quoting, bool tooMany) => (separator, quoting, tooMany) switch
    {
        ('\t', false, true) => "a text holds a tab, which a TSV file cannot escape: replace it with a space, or save the data as CSV with the text quoted.",
        ('\t', false, false) => "a field is missing, or a text holds a line break, which a TSV file cannot escape: join the lines, or save the data as CSV with the text quoted.",
        (_, true, true) => $"a text holds the separator '{separator}': put the field in double quotes.",
        (_, true, false) => "a field is missing: add it (an empty field is fine) or remove the row.",
        _ => "make every row have one field per header column.",
    };

    /// <summary>Splits one record into fields (header fields trimmed), reading further lines while a CSV quote is open.</summary>
    private static List<string> Fields(string path, LineReader lines, string line, char separator, bool quoting, out int endLine)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        int startLine = lines.Number;
        int i = 0;
        while (true)
        {
            if (quoting)
            {
                int q = i;
                while (q < line.Length && line[q] == ' ') // the loader skips spaces, not tabs, around a quoted field
                {
                    q++;
                }

                if (q < line.Length && line[q] == '"')
                {
                    i = ReadQuoted(path, lines, ref line, q + 1, field, startLine, fields.Count + 1);
                    while (i < line.Length && line[i] == ' ')
                    {
                        i++;
                    }

                    if (i < line.Length && line[i] != separator)
                    {
                        throw new InvalidDataException($"Line {lines.Number} of '{path}': field {fields.Count + 1} has text after its closing quote, which ML.NET's text loader reads as an empty field; "
                            + "inside a quoted field write a quote as \"\", or quote the whole field.");
                    }

                    fields.Add(field.ToString().Trim());
                    field.Clear();
                    if (i >= line.Length)
                    {
                        break;
                    }

                    i++; // the separator
                    continue;
                }
            }

            int next = line.IndexOf(separator, i);
            fields.Add((next < 0 ? line[i..] : line[i..next]).Trim());
            if (next < 0)
            {
                break;
            }

            i = next + 1;
        }

        endLine = lines.Number;
        return fields;
    }

    /// <summary>Reads a quoted field from just after its opening quote, across lines; returns the index just after the closing quote in the (last) line.</summary>
    private static int ReadQuoted(string path, LineReader lines, ref string line, int i, StringBuilder field, int startLine, int fieldNumber)
    {
        while (true)
        {
            for (; i < line.Length; i++)
            {
                if (line[i] != '"')
                {
                    field.Append(line[i]);
                }
                else if (i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else
                {
                    return i + 1;
                }
            }

            if (!lines.Next(out line))
            {
                throw new InvalidDataException($"Line {startLine} of '{path}': the quote that opens field {fieldNumber} never closes (the file ends first); close it, or write a quote inside a field as \"\".");
            }

            field.Append('\n');
            i = 0;
        }
    }

    /// <summary>
    /// Lines as <see cref="StreamReader.ReadLine"/> splits them (at <c>\n</c>, <c>\r\n</c> or <c>\r</c>), decoded as strict
    /// UTF-8 with the line number of each; a file with a UTF-16 or UTF-32 byte-order mark is decoded by a <see cref="StreamReader"/>.
    /// </summary>
    private sealed class LineReader : IDisposable
    {
        private readonly string _path;
        private readonly Stream _stream;
        private readonly StreamReader? _reader;
        private readonly byte[] _buffer = new byte[1 << 16];
        private readonly ArrayBufferWriter<byte> _line = new();
        private int _position;
        private int _count;
        private bool _end;

        private LineReader(string path, Stream stream, StreamReader? reader)
        {
            _path = path;
            _stream = stream;
            _reader = reader;
        }

        /// <summary>Gets the number of the line last returned (1-based).</summary>
        public int Number { get; private set; }

        public static LineReader Open(string path)
        {
            var stream = File.OpenRead(path);
            Span<byte> bom = stackalloc byte[4];
            int read = stream.ReadAtLeast(bom, 4, throwOnEndOfStream: false);
            stream.Position = 0;
            bool utf16Or32 = read >= 2 && ((bom[0] == 0xFF && bom[1] == 0xFE) || (bom[0] == 0xFE && bom[1] == 0xFF)
                || (read >= 4 && bom[0] == 0 && bom[1] == 0 && bom[2] == 0xFE && bom[3] == 0xFF));
            if (utf16Or32)
            {
                return new LineReader(path, stream, new StreamReader(stream, detectEncodingFromByteOrderMarks: true));
            }

            if (read >= 3 && bom[0] == 0xEF && bom[1] == 0xBB && bom[2] == 0xBF)
            {
                stream.Position = 3;
            }

            return new LineReader(path, stream, null);
        }

        public bool Next(out string line)
        {
            if (_reader is not null)
            {
                line = _reader.ReadLine()!;
                Number += line is null ? 0 : 1;
                return line is not null;
            }

            _line.Clear();
            while (true)
            {
                if (_position == _count && !Fill())
                {
                    line = _line.WrittenCount > 0 ? Decode() : null!;
                    return line is not null;
                }

                var rest = _buffer.AsSpan(_position, _count - _position);
                int k = rest.IndexOfAny((byte)'\n', (byte)'\r');
                if (k < 0)
                {
                    _line.Write(rest);
                    _position = _count;
                    continue;
                }

                _line.Write(rest[..k]);
                _position += k + 1;
                if (rest[k] == (byte)'\r' && (_position < _count || Fill()) && _buffer[_position] == (byte)'\n')
                {
                    _position++; // \r\n is one line end
                }

                line = Decode();
                return true;
            }
        }

        /// <summary>Reads the next block into the buffer; false at the end of the file.</summary>
        private bool Fill()
        {
            if (!_end)
            {
                _count = _stream.Read(_buffer);
                _position = 0;
                _end = _count == 0;
            }

            return !_end;
        }

        public void Dispose()
        {
            _reader?.Dispose();
            _stream.Dispose();
        }

        private string Decode()
        {
            Number++;
            ReadOnlySpan<byte> bytes = _line.WrittenSpan;
            char[] chars = ArrayPool<char>.Shared.Rent(bytes.Length);
            try
            {
                if (Utf8.ToUtf16(bytes, chars, out int bytesRead, out int written, replaceInvalidSequences: false) != OperationStatus.Done)
                {
                    string at = Convert.ToHexString(bytes.Slice(bytesRead, Math.Min(4, bytes.Length - bytesRead))).ToLowerInvariant();
                    throw new InvalidDataException($"Line {Number} of '{_path}' is not valid UTF-8 (bytes 0x{at} at byte {bytesRead + 1} of the line); save the file as UTF-8.");
                }

                return new string(chars, 0, written);
            }
            finally
            {
                ArrayPool<char>.Shared.Return(chars);
            }
        }
    }
}
