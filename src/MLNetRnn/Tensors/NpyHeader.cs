using System.Text;

namespace MLNetRnn.Tensors;

/// <summary>Parses and formats the Python dict literal in a .npy header.</summary>
internal static class NpyHeader
{
    private const string Supported = "<f4, <f8, <i4, <i8 and |b1";

    public static int ItemSize(NpyDataType dataType) => dataType switch
    {
        NpyDataType.Float32 or NpyDataType.Int32 => 4,
        NpyDataType.Float64 or NpyDataType.Int64 => 8,
        _ => 1,
    };

    public static string Descriptor(NpyDataType dataType) => dataType switch
    {
        NpyDataType.Float32 => "<f4",
        NpyDataType.Float64 => "<f8",
        NpyDataType.Int32 => "<i4",
        NpyDataType.Int64 => "<i8",
        _ => "|b1",
    };

    /// <summary>The header numpy 1.x writes, without padding: keys sorted, each followed by ", ".</summary>
    public static string Format(NpyDataType dataType, int[] shape) =>
        $"{{'descr': '{Descriptor(dataType)}', 'fortran_order': False, 'shape': {NpyArray.FormatShape(shape)}, }}";

    public static (NpyDataType DataType, int[] Shape) Parse(string header)
    {
        Dictionary<string, object?> entries = new Parser(header).ParseDictionary();
        object? descr = Require(entries, "descr", header);
        object? fortranOrder = Require(entries, "fortran_order", header);
        object? shapeValue = Require(entries, "shape", header);

        NpyDataType dataType = descr is string descriptor
            ? ParseDescriptor(descriptor)
            : throw new InvalidDataException(
                $"Structured .npy dtypes are not supported; supported dtypes are {Supported}. Header: {Shown(header)}");

        if (shapeValue is not List<object?> dimensions || dimensions.Exists(d => d is not long))
        {
            throw new InvalidDataException($"The .npy header 'shape' must be a tuple of integers. Header: {Shown(header)}");
        }

        var shape = new int[dimensions.Count];
        for (int i = 0; i < shape.Length; i++)
        {
            long dimension = (long)dimensions[i]!;
            shape[i] = dimension is >= 0 and <= int.MaxValue
                ? (int)dimension
                : throw new InvalidDataException(
                    $"The .npy header 'shape' has dimension {dimension}; dimensions must be between 0 and {int.MaxValue}. Header: {Shown(header)}");
        }

        if (fortranOrder is not bool isFortran)
        {
            throw new InvalidDataException($"The .npy header 'fortran_order' must be True or False. Header: {Shown(header)}");
        }

        // Fortran and C order lay out the same bytes when at most one dimension is longer than 1.
        if (isFortran && Array.FindAll(shape, d => d > 1).Length > 1 && !Array.Exists(shape, d => d == 0))
        {
            throw new InvalidDataException(
                $"fortran_order True is not supported for shape {NpyArray.FormatShape(shape)}; only C (row-major) order is. "
                + "Save the array with np.save(path, np.ascontiguousarray(a)).");
        }

        return (dataType, shape);
    }

    /// <summary>The header as messages quote it: trimmed, and cut after 200 characters (a hostile header can be 1 MiB).</summary>
    private static string Shown(string header)
    {
        string trimmed = header.TrimEnd();
        return trimmed.Length <= 200 ? trimmed : string.Concat(trimmed.AsSpan(0, 200), "…");
    }

    private static object? Require(Dictionary<string, object?> entries, string key, string header) =>
        entries.TryGetValue(key, out object? value)
            ? value
            : throw new InvalidDataException(
                $"The .npy header has no '{key}' entry; it needs 'descr', 'fortran_order' and 'shape'. Header: {Shown(header)}");

    private static NpyDataType ParseDescriptor(string descriptor)
    {
        bool hasOrder = descriptor.Length > 0 && descriptor[0] is '<' or '>' or '=' or '|';
        char order = hasOrder ? descriptor[0] : '<';
        string kind = hasOrder ? descriptor[1..] : descriptor;
        NpyDataType? dataType = kind switch
        {
            "f4" => NpyDataType.Float32,
            "f8" => NpyDataType.Float64,
            "i4" => NpyDataType.Int32,
            "i8" => NpyDataType.Int64,
            "b1" => NpyDataType.Bool,
            _ => null,
        };
        if (dataType is null)
        {
            throw new InvalidDataException(
                $"The .npy dtype '{descriptor}' is not supported; supported dtypes are {Supported}. "
                + "Convert the array before saving, e.g. a.astype('<f4').");
        }

        if (order == '>' && dataType != NpyDataType.Bool)
        {
            throw new InvalidDataException(
                $"The .npy dtype '{descriptor}' is big-endian, which is not supported; supported dtypes are {Supported} "
                + $"(little-endian). Convert the array before saving with a.astype('<{kind}').");
        }

        return dataType.Value;
    }

    /// <summary>Recursive-descent parser for the subset of Python literals numpy writes in headers.</summary>
    private sealed class Parser(string text)
    {
        private int _position;
        private int _depth;

        public Dictionary<string, object?> ParseDictionary()
        {
            var entries = new Dictionary<string, object?>(StringComparer.Ordinal);
            SkipSpace();
            Expect('{');
            while (!TryConsume('}'))
            {
                SkipSpace();
                int keyPosition = _position;
                string key = ParseValue() as string ?? throw Error("expected a quoted key", keyPosition);
                SkipSpace();
                Expect(':');
                entries[key] = ParseValue();
                SkipSpace();
                if (!TryConsume(','))
                {
                    Expect('}');
                    break;
                }

                SkipSpace();
            }

            SkipSpace();
            return _position == text.Length ? entries : throw Error("unexpected text after '}'", _position);
        }

        private object? ParseValue()
        {
            SkipSpace();
            if (_position == text.Length)
            {
                throw Error("unexpected end of header", _position);
            }

            char c = text[_position];
            int start = _position;
            switch (c)
            {
                case '\'' or '"':
                    return ParseString(c);
                case '(' or '[':
                    return ParseSequence(c == '(' ? ')' : ']');
                case '-' or (>= '0' and <= '9'):
                    _position++;
                    while (_position < text.Length && char.IsAsciiDigit(text[_position]))
                    {
                        _position++;
                    }

                    bool parsed = long.TryParse(text.AsSpan(start, _position - start), out long number);
                    TryConsume('L'); // Python 2 headers write long integers as 3L
                    return parsed ? number : throw Error("expected an integer", start);
                default:
                    while (_position < text.Length && (char.IsAsciiLetterOrDigit(text[_position]) || text[_position] == '_'))
                    {
                        _position++;
                    }

                    return text[start.._position] switch
                    {
                        "True" => true,
                        "False" => false,
                        "None" => null,
                        _ => throw Error($"unexpected '{text[start..Math.Max(_position, start + 1)]}'", start),
                    };
            }
        }

        private string ParseString(char quote)
        {
            int start = _position++;
            var value = new StringBuilder();
            while (_position < text.Length && text[_position] != quote)
            {
                _position += text[_position] == '\\' && _position + 1 < text.Length ? 1 : 0;
                value.Append(text[_position++]);
            }

            return TryConsume(quote) ? value.ToString() : throw Error("unterminated string", start);
        }

        private List<object?> ParseSequence(char close)
        {
            if (++_depth > Files.FileLimits.MaxNpyHeaderNesting)
            {
                throw Error($"brackets nested deeper than {Files.FileLimits.MaxNpyHeaderNesting}", _position);
            }

            _position++;
            var items = new List<object?>();
            while (!TryConsume(close))
            {
                items.Add(ParseValue());
                SkipSpace();
                if (!TryConsume(','))
                {
                    Expect(close);
                    break;
                }

                SkipSpace();
            }

            _depth--;
            return items;
        }

        private void SkipSpace()
        {
            while (_position < text.Length && char.IsWhiteSpace(text[_position]))
            {
                _position++;
            }
        }

        private bool TryConsume(char c)
        {
            SkipSpace();
            if (_position < text.Length && text[_position] == c)
            {
                _position++;
                return true;
            }

            return false;
        }

        private void Expect(char c)
        {
            if (!TryConsume(c))
            {
                string found = _position == text.Length ? "unexpected end of header" : $"found '{text[_position]}'";
                throw Error($"expected '{c}', {found}", _position);
            }
        }

        private InvalidDataException Error(string problem, int position) =>
            new($"The .npy header is malformed at character {position}: {problem}. Header: {Shown(text)}");
    }
}
