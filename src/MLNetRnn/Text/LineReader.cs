using System.Text;

namespace MLNetRnn.Text;

/// <summary>
/// Reads lines of untrusted text with a cap on their length, so a file without line ends cannot make one line take all
/// memory, and with strict decoding: bytes that are not valid in the reader's encoding end in <see cref="InvalidDataException"/>.
/// </summary>
internal sealed class LineReader
{
    private readonly TextReader _reader;
    private readonly string _source;
    private readonly int _maxChars;
    private readonly char[] _buffer = new char[1 << 16];
    private readonly StringBuilder _line = new();
    private int _start, _end;
    private bool _atEnd;

    /// <param name="reader">The text; for files, a <see cref="StreamReader"/> with <see cref="Strict"/>.</param>
    /// <param name="source">How messages name the text.</param>
    /// <param name="maxChars">The longest line accepted, without its line end.</param>
    public LineReader(TextReader reader, string source, int maxChars)
    {
        _reader = reader;
        _source = source;
        _maxChars = maxChars;
    }

    /// <summary>Gets UTF-8 that throws on invalid bytes instead of replacing them, without a byte-order mark.</summary>
    public static Encoding Strict { get; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Gets the number of the line <see cref="ReadLine"/> returned last (1-based).</summary>
    public int LineNumber { get; private set; }

    /// <summary>Reads the next line without its <c>\n</c> (a <c>\r</c> before it is kept), or null at the end.</summary>
    /// <exception cref="InvalidDataException">The line is longer than the cap, or the bytes are not valid text; the message names the line.</exception>
    public string? ReadLine()
    {
        _line.Clear();
        while (true)
        {
            if (_start == _end)
            {
                if (_atEnd || !Fill())
                {
                    if (_line.Length == 0)
                    {
                        return null;
                    }

                    LineNumber++;
                    return _line.ToString();
                }
            }

            int newline = Array.IndexOf(_buffer, '\n', _start, _end - _start);
            int stop = newline < 0 ? _end : newline;
            if (_line.Length + (stop - _start) > _maxChars)
            {
                throw new InvalidDataException($"{_source} line {LineNumber + 1} is longer than {_maxChars} characters; the file is not text of this kind, or it is damaged.");
            }

            _line.Append(_buffer, _start, stop - _start);
            _start = stop;
            if (newline >= 0)
            {
                _start++;
                LineNumber++;
                return _line.ToString();
            }
        }
    }

    private bool Fill()
    {
        try
        {
            _end = _reader.Read(_buffer, 0, _buffer.Length);
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidDataException($"{_source} line {LineNumber + 1} is not valid UTF-8 text ({e.Message}); the file is damaged or binary.", e);
        }

        _start = 0;
        _atEnd = _end == 0;
        return !_atEnd;
    }
}
