// The input side of ModelConsumer: DelimitedFile reads a TSV/CSV file (header line + records) into strings;
// InMemoryDataView turns those strings into an IDataView whose schema is exactly the model's input schema,
// looked up by column name, so nothing about a particular model is compiled in.
using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace ModelConsumer;

/// <summary>One data record: the 1-based line it starts on and its fields.</summary>
internal sealed record DelimitedRecord(int Line, string[] Fields);

internal static class DelimitedFile
{
    public static (string[] Header, List<DelimitedRecord> Records) Read(string path, char separator, bool allowQuoting)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        string[]? header = null;
        var records = new List<DelimitedRecord>();
        int line = 1;
        while (true)
        {
            int startLine = line;
            var fields = ReadRecord(reader, separator, allowQuoting, path, ref line);
            if (fields is null)
                break;
            if (fields.Count == 1 && fields[0].Length == 0)
                continue; // blank line
            if (header is null)
            {
                header = fields.ToArray();
                continue;
            }
            if (fields.Count != header.Length)
                throw new FormatException(
                    $"{path}, line {startLine}: {fields.Count} field(s), but the header has {header.Length}");
            records.Add(new DelimitedRecord(startLine, fields.ToArray()));
        }
        if (header is null)
            throw new FormatException($"{path}: the file is empty; a header line with column names is required");
        return (header, records);
    }

    // Reads one record; returns null at end of file. `line` advances by the line breaks consumed.
    private static List<string>? ReadRecord(TextReader reader, char separator, bool allowQuoting, string path, ref int line)
    {
        if (reader.Peek() < 0)
            return null;
        var fields = new List<string>();
        var field = new StringBuilder();
        bool atFieldStart = true, inQuotes = false;
        int quoteLine = 0;
        while (true)
        {
            int c = reader.Read();
            if (inQuotes)
            {
                if (c < 0)
                    throw new FormatException($"{path}, line {quoteLine}: quoted field is not closed before the end of the file");
                if (c == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        field.Append('"');
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }
                else
                {
                    if (c == '\n')
                        line++;
                    field.Append((char)c);
                }
                continue;
            }
            if (c < 0 || c == '\n' || c == '\r')
            {
                if (c == '\r' && reader.Peek() == '\n')
                    reader.Read();
                if (c >= 0)
                    line++;
                fields.Add(field.ToString());
                return fields;
            }
            if (c == separator)
            {
                fields.Add(field.ToString());
                field.Clear();
                atFieldStart = true;
                continue;
            }
            if (allowQuoting && atFieldStart && c == '"')
            {
                inQuotes = true;
                quoteLine = line;
                atFieldStart = false;
                continue;
            }
            atFieldStart = false;
            field.Append((char)c);
        }
    }
}

/// <summary>A read-only IDataView over typed arrays, one array per schema column.</summary>
internal sealed class InMemoryDataView : IDataView
{
    private delegate bool Parser<T>(string text, out T value);

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private readonly Array[] _columns;
    private readonly int _rowCount;

    private InMemoryDataView(DataViewSchema schema, Array[] columns, int rowCount)
    {
        Schema = schema;
        _columns = columns;
        _rowCount = rowCount;
    }

    public DataViewSchema Schema { get; }
    public bool CanShuffle => false;
    public long? GetRowCount() => _rowCount;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
        => new Cursor(this, columnsNeeded);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
        => [GetRowCursor(columnsNeeded, rand)];

    /// <summary>
    /// Builds a view with the model's (visible, scalar, non-key) input columns. A column found in the header
    /// is parsed from the file; a missing one is filled with the type's default ("" for text, 0, false).
    /// </summary>
    public static InMemoryDataView Create(DataViewSchema inputSchema, string[] header,
        IReadOnlyList<DelimitedRecord> records, string path, Action<string> note)
    {
        var builder = new DataViewSchema.Builder();
        var columns = new List<Array>();
        foreach (var column in inputSchema)
        {
            if (column.IsHidden)
                continue;
            if (column.Type is VectorDataViewType or KeyDataViewType)
            {
                note($"input column '{column.Name}' has type {column.Type}; vector and key input columns are not read from text, skipped");
                continue;
            }
            int field = Array.IndexOf(header, column.Name);
            if (field < 0)
                note($"input column '{column.Name}' ({column.Type}) is not in {Path.GetFileName(path)}; feeding {DefaultText(column.Type)}");
            columns.Add(field < 0
                ? Array.CreateInstance(column.Type.RawType, records.Count)
                : ParseColumn(column, records, field, path));
            builder.AddColumn(column.Name, column.Type, column.Annotations);
        }
        return new InMemoryDataView(builder.ToSchema(), columns.ToArray(), records.Count);
    }

    private static string DefaultText(DataViewType type)
        => type is TextDataViewType ? "\"\"" : type is BooleanDataViewType ? "false" : type is NumberDataViewType ? "0" : "default";

    private static Array ParseColumn(DataViewSchema.Column column, IReadOnlyList<DelimitedRecord> records, int field, string path)
    {
        const NumberStyles Int = NumberStyles.Integer;
        Array P<T>(T empty, Parser<T> parse) => ParseAll(records, field, empty, parse, path, column);
        var t = column.Type.RawType;
        if (t == typeof(ReadOnlyMemory<char>))
            return records.Select(r => r.Fields[field].AsMemory()).ToArray();
        if (t == typeof(float))
            return P(float.NaN, (string s, out float v) => float.TryParse(s, NumberStyles.Float, Inv, out v));
        if (t == typeof(double))
            return P(double.NaN, (string s, out double v) => double.TryParse(s, NumberStyles.Float, Inv, out v));
        if (t == typeof(sbyte))
            return P<sbyte>(0, (string s, out sbyte v) => sbyte.TryParse(s, Int, Inv, out v));
        if (t == typeof(byte))
            return P<byte>(0, (string s, out byte v) => byte.TryParse(s, Int, Inv, out v));
        if (t == typeof(short))
            return P<short>(0, (string s, out short v) => short.TryParse(s, Int, Inv, out v));
        if (t == typeof(ushort))
            return P<ushort>(0, (string s, out ushort v) => ushort.TryParse(s, Int, Inv, out v));
        if (t == typeof(int))
            return P(0, (string s, out int v) => int.TryParse(s, Int, Inv, out v));
        if (t == typeof(uint))
            return P(0u, (string s, out uint v) => uint.TryParse(s, Int, Inv, out v));
        if (t == typeof(long))
            return P(0L, (string s, out long v) => long.TryParse(s, Int, Inv, out v));
        if (t == typeof(ulong))
            return P(0UL, (string s, out ulong v) => ulong.TryParse(s, Int, Inv, out v));
        if (t == typeof(bool))
            return P(false, TryParseBool);
        if (t == typeof(DateTime))
            return P(default(DateTime), (string s, out DateTime v) => DateTime.TryParse(s, Inv, DateTimeStyles.RoundtripKind, out v));
        if (t == typeof(DateTimeOffset))
            return P(default(DateTimeOffset), (string s, out DateTimeOffset v) => DateTimeOffset.TryParse(s, Inv, DateTimeStyles.None, out v));
        if (t == typeof(TimeSpan))
            return P(default(TimeSpan), (string s, out TimeSpan v) => TimeSpan.TryParse(s, Inv, out v));
        throw new NotSupportedException($"input column '{column.Name}' has type {column.Type}, which cannot be read from text");
    }

    // An empty (or all-blank) cell gives `empty`; anything else must parse.
    private static T[] ParseAll<T>(IReadOnlyList<DelimitedRecord> records, int field, T empty, Parser<T> parse,
        string path, DataViewSchema.Column column)
    {
        var values = new T[records.Count];
        for (int i = 0; i < values.Length; i++)
        {
            string text = records[i].Fields[field];
            if (string.IsNullOrWhiteSpace(text))
                values[i] = empty;
            else if (!parse(text.Trim(), out values[i]))
                throw new FormatException(
                    $"{path}, line {records[i].Line}, column '{column.Name}': cannot parse '{text}' as {column.Type}");
        }
        return values;
    }

    private static bool TryParseBool(string text, out bool value)
    {
        switch (text.ToLowerInvariant())
        {
            case "true" or "t" or "yes" or "y" or "1": value = true; return true;
            case "false" or "f" or "no" or "n" or "0": value = false; return true;
            default: value = false; return false;
        }
    }

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly InMemoryDataView _view;
        private readonly bool[] _active;
        private int _position = -1;

        public Cursor(InMemoryDataView view, IEnumerable<DataViewSchema.Column> columnsNeeded)
        {
            _view = view;
            _active = new bool[view.Schema.Count];
            foreach (var column in columnsNeeded)
                _active[column.Index] = true;
        }

        public override DataViewSchema Schema => _view.Schema;
        public override long Position => _position;
        public override long Batch => 0;

        public override bool MoveNext()
        {
            if (_position + 1 >= _view._rowCount)
                return false;
            _position++;
            return true;
        }

        public override bool IsColumnActive(DataViewSchema.Column column) => _active[column.Index];

        public override ValueGetter<DataViewRowId> GetIdGetter()
            => (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!_active[column.Index])
                throw new InvalidOperationException($"column '{column.Name}' was not requested from the cursor");
            if (_view._columns[column.Index] is not TValue[] values)
                throw new InvalidOperationException($"column '{column.Name}' holds {column.Type.RawType.Name}, not {typeof(TValue).Name}");
            return (ref TValue value) => value = values[_position];
        }
    }
}
