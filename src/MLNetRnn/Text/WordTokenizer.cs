using System.Text;

namespace MLNetRnn.Text;

/// <summary>Splits text into words and punctuation with a single left-to-right pass (no regular expressions).</summary>
/// <remarks>
/// <para>
/// The tokens are exactly those a saved model's ONNX graph produces: every non-overlapping match, left to right, of
/// the RE2 pattern <see cref="TokenPatterns.WordsKeepPunctuation"/> (<c>FLAG|WORD|SYMBOL</c>) when
/// <see cref="KeepPunctuation"/> is set, or <see cref="TokenPatterns.WordsDropPunctuation"/> (<c>WORD</c>) when it
/// is not; characters no match starts at are skipped. Characters are Unicode code points (a surrogate pair is one;
/// an unpaired surrogate reads as, and is emitted as, U+FFFD). When <see cref="LowerCase"/> is set, the whole text
/// is first lower-cased by <see cref="char.ToLowerInvariant(char)"/> on each UTF-16 unit, as ML.NET's
/// <c>NormalizeText</c> does, so letters outside the BMP keep their case. Nothing else is normalized: <c>’</c>
/// stays <c>’</c>.
/// </para>
/// <list type="bullet">
/// <item><b>WORD</b>: a run of letters, marks and numbers (<c>\p{L}</c>, <c>\p{M}</c>, <c>\p{N}</c>), continued
/// through a single <c>'</c>, <c>’</c>, U+200C (ZWNJ) or U+200D (ZWJ) that is followed by another such character,
/// so <c>don't</c>, <c>rock'n'roll</c> and Persian <c>می‌خواهم</c> stay whole; a joiner not followed by one ends the
/// word.</item>
/// <item><b>FLAG</b> (kept punctuation only): two regional indicators, so of a run of three the first two pair.</item>
/// <item><b>SYMBOL</b> (kept punctuation only): any other non-whitespace character, followed by any marks, variation
/// selectors (U+FE0E, U+FE0F), skin tones (U+1F3FB–U+1F3FF) and tag characters (U+E0020–U+E007F), and by further
/// <c>U+200D + non-whitespace character (+ those extensions)</c> links, so an emoji ZWJ sequence is one token; after
/// a ZWJ even a letter continues the symbol.</item>
/// <item>Whitespace (<see cref="Rune.IsWhiteSpace(Rune)"/>, including no-break spaces) is never part of a token.</item>
/// </list>
/// <para>Examples with the default options:</para>
/// <list type="bullet">
/// <item><c>"Don't stop!"</c> → <c>["don't", "stop", "!"]</c></item>
/// <item><c>"It’s 3.5 km."</c> → <c>["it’s", "3", ".", "5", "km", "."]</c> (numbers split at the point)</item>
/// <item><c>"naïve café"</c> → <c>["naïve", "café"]</c> (precomposed or with combining accents)</item>
/// <item><c>"the dogs' toys"</c> → <c>["the", "dogs", "'", "toys"]</c> (a final apostrophe is punctuation)</item>
/// <item><c>"e-mail me :)"</c> → <c>["e", "-", "mail", "me", ":", ")"]</c></item>
/// <item><c>"I ❤️ 🇫🇷!"</c> → <c>["i", "❤️", "🇫🇷", "!"]</c></item>
/// </list>
/// <para>
/// Without punctuation, <c>"Don’t, I ❤️ it!"</c> → <c>["don’t", "i", "\uFE0F", "it"]</c>: the variation selector
/// U+FE0F is a mark, so once the heart is skipped it starts a word of its own.
/// </para>
/// <para>An instance holds no mutable state and may be shared across threads.</para>
/// </remarks>
public sealed class WordTokenizer : ITokenizer
{
    /// <summary>Creates a tokenizer.</summary>
    /// <param name="options">The options, copied now; <see langword="null"/> for the defaults (lower-case, keep punctuation, no token limit).</param>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="WordTokenizerOptions.MaxTokens"/> is zero or negative.</exception>
    public WordTokenizer(WordTokenizerOptions? options = null)
    {
        options ??= new WordTokenizerOptions();
        LowerCase = options.LowerCase;
        KeepPunctuation = options.KeepPunctuation;
        MaxTokens = TokenPatterns.CheckMaxTokens(options.MaxTokens, "options.MaxTokens");
    }

    /// <summary>Gets a shared tokenizer with the default options: lower-case, keep punctuation.</summary>
    public static WordTokenizer Default { get; } = new();

    /// <summary>Gets whether the text is lower-cased (<see cref="char.ToLowerInvariant(char)"/> per UTF-16 unit) before it is split.</summary>
    public bool LowerCase { get; }

    /// <summary>Gets whether flags, punctuation and symbols are kept as tokens (otherwise they are dropped).</summary>
    public bool KeepPunctuation { get; }

    /// <summary>Gets the most tokens <see cref="Tokenize"/> returns: the first ones, in order (<see cref="int.MaxValue"/>: no limit).</summary>
    public int MaxTokens { get; }

    /// <summary>Splits <paramref name="text"/> into words and punctuation by the rule in the remarks.</summary>
    /// <param name="text">The text to split.</param>
    /// <returns>
    /// The tokens in order, at most <see cref="MaxTokens"/> (the first ones); empty (never <see langword="null"/>) for
    /// empty or whitespace-only text, and for text without letters, marks or numbers when <see cref="KeepPunctuation"/>
    /// is <see langword="false"/>.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    public string[] Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        ReadOnlySpan<char> s = text;
        bool lowerCase = LowerCase;
        List<string>? tokens = null;
        int i = 0;
        while (i < s.Length && (tokens?.Count ?? 0) < MaxTokens)
        {
            Rune rune = TokenPatterns.Read(s, i, lowerCase, out int width);
            int end = KeepPunctuation ? TokenPatterns.MatchFlag(s, i, rune, width) : -1; // FLAG
            if (end < 0)
            {
                if (TokenPatterns.IsWordChar(rune))
                {
                    end = MatchWord(s, i + width, lowerCase); // WORD
                }
                else if (KeepPunctuation && !TokenPatterns.IsWhiteSpace(rune))
                {
                    end = TokenPatterns.MatchTail(s, i + width, lowerCase); // SYMBOL
                }
                else
                {
                    i += width; // no match starts here
                    continue;
                }
            }

            (tokens ??= []).Add(TokenPatterns.CreateToken(s[i..end], lowerCase));
            i = end;
        }

        return tokens is null ? [] : tokens.ToArray();
    }

    /// <summary>
    /// Returns the index past the rest of a <c>WORDCHAR+(?:JOIN WORDCHAR+)*</c> match whose first character ends at
    /// <paramref name="index"/>: word characters, and joiners each followed by a word character.
    /// </summary>
    private static int MatchWord(ReadOnlySpan<char> s, int index, bool lowerCase)
    {
        while (index < s.Length)
        {
            Rune rune = TokenPatterns.Read(s, index, lowerCase, out int width);
            if (TokenPatterns.IsWordChar(rune))
            {
                index += width;
                continue;
            }

            if (!TokenPatterns.IsJoin(rune) || index + width >= s.Length
                || !TokenPatterns.IsWordChar(TokenPatterns.Read(s, index + width, lowerCase, out int nextWidth)))
            {
                break;
            }

            index += width + nextWidth;
        }

        return index;
    }
}
