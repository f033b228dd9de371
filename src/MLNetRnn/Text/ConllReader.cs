using MLNetRnn.Files;

namespace MLNetRnn.Text;

/// <summary>
/// Reads token-tagging corpora in CoNLL style: one token a line, columns separated by a tab (or another single
/// character), a blank line between sentences, as the CoNLL-2000/2003 shared tasks and <c>datasets/brown</c> write them.
/// </summary>
/// <remarks>
/// <para>A line holds columns <c>c₀ SEP c₁ SEP …</c>; the token is column <c>tokenColumn</c> (default 0) and the tag column
/// <c>tagColumn</c> (default −1: the last column of each line). Other columns are ignored, so a CoNLL-2003 line
/// <c>EU NNP B-NP B-ORG</c> (space-separated) gives token <c>EU</c> and tag <c>B-ORG</c>.</para>
/// <para>Lines that are empty or only whitespace end the current sentence; several in a row are one boundary, and the file
/// need not end with one. A line whose token is <c>-DOCSTART-</c> (CoNLL-2003's document marker) is skipped and ends the
/// current sentence. A trailing <c>\r</c> is removed (Windows line ends). Columns are otherwise kept verbatim.</para>
/// <para>The file is read as untrusted text: strict UTF-8 (a byte-order mark is allowed), lines of at most 65,536
/// characters, and every error names the file and the line.</para>
/// </remarks>
public static class ConllReader
{
    /// <summary>The token of CoNLL-2003's document-separator lines, which are skipped.</summary>
    public const string DocumentStart = "-DOCSTART-";

    /// <summary>Reads every sentence of a CoNLL-style file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="tagColumn">The 0-based column of the tag, or −1 (default) for the last column of each line.</param>
    /// <param name="tokenColumn">The 0-based column of the token. Default 0.</param>
    /// <param name="separator">The character between columns. Default tab; use <c>' '</c> for CoNLL-2003 files (one space per
    /// column boundary).</param>
    /// <returns>The sentences, in file order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty, or <paramref name="separator"/> is a line-end character.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tagColumn"/> is below −1, <paramref name="tokenColumn"/> is
    /// negative, or both name the same column.</exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>; the message gives the full path.</exception>
    /// <exception cref="InvalidDataException">A line has too few columns for the token and the tag, or an empty token or tag,
    /// is longer than 65,536 characters, or is not valid UTF-8; the message names the file, the line and what was found.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static IReadOnlyList<TaggedSentence> Load(string path, int tagColumn = -1, int tokenColumn = 0, char separator = '\t')
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        CheckColumns(tagColumn, tokenColumn, separator);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No CoNLL file at '{path}' (full path '{Path.GetFullPath(path)}'); check the path.", path);
        }

        using var reader = new StreamReader(path, LineReader.Strict, detectEncodingFromByteOrderMarks: true, new FileStreamOptions { BufferSize = 1 << 16 });
        return Read(reader, path, tagColumn, tokenColumn, separator);
    }

    /// <summary>As <see cref="Load"/>, from any reader; <paramref name="source"/> names it in messages.</summary>
    internal static IReadOnlyList<TaggedSentence> Read(TextReader reader, string source, int tagColumn = -1, int tokenColumn = 0, char separator = '\t')
    {
        CheckColumns(tagColumn, tokenColumn, separator);
        var sentences = new List<TaggedSentence>();
        var tokens = new List<string>();
        var tags = new List<string>();
        int firstLine = 0;
        // The last column is the tag only when it is not the token's: tokenColumn + 2 columns at least.
        int needed = tagColumn < 0 ? tokenColumn + 2 : Math.Max(tokenColumn, tagColumn) + 1;
        var lines = new LineReader(reader, source, FileLimits.MaxConllLineChars);
        while (lines.ReadLine() is { } text)
        {
            int lineNumber = lines.LineNumber;
            string line = text.EndsWith('\r') ? text[..^1] : text;
            if (string.IsNullOrWhiteSpace(line))
            {
                Flush();
                continue;
            }

            string[] columns = line.Split(separator);
            if (columns.Length < needed)
            {
                throw new InvalidDataException(
                    $"{source} line {lineNumber} has {columns.Length} column(s) but the token (column {tokenColumn}) and the tag ({Describe(tagColumn)}) need at least {needed}, separated by {Describe(separator)}: '{Shorten(line)}'. Check the separator and the column numbers.");
            }

            string token = columns[tokenColumn];
            if (token == DocumentStart)
            {
                Flush();
                continue;
            }

            string tag = columns[tagColumn < 0 ? columns.Length - 1 : tagColumn];
            if (token.Length == 0 || tag.Length == 0)
            {
                throw new InvalidDataException(
                    $"{source} line {lineNumber} has an empty {(token.Length == 0 ? "token" : "tag")}: '{Shorten(line)}'. Every line needs a non-empty token and tag (two separators in a row leave an empty column).");
            }

            if (tokens.Count == 0)
            {
                firstLine = lineNumber;
            }

            tokens.Add(token);
            tags.Add(tag);
        }

        Flush();
        return sentences;

        void Flush()
        {
            if (tokens.Count > 0)
            {
                sentences.Add(new TaggedSentence(tokens.ToArray(), tags.ToArray(), firstLine));
                tokens.Clear();
                tags.Clear();
            }
        }
    }

    private static void CheckColumns(int tagColumn, int tokenColumn, char separator)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tagColumn, -1);
        ArgumentOutOfRangeException.ThrowIfNegative(tokenColumn);
        if (tagColumn == tokenColumn)
        {
            throw new ArgumentOutOfRangeException(nameof(tagColumn), tagColumn, $"The tag column must differ from the token column ({tokenColumn}).");
        }

        if (separator is '\n' or '\r')
        {
            throw new ArgumentException("The column separator cannot be a line end; use '\\t' (default) or ' '.", nameof(separator));
        }
    }

    private static string Describe(int tagColumn) => tagColumn < 0 ? "the last column" : $"column {tagColumn}";

    private static string Describe(char separator) => separator switch
    {
        '\t' => "a tab",
        ' ' => "a space",
        _ => $"'{separator}'",
    };

    private static string Shorten(string line) => line.Length <= 80 ? line : line[..80] + "…";
}
