using System.Collections.ObjectModel;
using System.Text;

namespace MLNetRnn.Text;

/// <summary>A two-way map between tokens and integer ids, with reserved ids for padding and unknown tokens.</summary>
/// <remarks>
/// <para>
/// Id layout: <see cref="Pad"/> = 0, <see cref="Unknown"/> = 1, then, when <see cref="HasBeginEnd"/>,
/// <see cref="BeginOfSequence"/> = 2 and <see cref="EndOfSequence"/> = 3, then the ordinary tokens. The four special
/// strings are reserved: they never appear as ordinary tokens, and <c>&lt;BOS&gt;</c>/<c>&lt;EOS&gt;</c> exist only
/// together at ids 2 and 3. Tokens are compared ordinally (case-sensitive, no normalisation); a token is never empty.
/// </para>
/// <para>
/// <see cref="Encode"/> does not add <see cref="BeginId"/>/<see cref="EndId"/>; put them around the ids yourself.
/// Instances are immutable and safe to share across threads.
/// </para>
/// </remarks>
public sealed class Vocabulary
{
    /// <summary>The padding token, always id <see cref="PadId"/>.</summary>
    public const string Pad = "<PAD>";

    /// <summary>The token that stands for every token not in the vocabulary, always id <see cref="UnknownId"/>.</summary>
    public const string Unknown = "<UNK>";

    /// <summary>The begin-of-sequence token, id 2 when <see cref="HasBeginEnd"/>.</summary>
    public const string BeginOfSequence = "<BOS>";

    /// <summary>The end-of-sequence token, id 3 when <see cref="HasBeginEnd"/>.</summary>
    public const string EndOfSequence = "<EOS>";

    /// <summary>The id of <see cref="Pad"/>: 0.</summary>
    public const int PadId = 0;

    /// <summary>The id of <see cref="Unknown"/>: 1.</summary>
    public const int UnknownId = 1;

    private readonly string[] _tokens; // id -> token
    private readonly Dictionary<string, int> _ids; // token -> id, ordinal

    private Vocabulary(string[] tokens, Dictionary<string, int> ids, bool hasBeginEnd)
    {
        _tokens = tokens;
        _ids = ids;
        HasBeginEnd = hasBeginEnd;
        Tokens = Array.AsReadOnly(tokens);
    }

    /// <summary>Gets the number of ids, special tokens included.</summary>
    public int Count => _tokens.Length;

    /// <summary>Gets whether the vocabulary has <see cref="BeginOfSequence"/> (id 2) and <see cref="EndOfSequence"/> (id 3).</summary>
    public bool HasBeginEnd { get; }

    /// <summary>Gets the id of <see cref="BeginOfSequence"/>: 2.</summary>
    /// <exception cref="InvalidOperationException">The vocabulary has no begin/end tokens (<see cref="HasBeginEnd"/> is <see langword="false"/>).</exception>
    public int BeginId => HasBeginEnd ? 2 : throw NoBeginEnd(nameof(BeginId));

    /// <summary>Gets the id of <see cref="EndOfSequence"/>: 3.</summary>
    /// <exception cref="InvalidOperationException">The vocabulary has no begin/end tokens (<see cref="HasBeginEnd"/> is <see langword="false"/>).</exception>
    public int EndId => HasBeginEnd ? 3 : throw NoBeginEnd(nameof(EndId));

    /// <summary>Gets every token in id order (the token at index i has id i), special tokens included.</summary>
    public IReadOnlyList<string> Tokens { get; }

    /// <summary>Gets the token with the given id.</summary>
    /// <param name="id">An id in [0, <see cref="Count"/>).</param>
    /// <returns>The token; for <see cref="PadId"/> it is <see cref="Pad"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is negative or not less than <see cref="Count"/>.</exception>
    public string this[int id]
    {
        get
        {
            if ((uint)id >= (uint)_tokens.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(id), id, $"Token id {id} is outside this vocabulary, whose ids are 0 to {_tokens.Length - 1} (Count = {_tokens.Length}).");
            }

            return _tokens[id];
        }
    }

    /// <summary>
    /// Builds a vocabulary from tokenized documents: counts every token and keeps the most frequent ones.
    /// </summary>
    /// <remarks>
    /// Tokens seen at least <paramref name="minCount"/> times are ordered by count, most frequent first; ties keep the
    /// order in which the tokens first appeared, so the result is deterministic. Ids are given in that order after the
    /// special tokens, until <paramref name="maxSize"/> ids are used. A token equal to a special string
    /// (<c>&lt;PAD&gt;</c>, <c>&lt;UNK&gt;</c>, <c>&lt;BOS&gt;</c>, <c>&lt;EOS&gt;</c>) is never added as an ordinary token:
    /// it is the special itself, or, for <c>&lt;BOS&gt;</c>/<c>&lt;EOS&gt;</c> without <paramref name="addBeginEnd"/>,
    /// unknown.
    /// </remarks>
    /// <param name="documents">The documents, each a sequence of tokens (for example from <see cref="ITokenizer.Tokenize"/>).</param>
    /// <param name="minCount">The fewest occurrences a token needs to be kept; at least 1. Default 1 (keep all).</param>
    /// <param name="maxSize">The largest <see cref="Count"/>, special tokens included (so 10 without begin/end gives at most 8 ordinary tokens). Default unlimited.</param>
    /// <param name="addBeginEnd">Whether to reserve ids 2 and 3 for <see cref="BeginOfSequence"/> and <see cref="EndOfSequence"/>. Default <see langword="false"/>.</param>
    /// <returns>The vocabulary.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="documents"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minCount"/> is less than 1, or <paramref name="maxSize"/> is less than the number of special tokens (2, or 4 with <paramref name="addBeginEnd"/>).</exception>
    /// <exception cref="ArgumentException">A document is <see langword="null"/>, or holds a <see langword="null"/> or empty token; the message gives its position.</exception>
    public static Vocabulary Build(IEnumerable<IEnumerable<string>> documents, int minCount = 1, int maxSize = int.MaxValue, bool addBeginEnd = false)
    {
        ArgumentNullException.ThrowIfNull(documents);
        if (minCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(minCount), minCount, $"minCount is {minCount}; it must be at least 1 (1 keeps every token seen).");
        }

        int specials = addBeginEnd ? 4 : 2;
        if (maxSize < specials)
        {
            throw new ArgumentOutOfRangeException(nameof(maxSize), maxSize, $"maxSize is {maxSize}, but the special tokens alone need {specials} ids ({string.Join(", ", Specials(addBeginEnd))}); use at least {specials}.");
        }

        var index = new Dictionary<string, int>(StringComparer.Ordinal); // token -> position in counts
        var counts = new List<(string Token, long Count)>(); // in order of first appearance
        int d = 0;
        foreach (IEnumerable<string>? document in documents)
        {
            if (document is null)
            {
                throw new ArgumentException($"Document {d} is null; pass an empty sequence for a document without tokens.", nameof(documents));
            }

            int t = 0;
            foreach (string? token in document)
            {
                if (string.IsNullOrEmpty(token))
                {
                    throw new ArgumentException($"Document {d} has {(token is null ? "a null" : "an empty")} token at position {t}; tokens must be non-empty strings (drop empty entries, for example with StringSplitOptions.RemoveEmptyEntries).", nameof(documents));
                }

                if (!IsReserved(token))
                {
                    if (index.TryGetValue(token, out int position))
                    {
                        counts[position] = (token, counts[position].Count + 1);
                    }
                    else
                    {
                        index.Add(token, counts.Count);
                        counts.Add((token, 1));
                    }
                }

                t++;
            }

            d++;
        }

        // Stable order: count descending, then first appearance (the list position).
        var order = new int[counts.Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) => counts[a].Count != counts[b].Count ? counts[b].Count.CompareTo(counts[a].Count) : a.CompareTo(b));

        var tokens = new List<string>(Specials(addBeginEnd));
        foreach (int position in order)
        {
            if (tokens.Count >= maxSize || counts[position].Count < minCount)
            {
                break;
            }

            tokens.Add(counts[position].Token);
        }

        return Create(tokens, static id => $"token id {id}", static message => new InvalidOperationException(message));
    }

    /// <summary>
    /// Returns this vocabulary followed by the given tokens it does not have yet, in their order, up to
    /// <paramref name="maxSize"/> ids in all: for example the words of pretrained vectors, so that words never seen in
    /// training still get their own id (and their pretrained vector) instead of <c>&lt;UNK&gt;</c>.
    /// </summary>
    /// <param name="tokens">The tokens to add; those already present and the special tokens' texts are skipped.</param>
    /// <param name="maxSize">The largest <see cref="Count"/> of the result, special tokens included. Default unlimited.</param>
    /// <returns>The extended vocabulary (this one when nothing is added); existing tokens keep their ids.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tokens"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A token is <see langword="null"/> or empty; the message gives its position.</exception>
    public Vocabulary Extend(IEnumerable<string> tokens, int maxSize = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var all = new List<string>(_tokens);
        var seen = new HashSet<string>(_tokens, StringComparer.Ordinal);
        int position = 0;
        foreach (string? token in tokens)
        {
            if (all.Count >= maxSize)
            {
                break;
            }

            if (string.IsNullOrEmpty(token))
            {
                throw new ArgumentException($"The token at position {position} is {(token is null ? "null" : "empty")}; tokens must be non-empty strings.", nameof(tokens));
            }

            if (!IsReserved(token) && seen.Add(token))
            {
                all.Add(token);
            }

            position++;
        }

        return all.Count == _tokens.Length ? this : FromTokens(all);
    }

    /// <summary>Creates a vocabulary from its tokens in id order, as <see cref="Tokens"/> lists them.</summary>
    /// <param name="tokensInIdOrder">The tokens: <c>&lt;PAD&gt;</c>, <c>&lt;UNK&gt;</c>, optionally <c>&lt;BOS&gt;</c> and <c>&lt;EOS&gt;</c>, then the ordinary tokens. <see cref="HasBeginEnd"/> is inferred from ids 2 and 3.</param>
    /// <returns>The vocabulary.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tokensInIdOrder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The tokens break the layout: id 0 is not <c>&lt;PAD&gt;</c> or id 1 not <c>&lt;UNK&gt;</c>; a token is <see langword="null"/>, empty or repeated; or <c>&lt;BOS&gt;</c>/<c>&lt;EOS&gt;</c> appear other than together at ids 2 and 3. The message names the id.</exception>
    public static Vocabulary FromTokens(IEnumerable<string> tokensInIdOrder)
    {
        ArgumentNullException.ThrowIfNull(tokensInIdOrder);
        return Create(new List<string>(tokensInIdOrder), static id => $"token id {id}", static message => new ArgumentException(message, nameof(tokensInIdOrder)));
    }

    /// <summary>Gets the id of a token, or <see cref="UnknownId"/> when the vocabulary does not have it.</summary>
    /// <param name="token">The token, compared ordinally.</param>
    /// <returns>The token's id, or <see cref="UnknownId"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="token"/> is <see langword="null"/>.</exception>
    public int GetId(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return _ids.TryGetValue(token, out int id) ? id : UnknownId;
    }

    /// <summary>Gets the id of a token if the vocabulary has it.</summary>
    /// <param name="token">The token, compared ordinally.</param>
    /// <param name="id">The token's id, or <see cref="UnknownId"/> when absent.</param>
    /// <returns><see langword="true"/> when the vocabulary has the token (the special tokens included).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="token"/> is <see langword="null"/>.</exception>
    public bool TryGetId(string token, out int id)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (_ids.TryGetValue(token, out id))
        {
            return true;
        }

        id = UnknownId;
        return false;
    }

    /// <summary>Gets whether the vocabulary has a token (the special tokens included).</summary>
    /// <param name="token">The token, compared ordinally.</param>
    /// <returns><see langword="true"/> when the token has its own id.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="token"/> is <see langword="null"/>.</exception>
    public bool Contains(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return _ids.ContainsKey(token);
    }

    /// <summary>Maps tokens to ids; tokens not in the vocabulary map to <see cref="UnknownId"/>.</summary>
    /// <param name="tokens">The tokens.</param>
    /// <returns>One id per token, in order. No begin/end ids are added.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tokens"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A token is <see langword="null"/>; the message gives its position.</exception>
    public int[] Encode(IReadOnlyList<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var ids = new int[tokens.Count];
        for (int i = 0; i < ids.Length; i++)
        {
            string token = tokens[i] ?? throw new ArgumentException($"The token at position {i} is null; tokens must be non-null strings.", nameof(tokens));
            ids[i] = _ids.TryGetValue(token, out int id) ? id : UnknownId;
        }

        return ids;
    }

    /// <summary>Maps ids back to tokens. Special ids give their special strings (padding is not removed).</summary>
    /// <param name="ids">Ids, each in [0, <see cref="Count"/>).</param>
    /// <returns>One token per id, in order.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside [0, <see cref="Count"/>); the message gives its position and value.</exception>
    public string[] Decode(ReadOnlySpan<int> ids)
    {
        var tokens = new string[ids.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            int id = ids[i];
            if ((uint)id >= (uint)_tokens.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"The id at position {i} is {id}, outside this vocabulary, whose ids are 0 to {_tokens.Length - 1} (Count = {_tokens.Length}).");
            }

            tokens[i] = _tokens[id];
        }

        return tokens;
    }

    /// <summary>Writes the vocabulary as text: one token per line, in id order, each line ended by <c>\n</c>.</summary>
    /// <remarks>
    /// Format: line i+1 holds the token with id i, so the file starts <c>&lt;PAD&gt;</c>, <c>&lt;UNK&gt;</c>. Four characters are
    /// escaped so every token fits on one line: a backslash as <c>\\</c>, a line feed as <c>\n</c>, a carriage return as
    /// <c>\r</c> and a tab as <c>\t</c> (backslash then letter). Nothing else is changed; a token <c>" "</c> is a line holding
    /// one space. Create <paramref name="writer"/> with UTF-8 encoding (for example <c>new StreamWriter(path)</c>).
    /// </remarks>
    /// <param name="writer">Where to write; it is not closed.</param>
    /// <exception cref="ArgumentNullException"><paramref name="writer"/> is <see langword="null"/>.</exception>
    public void Save(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var line = new StringBuilder();
        foreach (string token in _tokens)
        {
            line.Clear();
            foreach (char c in token)
            {
                _ = c switch { '\\' => line.Append(@"\\"), '\n' => line.Append(@"\n"), '\r' => line.Append(@"\r"), '\t' => line.Append(@"\t"), _ => line.Append(c) };
            }

            line.Append('\n');
            writer.Write(line);
        }

        writer.Flush();
    }

    /// <summary>Reads a vocabulary written by <see cref="Save"/>, undoing its escapes and checking the layout.</summary>
    /// <param name="reader">Where to read from (UTF-8 text); it is not closed. Line ends <c>\n</c> and <c>\r\n</c> are both accepted.</param>
    /// <returns>The vocabulary; <see cref="HasBeginEnd"/> is inferred from lines 3 and 4.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="reader"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDataException">
    /// The text is not a vocabulary: line 1 is not <c>&lt;PAD&gt;</c> or line 2 not <c>&lt;UNK&gt;</c> (or the text is shorter),
    /// a line is empty, a line repeats an earlier token, <c>&lt;BOS&gt;</c>/<c>&lt;EOS&gt;</c> appear other than together on
    /// lines 3 and 4, or a backslash starts an unknown escape. The message names the line.
    /// </exception>
    public static Vocabulary Load(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var tokens = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            tokens.Add(Unescape(line, tokens.Count + 1));
        }

        return Create(tokens, static id => $"vocab line {id + 1}", static message => new InvalidDataException(message));
    }

    private static string Unescape(string line, int lineNumber)
    {
        int slash = line.IndexOf('\\');
        if (slash < 0)
        {
            return line;
        }

        var token = new StringBuilder(line.Length);
        token.Append(line, 0, slash);
        for (int i = slash; i < line.Length; i++)
        {
            char c = line[i];
            if (c != '\\')
            {
                token.Append(c);
                continue;
            }

            char next = i + 1 < line.Length ? line[i + 1] : '\0';
            token.Append(next switch
            {
                '\\' => '\\',
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                _ => throw new InvalidDataException($"vocab line {lineNumber} has {(i + 1 < line.Length ? $"the unknown escape '\\{next}'" : "a lone backslash at its end")} (column {i + 1}); the only escapes are \\\\, \\n, \\r and \\t, so a literal backslash must be written '\\\\'."),
            });
            i++;
        }

        return token.ToString();
    }

    /// <summary>
    /// Checks the id layout and builds the lookup. <paramref name="where"/> names a position for messages ("vocab line 3"),
    /// <paramref name="error"/> wraps a message in the exception to throw.
    /// </summary>
    private static Vocabulary Create(List<string> tokens, Func<int, string> where, Func<string, Exception> error)
    {
        if (tokens.Count < 2)
        {
            throw error($"{where(tokens.Count)} is missing: a vocabulary has at least {Pad} (id 0) and {Unknown} (id 1), but there are only {tokens.Count}.");
        }

        ExpectAt(tokens, 0, Pad, where, error);
        ExpectAt(tokens, 1, Unknown, where, error);
        bool hasBeginEnd = tokens.Count > 2 && (tokens[2] == BeginOfSequence || tokens[2] == EndOfSequence);
        if (hasBeginEnd)
        {
            ExpectAt(tokens, 2, BeginOfSequence, where, error);
            if (tokens.Count < 4)
            {
                throw error($"{where(3)} is missing: {BeginOfSequence} at id 2 must be followed by {EndOfSequence} at id 3.");
            }

            ExpectAt(tokens, 3, EndOfSequence, where, error);
        }

        var ids = new Dictionary<string, int>(tokens.Count, StringComparer.Ordinal);
        for (int id = 0; id < tokens.Count; id++)
        {
            string token = tokens[id];
            if (string.IsNullOrEmpty(token))
            {
                throw error($"{where(id)} is {(token is null ? "null" : "empty")}; every token must be a non-empty string (remove the blank entry; a space token is written as one space).");
            }

            if (id >= (hasBeginEnd ? 4 : 2) && (token == BeginOfSequence || token == EndOfSequence))
            {
                throw error($"{where(id)} is '{token}', which is reserved: {BeginOfSequence} and {EndOfSequence} may only appear together at ids 2 and 3, right after {Unknown}.");
            }

            if (!ids.TryAdd(token, id))
            {
                throw error($"{where(id)} is '{token}', the same as {where(ids[token])}; every token must be unique.");
            }
        }

        return new Vocabulary(tokens.ToArray(), ids, hasBeginEnd);
    }

    private static void ExpectAt(List<string> tokens, int id, string expected, Func<int, string> where, Func<string, Exception> error)
    {
        if (tokens[id] != expected)
        {
            throw error($"{where(id)} is '{tokens[id]}', expected '{expected}'; a vocabulary starts {Pad}, {Unknown}, then optionally {BeginOfSequence}, {EndOfSequence}, as Vocabulary.Save writes it.");
        }
    }

    private static bool IsReserved(string token) =>
        token is Pad or Unknown or BeginOfSequence or EndOfSequence;

    private static string[] Specials(bool addBeginEnd) =>
        addBeginEnd ? [Pad, Unknown, BeginOfSequence, EndOfSequence] : [Pad, Unknown];

    private static InvalidOperationException NoBeginEnd(string property) =>
        new($"{property} is not available: this vocabulary has no {BeginOfSequence}/{EndOfSequence} tokens. Build it with Vocabulary.Build(..., addBeginEnd: true) to reserve ids 2 and 3 for them.");
}
