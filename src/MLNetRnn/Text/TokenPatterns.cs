using System.Buffers;
using System.Globalization;
using System.Text;

namespace MLNetRnn.Text;

/// <summary>
/// The RE2 token expressions that a saved model gives ONNX Runtime's <c>com.microsoft.Tokenizer</c> (attribute
/// <c>tokenexp</c>), and the character classes that <see cref="WordTokenizer"/> and <see cref="CharacterTokenizer"/>
/// implement by hand, so that our engine and a saved model always produce the same tokens.
/// </summary>
/// <remarks>
/// <para>
/// A tokenizer returns every non-overlapping match of its pattern, scanning left to right and skipping the characters
/// no match starts at (Python's <c>re.findall</c>). The text is first lower-cased, when asked, by
/// <see cref="char.ToLowerInvariant(char)"/> on each UTF-16 unit (what ML.NET's <c>NormalizeText</c> does), and
/// reaches the pattern as UTF-8, where an unpaired surrogate has become U+FFFD.
/// </para>
/// <para>Building blocks, over Unicode code points:</para>
/// <list type="bullet">
/// <item><c>WS = [\t\n\x{0B}\f\r\x{85}\p{Z}]</c>, the set of <see cref="Rune.IsWhiteSpace(Rune)"/>.</item>
/// <item><c>WORDCHAR = [\p{L}\p{M}\p{N}]</c>: letters, marks and numbers.</item>
/// <item><c>JOIN = ['\x{2019}\x{200C}\x{200D}]</c>: apostrophe, right single quote, ZWNJ, ZWJ.</item>
/// <item><c>EXT = [\p{M}\x{FE0E}\x{FE0F}\x{1F3FB}-\x{1F3FF}\x{E0020}-\x{E007F}]</c>: marks, variation selectors,
/// skin tones and the tag characters that follow U+1F3F4 in subdivision flags (England, Scotland, Wales).</item>
/// <item><c>FLAG = [\x{1F1E6}-\x{1F1FF}]{2}</c>: two regional indicators.</item>
/// <item><c>WORD = WORDCHAR+(?:JOIN WORDCHAR+)*</c>.</item>
/// <item><c>SYMBOL = [^WS WORDCHAR] EXT*(?:\x{200D}[^WS] EXT*)*</c>.</item>
/// </list>
/// <para>
/// ONNX Runtime compiles the pattern with RE2's <c>longest_match</c> option (leftmost-longest), while the rule above
/// reads as leftmost-first. The patterns are written so both give the same matches: the alternatives of a pattern
/// either start with disjoint characters or the earlier one is the longer (<c>\r\n</c> and <c>FLAG</c> against a
/// single character, which cannot continue with <c>\n</c> or a regional indicator), and each repetition is
/// deterministic (<c>JOIN</c> is not a <c>WORDCHAR</c>, <c>\x{200D}</c> is not an <c>EXT</c>), so the greedy match is
/// also the longest.
/// </para>
/// <para>
/// Each side reads the categories from its own Unicode tables: .NET 10 has Unicode 16.0, the RE2 inside ONNX Runtime
/// 1.31.1 has 15.1. So the 4,433 letters, marks and digits new in Unicode 16.0 (Garay, Todhri, Tulu-Tigalari, Sunuwar,
/// Kirat Rai, Egyptian hieroglyphs extended A, …) are word characters here but symbols in the graph; every other code
/// point is classified alike (checked for all of them against ONNX Runtime).
/// </para>
/// </remarks>
internal static class TokenPatterns
{
    /// <summary>Words, flags and symbols: <c>FLAG|WORD|SYMBOL</c> (<see cref="WordTokenizer.KeepPunctuation"/> set).</summary>
    public const string WordsKeepPunctuation = Flag + "|" + Word + "|" + Symbol;

    /// <summary>Words only: <c>WORD</c> (<see cref="WordTokenizer.KeepPunctuation"/> cleared).</summary>
    public const string WordsDropPunctuation = Word;

    /// <summary>
    /// One token per character with its extensions, whitespace included:
    /// <c>\r\n|FLAG|(?s:.)EXT*(?:\x{200D}[^WS]EXT*)*</c> (<see cref="CharacterTokenizer.KeepWhitespace"/> set).
    /// </summary>
    public const string CharactersKeepWhitespace = @"\r\n|" + Flag + @"|(?s:.)" + Tail;

    /// <summary>
    /// One token per non-whitespace character with its extensions: <c>FLAG|[^WS]EXT*(?:\x{200D}[^WS]EXT*)*</c>
    /// (<see cref="CharacterTokenizer.KeepWhitespace"/> cleared).
    /// </summary>
    public const string CharactersDropWhitespace = Flag + "|" + NotWhiteSpace + Tail;

    private const string WhiteSpaceSet = @"\t\n\x{0B}\f\r\x{85}\p{Z}";
    private const string WordCharSet = @"\p{L}\p{M}\p{N}";
    private const string NotWhiteSpace = "[^" + WhiteSpaceSet + "]";
    private const string WordChar = "[" + WordCharSet + "]";
    private const string Join = @"['\x{2019}\x{200C}\x{200D}]";
    private const string Extend = @"[\p{M}\x{FE0E}\x{FE0F}\x{1F3FB}-\x{1F3FF}\x{E0020}-\x{E007F}]";
    private const string Flag = @"[\x{1F1E6}-\x{1F1FF}]{2}";
    private const string Word = WordChar + "+(?:" + Join + WordChar + "+)*";
    private const string Tail = Extend + @"*(?:\x{200D}" + NotWhiteSpace + Extend + "*)*";
    private const string Symbol = "[^" + WhiteSpaceSet + WordCharSet + "]" + Tail;

    private const int ZeroWidthJoiner = 0x200D;

    // Shared one-character strings for ASCII, so common text allocates no per-token strings.
    private static readonly string[] s_ascii = CreateAsciiTable();

    private static readonly SpanAction<char, ReadOnlySpan<char>> s_copy = static (d, s) => Copy(s, d, lowerCase: false);
    private static readonly SpanAction<char, ReadOnlySpan<char>> s_copyLower = static (d, s) => Copy(s, d, lowerCase: true);

    /// <summary>Reads the code point at <paramref name="index"/> as the pattern sees it.</summary>
    /// <remarks>
    /// With <paramref name="lowerCase"/>, a BMP character is lower-cased by <see cref="char.ToLowerInvariant(char)"/>
    /// (surrogates are unchanged by it, so pairs stay as they are); an unpaired surrogate reads as U+FFFD.
    /// </remarks>
    public static Rune Read(ReadOnlySpan<char> s, int index, bool lowerCase, out int width)
    {
        char c = s[index];
        if (!char.IsSurrogate(c))
        {
            width = 1;
            return new Rune(lowerCase ? char.ToLowerInvariant(c) : c);
        }

        Rune.DecodeFromUtf16(s[index..], out Rune rune, out width); // U+FFFD and width 1 when unpaired
        return rune;
    }

    /// <summary><c>WS</c>: <c>[\t\n\x{0B}\f\r\x{85}\p{Z}]</c>.</summary>
    public static bool IsWhiteSpace(Rune rune) => Rune.IsWhiteSpace(rune);

    /// <summary>Returns <paramref name="maxTokens"/>, or throws when it is not positive.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxTokens"/> is zero or negative.</exception>
    public static int CheckMaxTokens(int maxTokens, string parameterName) => maxTokens > 0
        ? maxTokens
        : throw new ArgumentOutOfRangeException(parameterName, maxTokens, $"{parameterName} is {maxTokens}; keep at least 1 token (int.MaxValue, the default, keeps them all).");

    /// <summary><c>WORDCHAR</c>: categories Lu … No, numbered 0 to 10 in <see cref="UnicodeCategory"/>.</summary>
    public static bool IsWordChar(Rune rune) =>
        (uint)Rune.GetUnicodeCategory(rune) <= (uint)UnicodeCategory.OtherNumber;

    /// <summary><c>JOIN</c>: <c>'</c>, U+2019, U+200C, U+200D.</summary>
    public static bool IsJoin(Rune rune) => rune.Value is '\'' or 0x2019 or 0x200C or ZeroWidthJoiner;

    /// <summary>A regional indicator, half of a <c>FLAG</c>: U+1F1E6 … U+1F1FF.</summary>
    public static bool IsRegionalIndicator(Rune rune) => (uint)(rune.Value - 0x1F1E6) <= 0x1F1FF - 0x1F1E6;

    /// <summary><c>EXT</c>: marks, U+FE0E, U+FE0F, U+1F3FB … U+1F3FF, U+E0020 … U+E007F.</summary>
    public static bool IsExtend(Rune rune) =>
        Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark
            or UnicodeCategory.EnclosingMark
        || rune.Value is 0xFE0E or 0xFE0F or (>= 0x1F3FB and <= 0x1F3FF) or (>= 0xE0020 and <= 0xE007F);

    /// <summary>Returns the index past a <c>FLAG</c> starting at <paramref name="index"/>, or -1 if there is none.</summary>
    public static int MatchFlag(ReadOnlySpan<char> s, int index, Rune first, int width)
    {
        int next = index + width; // regional indicators are outside the BMP, so lower-casing cannot matter
        return IsRegionalIndicator(first) && next < s.Length && IsRegionalIndicator(Read(s, next, false, out int nextWidth))
            ? next + nextWidth
            : -1;
    }

    /// <summary>
    /// Returns the index past <c>EXT*(?:\x{200D}[^WS]EXT*)*</c> matched greedily from <paramref name="index"/>,
    /// that is past the longest run of <c>EXT</c> characters and <c>\x{200D}</c>-plus-non-whitespace pairs.
    /// </summary>
    public static int MatchTail(ReadOnlySpan<char> s, int index, bool lowerCase)
    {
        while (index < s.Length)
        {
            Rune rune = Read(s, index, lowerCase, out int width);
            if (IsExtend(rune))
            {
                index += width;
                continue;
            }

            if (rune.Value != ZeroWidthJoiner || index + width >= s.Length
                || IsWhiteSpace(Read(s, index + width, lowerCase, out int nextWidth)))
            {
                break;
            }

            index += width + nextWidth;
        }

        return index;
    }

    /// <summary>Makes the text of a token: the source span, lower-cased per UTF-16 unit when asked, unpaired surrogates as U+FFFD.</summary>
    public static string CreateToken(ReadOnlySpan<char> source, bool lowerCase)
    {
        if (source.Length == 1 && source[0] < 128)
        {
            char c = source[0];
            return s_ascii[lowerCase ? char.ToLowerInvariant(c) : c];
        }

        if (!lowerCase && !source.ContainsAnyInRange('\uD800', '\uDFFF'))
        {
            return new string(source);
        }

        // Every code point keeps its UTF-16 length (U+FFFD replaces one unit), so the text is written in place.
        return string.Create(source.Length, source, lowerCase ? s_copyLower : s_copy);
    }

    private static void Copy(ReadOnlySpan<char> source, Span<char> destination, bool lowerCase)
    {
        for (int i = 0; i < source.Length; i++)
        {
            char c = source[i];
            if (!char.IsSurrogate(c))
            {
                destination[i] = lowerCase ? char.ToLowerInvariant(c) : c;
            }
            else if (char.IsHighSurrogate(c) && i + 1 < source.Length && char.IsLowSurrogate(source[i + 1]))
            {
                destination[i] = c;
                destination[i + 1] = source[i + 1];
                i++;
            }
            else
            {
                destination[i] = (char)Rune.ReplacementChar.Value;
            }
        }
    }

    private static string[] CreateAsciiTable()
    {
        var table = new string[128];
        for (int c = 0; c < table.Length; c++)
        {
            table[c] = ((char)c).ToString();
        }

        return table;
    }
}
