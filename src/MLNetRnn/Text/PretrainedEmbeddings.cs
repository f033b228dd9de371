using System.Globalization;

namespace MLNetRnn.Text;

// E = vector dimension (Dimension), N = number of vectors kept (Count), V = vocabulary size.

/// <summary>Pretrained word vectors (GloVe or word2vec, text format), used to initialise an embedding table.</summary>
/// <remarks>
/// <para>Accepted formats (UTF-8, with or without a byte-order mark; <c>\n</c> or <c>\r\n</c> line ends):</para>
/// <list type="bullet">
/// <item><b>GloVe text</b>: one vector per line, <c>word v1 v2 … vE</c>, fields separated by spaces (tabs also accepted), no header.</item>
/// <item><b>word2vec text</b>: the same lines after a header line <c>count dim</c>. The header is recognised when line 1
/// has exactly two fields and both are non-negative integers; then every vector must have <c>dim</c> values and the
/// file must hold exactly <c>count</c> vector lines. (A GloVe file of one-dimensional vectors whose first word is an
/// integer would be mistaken for a header; real files never look like that.)</item>
/// </list>
/// <para>
/// Values are parsed with <see cref="CultureInfo.InvariantCulture"/> (<c>.</c> as decimal point, exponents allowed) and
/// must be finite. Trailing spaces and blank lines are ignored. A word is the first field, so it cannot contain a
/// space or tab; it is kept exactly as written (no case folding), so match the tokenizer to the file: GloVe's
/// <c>6B</c> vectors are lower-case, use <see cref="WordTokenizer.LowerCase"/>. When a word occurs twice, its first
/// vector wins. Binary word2vec files (<c>.bin</c>) are not read; convert them to text first.
/// </para>
/// <para>Vectors are stored in one (N, E) row-major array. Instances are immutable and safe to share across threads.</para>
/// </remarks>
public sealed class PretrainedEmbeddings
{
    private const int MissingSampleSize = 10;

    private readonly float[] _vectors; // (N, E) row-major
    private readonly Dictionary<string, int> _rows; // word -> row in _vectors

    private PretrainedEmbeddings(float[] vectors, Dictionary<string, int> rows, int dimension, string source)
    {
        Source = source;
        _vectors = vectors;
        _rows = rows;
        Dimension = dimension;
        var words = new string[rows.Count];
        foreach (var (word, row) in rows)
        {
            words[row] = word;
        }

        Words = words;
    }

    /// <summary>Gets where the vectors came from: the file as given to <see cref="Load"/>, or <see cref="BuiltInName"/>.</summary>
    public string Source { get; }

    /// <summary>Gets E, the number of values in each vector.</summary>
    public int Dimension { get; }

    /// <summary>Gets N, the number of words kept.</summary>
    public int Count => _rows.Count;

    /// <summary>Gets the words kept, in the file's order (GloVe's files list the most frequent words first).</summary>
    public IReadOnlyList<string> Words { get; }

    /// <summary>Reads a GloVe or word2vec text file (format detected, see the remarks).</summary>
    /// <param name="path">The file to read.</param>
    /// <param name="only">
    /// When not <see langword="null"/>, only words in this set are kept, to save memory (pass the vocabulary's tokens).
    /// Membership is decided by the set itself (an ordinal <see cref="HashSet{T}"/> gives an exact match). Every line is still
    /// checked for its number of values, but values of skipped words are not parsed.
    /// </param>
    /// <returns>The vectors.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>; the message gives the full path.</exception>
    /// <exception cref="InvalidDataException">
    /// The file is not word vectors in text format: no vectors at all, a word without values, a line whose number of
    /// values differs from the first line's (or the header's), a value that is not a finite number, a malformed header, a
    /// vector-line count that differs from the header's, bytes that are not valid UTF-8, or a line longer than 1,048,576
    /// characters (the file is read as untrusted input). The message names the file, the line and the values involved.
    /// </exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static PretrainedEmbeddings Load(string path, IReadOnlySet<string>? only = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No word-vector file at '{path}' (full path '{Path.GetFullPath(path)}'); check the path, or download the vectors (for example GloVe's glove.6B.100d.txt) first.", path);
        }

        using var reader = new StreamReader(path, LineReader.Strict, detectEncodingFromByteOrderMarks: true, new FileStreamOptions { BufferSize = 1 << 16 });
        return Read(reader, path, only);
    }

    /// <summary>The name of <see cref="LoadBuiltIn"/>'s vectors in messages and reports.</summary>
    public const string BuiltInName = "GloVe 6B 100d, 20,000 most frequent words (built in)";

    private const string BuiltInResource = "MLNetRnn.Text.glove.6B.100d.top20k.txt.gz";

    private static readonly Lazy<PretrainedEmbeddings> BuiltIn = new(ReadBuiltIn, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Gets the vectors built into this library: GloVe 6B (Wikipedia 2014 + Gigaword 5; Pennington, Socher and Manning,
    /// 2014; PDDL), 100 dimensions, the 20,000 most frequent words in GloVe's order, lower-case as
    /// <see cref="WordTokenizer"/> writes them. Chosen without looking at any dataset. They are read once (about
    /// 8 MB in memory) and shared; the object is immutable, so any thread may use it.
    /// </summary>
    /// <returns>The built-in vectors.</returns>
    /// <remarks>
    /// With <c>Transforms.Text.MapTokensToIds(…, additionalTokens: LoadBuiltIn().Words)</c> and
    /// <c>SequenceClassificationOptions.PretrainedEmbeddings</c>, words never seen in training still get their vector
    /// (rather than <c>&lt;UNK&gt;</c>): the main reason pretrained vectors help on small training sets.
    /// </remarks>
    public static PretrainedEmbeddings LoadBuiltIn() => BuiltIn.Value;

    private static PretrainedEmbeddings ReadBuiltIn()
    {
        using var stream = typeof(PretrainedEmbeddings).Assembly.GetManifestResourceStream(BuiltInResource)
            ?? throw new InvalidOperationException($"The built-in vectors ({BuiltInResource}) are missing from {typeof(PretrainedEmbeddings).Assembly.GetName().Name}; the package is damaged, reinstall it.");
        using var unzip = new System.IO.Compression.GZipStream(stream, System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(unzip, LineReader.Strict, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16);
        return Read(reader, BuiltInName, only: null);
    }

    /// <summary>Reads vectors from <paramref name="reader"/>; <paramref name="source"/> names it in messages.</summary>
    internal static PretrainedEmbeddings Read(TextReader reader, string source, IReadOnlySet<string>? only)
    {
        var rows = new Dictionary<string, int>(StringComparer.Ordinal);
        float[] vectors = [];
        int dimension = 0, dimensionLine = 0, lineNumber = 0;
        long headerCount = -1, vectorLines = 0;
        var lines = new LineReader(reader, source, Files.FileLimits.MaxWordVectorLineChars);
        while (lines.ReadLine() is { } text)
        {
            lineNumber = lines.LineNumber;
            ReadOnlySpan<char> line = text.AsSpan().Trim(" \t\r");
            if (line.IsEmpty)
            {
                continue;
            }

            if (line.Contains('\0'))
            {
                throw new InvalidDataException($"{source} line {lineNumber} holds binary data; only the text formats (GloVe, word2vec text) are read. Convert a binary word2vec (.bin) file to text first.");
            }

            if (lineNumber == 1 && TryParseHeader(line, source, out headerCount, out dimension))
            {
                dimensionLine = 1;
                continue;
            }

            int wordEnd = line.IndexOfAny(' ', '\t');
            string word = new(wordEnd < 0 ? line : line[..wordEnd]);
            ReadOnlySpan<char> values = wordEnd < 0 ? [] : line[(wordEnd + 1)..];
            int valueCount = CountFields(values);
            if (valueCount == 0)
            {
                throw new InvalidDataException($"{source} line {lineNumber} has the word '{word}' but no values; each line must be 'word v1 v2 … vE'.");
            }

            if (dimension == 0)
            {
                dimension = valueCount;
                dimensionLine = lineNumber;
            }
            else if (valueCount != dimension)
            {
                string first = dimensionLine == 1 && headerCount >= 0 ? "the word2vec header on line 1 says" : $"line {dimensionLine} has";
                throw new InvalidDataException($"{source} line {lineNumber} (word '{word}') has {valueCount} values but {first} {dimension}; every vector must have the same dimension. The file may be truncated or corrupted, or a word may contain a space.");
            }

            vectorLines++;
            if ((only is not null && !only.Contains(word)) || rows.ContainsKey(word))
            {
                continue;
            }

            int row = rows.Count;
            if ((long)(row + 1) * dimension > Array.MaxLength)
            {
                throw new InvalidDataException($"{source} line {lineNumber}: keeping more than {row} vectors of dimension {dimension} exceeds the largest array .NET allows; pass 'only' (for example the vocabulary's tokens) to keep just the words you need.");
            }

            if ((long)(row + 1) * dimension > vectors.Length)
            {
                long wanted = Math.Max((long)(row + 1) * dimension, Math.Max(1024L, (long)vectors.Length * 2));
                Array.Resize(ref vectors, (int)Math.Min(wanted, Array.MaxLength));
            }

            ParseValues(values, vectors.AsSpan(row * dimension, dimension), source, lineNumber, word, headerCount >= 0);
            rows.Add(word, row);
        }

        if (dimension == 0)
        {
            throw new InvalidDataException($"{source} holds no vectors; expected GloVe text ('word v1 … vE' per line) or word2vec text (a 'count dim' header, then the same lines).");
        }

        if (headerCount >= 0 && vectorLines != headerCount)
        {
            throw new InvalidDataException($"{source}: the word2vec header on line 1 says {headerCount} vectors but the file has {vectorLines}; the file may be truncated. Download it again, or correct the header.");
        }

        if (vectors.Length != rows.Count * dimension)
        {
            Array.Resize(ref vectors, rows.Count * dimension);
        }

        return new PretrainedEmbeddings(vectors, rows, dimension, source);
    }

    /// <summary>Gets the vector of a word, matched exactly (ordinal).</summary>
    /// <param name="word">The word.</param>
    /// <param name="vector">The word's <see cref="Dimension"/> values (read-only view of the stored row), or empty when absent.</param>
    /// <returns><see langword="true"/> when the word has a vector.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="word"/> is <see langword="null"/>.</exception>
    public bool TryGetVector(string word, out ReadOnlyMemory<float> vector)
    {
        ArgumentNullException.ThrowIfNull(word);
        if (_rows.TryGetValue(word, out int row))
        {
            vector = new ReadOnlyMemory<float>(_vectors, row * Dimension, Dimension);
            return true;
        }

        vector = ReadOnlyMemory<float>.Empty;
        return false;
    }

    /// <summary>Copies the pretrained vector of every vocabulary token that has one into that token's row of an embedding table.</summary>
    /// <remarks>
    /// For each id from 1 to V − 1, row <c>weights[id*E .. id*E + E)</c> is overwritten with the vector of
    /// <c>vocabulary[id]</c> if the file has that exact token; otherwise the row is left as it is (keep its random
    /// initialisation). Row 0, <see cref="Vocabulary.Pad"/>, is never touched. The other special tokens are looked up
    /// like any other (usually missing). Typical use: <c>Apply(vocabulary, embedding.Weight.Value)</c>.
    /// </remarks>
    /// <param name="vocabulary">The vocabulary whose ids index the rows.</param>
    /// <param name="weights">The (V, E) row-major table, exactly V*E floats with V = <see cref="Vocabulary.Count"/> and E = <see cref="Dimension"/>.</param>
    /// <returns>How many tokens were found and missing, with a sample of the missing ones.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="vocabulary"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="weights"/> does not hold exactly V*E floats; the message gives both numbers.</exception>
    public EmbeddingInitReport Apply(Vocabulary vocabulary, Span<float> weights)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        return Apply(vocabulary.Tokens, weights);
    }

    /// <summary>Copies the pretrained vector of every token that has one into the row of its id, as <see cref="Apply(Vocabulary, Span{float})"/> does.</summary>
    /// <param name="tokensInIdOrder">The token of every id, id 0 (padding, never touched) first.</param>
    /// <param name="weights">The (V, E) row-major table, V = the number of tokens.</param>
    /// <returns>How many tokens were found and missing, with a sample of the missing ones.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tokensInIdOrder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="weights"/> does not hold exactly V*E floats; the message gives both numbers.</exception>
    public EmbeddingInitReport Apply(IReadOnlyList<string> tokensInIdOrder, Span<float> weights)
    {
        ArgumentNullException.ThrowIfNull(tokensInIdOrder);
        int e = Dimension, count = tokensInIdOrder.Count;
        long expected = (long)count * e;
        if (weights.Length != expected)
        {
            throw new ArgumentException($"weights has {weights.Length} floats, but the vocabulary's {count} tokens × dimension {e} need {expected}; pass the (V, E) = ({count}, {e}) table (an embedding with embedding size {e}).", nameof(weights));
        }

        int found = 0;
        var missing = new List<string>(MissingSampleSize);
        int missingCount = 0;
        for (int id = 1; id < count; id++)
        {
            string token = tokensInIdOrder[id];
            if (_rows.TryGetValue(token, out int row))
            {
                _vectors.AsSpan(row * e, e).CopyTo(weights.Slice(id * e, e));
                found++;
            }
            else
            {
                missingCount++;
                if (missing.Count < MissingSampleSize)
                {
                    missing.Add(token);
                }
            }
        }

        return new EmbeddingInitReport(found, missingCount, missing.AsReadOnly());
    }

    private static bool TryParseHeader(ReadOnlySpan<char> line, string source, out long count, out int dimension)
    {
        count = -1;
        dimension = 0;
        int split = line.IndexOfAny(' ', '\t');
        if (split < 0 || CountFields(line[(split + 1)..]) != 1)
        {
            return false;
        }

        ReadOnlySpan<char> first = line[..split], second = line[(split + 1)..].Trim(" \t");
        if (!long.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out count)
            || !ulong.TryParse(second, NumberStyles.None, CultureInfo.InvariantCulture, out ulong dim))
        {
            count = -1;
            return false;
        }

        if (dim is 0 or > int.MaxValue)
        {
            throw new InvalidDataException($"{source} line 1 is a word2vec header '{line}' with dimension {dim}; the dimension must be between 1 and {int.MaxValue}.");
        }

        dimension = (int)dim;
        return true;
    }

    private static int CountFields(ReadOnlySpan<char> s)
    {
        int count = 0;
        bool inField = false;
        foreach (char c in s)
        {
            bool separator = c is ' ' or '\t';
            if (!separator && !inField)
            {
                count++;
            }

            inField = !separator;
        }

        return count;
    }

    private static void ParseValues(ReadOnlySpan<char> s, Span<float> destination, string source, int lineNumber, string word, bool hasHeader)
    {
        int k = 0;
        while (!s.IsEmpty)
        {
            s = s.TrimStart(" \t");
            int end = s.IndexOfAny(' ', '\t');
            ReadOnlySpan<char> field = end < 0 ? s : s[..end];
            s = end < 0 ? [] : s[end..];
            if (field.IsEmpty)
            {
                continue;
            }

            if (!float.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) || !float.IsFinite(value))
            {
                throw new InvalidDataException($"{source} line {lineNumber}: value {k + 1} of word '{word}' is '{field}', which is not a finite number; values must be numbers such as -0.125 or 3e-4 written with '.' as the decimal point."
                    + (hasHeader ? " If this is a binary word2vec (.bin) file, convert it to text first." : ""));
            }

            destination[k++] = value;
        }
    }
}
