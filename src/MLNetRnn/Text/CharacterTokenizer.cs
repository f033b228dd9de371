using System.Text;

namespace MLNetRnn.Text;

/// <summary>Splits text into characters, each with the marks and emoji extensions that follow it.</summary>
/// <remarks>
/// <para>
/// The tokens are exactly those a saved model's ONNX graph produces: every non-overlapping match, left to right, of
/// the RE2 pattern <see cref="TokenPatterns.CharactersKeepWhitespace"/> when <see cref="KeepWhitespace"/> is set, or
/// <see cref="TokenPatterns.CharactersDropWhitespace"/> when it is not. Characters are Unicode code points (a
/// surrogate pair is one; an unpaired surrogate reads as, and is emitted as, U+FFFD). When <see cref="LowerCase"/> is
/// set, the whole text is first lower-cased by <see cref="char.ToLowerInvariant(char)"/> on each UTF-16 unit, as
/// ML.NET's <c>NormalizeText</c> does, so letters outside the BMP keep their case. A token is, first match wins:
/// </para>
/// <list type="number">
/// <item><c>"\r\n"</c> (kept whitespace only);</item>
/// <item>two regional indicators, a flag such as 🇫🇷 (of a run of three, the first two pair);</item>
/// <item>otherwise one character (with whitespace dropped: one non-whitespace character) followed by any marks
/// (<c>\p{M}</c>), variation selectors (U+FE0E, U+FE0F), skin tones (U+1F3FB–U+1F3FF) and tag characters
/// (U+E0020–U+E007F), and by further <c>U+200D + non-whitespace character (+ those extensions)</c> links, so
/// <c>"é"</c> written as <c>e</c> + U+0301, 👋🏽 and a ZWJ family emoji are each one token.</item>
/// </list>
/// <para>
/// Whitespace (<see cref="Rune.IsWhiteSpace(Rune)"/>) tokens are the characters themselves, one per character, so
/// <c>"a \tb"</c> → <c>["a", " ", "\t", "b"]</c> and joining the tokens gives the text back (apart from unpaired
/// surrogates, and the lower-casing when asked). A mark after a whitespace character joins it (<c>" \u0301"</c> is one
/// token). With whitespace dropped, whitespace characters are skipped and a mark after one starts its own token.
/// This is not full grapheme clustering: Hangul jamo and Indic conjuncts give one token per letter.
/// </para>
/// <para>Example with the defaults: <c>"Hi 👋🏽!\r\n"</c> → <c>["H", "i", " ", "👋🏽", "!", "\r\n"]</c>.</para>
/// <para>An instance holds no mutable state and may be shared across threads.</para>
/// </remarks>
public sealed class CharacterTokenizer : ITokenizer
{
    /// <summary>Creates a tokenizer.</summary>
    /// <param name="lowerCase">Whether to lower-case the text (<see cref="char.ToLowerInvariant(char)"/> per UTF-16 unit) first. Default <see langword="false"/>.</param>
    /// <param name="keepWhitespace">Whether whitespace characters become tokens (otherwise they are dropped). Default <see langword="true"/>.</param>
    /// <param name="maxTokens">The most tokens kept, the first ones: reading stops after this many. Default <see cref="int.MaxValue"/> (no limit).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxTokens"/> is zero or negative.</exception>
    public CharacterTokenizer(bool lowerCase = false, bool keepWhitespace = true, int maxTokens = int.MaxValue)
    {
        LowerCase = lowerCase;
        KeepWhitespace = keepWhitespace;
        MaxTokens = TokenPatterns.CheckMaxTokens(maxTokens, nameof(maxTokens));
    }

    /// <summary>Gets whether the text is lower-cased (<see cref="char.ToLowerInvariant(char)"/> per UTF-16 unit) before it is split.</summary>
    public bool LowerCase { get; }

    /// <summary>Gets whether each whitespace character (or <c>"\r\n"</c>) becomes a token of its own (otherwise it is dropped).</summary>
    public bool KeepWhitespace { get; }

    /// <summary>Gets the most tokens <see cref="Tokenize"/> returns: the first ones, in order (<see cref="int.MaxValue"/>: no limit).</summary>
    public int MaxTokens { get; }

    /// <summary>Splits <paramref name="text"/> into characters by the rule in the remarks.</summary>
    /// <param name="text">The text to split.</param>
    /// <returns>
    /// The tokens in order, at most <see cref="MaxTokens"/> (the first ones); never <see langword="null"/>. Empty text
    /// gives an empty array, and so does whitespace-only text when <see cref="KeepWhitespace"/> is <see langword="false"/>.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    public string[] Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return [];
        }

        ReadOnlySpan<char> s = text;
        bool lowerCase = LowerCase;
        var tokens = new List<string>(Math.Min(s.Length, MaxTokens));
        int i = 0;
        while (i < s.Length && tokens.Count < MaxTokens)
        {
            Rune rune = TokenPatterns.Read(s, i, lowerCase, out int width);
            int end;
            if (KeepWhitespace && rune.Value == '\r' && i + 1 < s.Length && s[i + 1] == '\n')
            {
                end = i + 2; // \r\n
            }
            else if ((end = TokenPatterns.MatchFlag(s, i, rune, width)) < 0) // FLAG
            {
                if (!KeepWhitespace && TokenPatterns.IsWhiteSpace(rune))
                {
                    i += width; // no match starts here
                    continue;
                }

                end = TokenPatterns.MatchTail(s, i + width, lowerCase); // (?s:.) or [^WS], then EXT* and ZWJ links
            }

            tokens.Add(TokenPatterns.CreateToken(s[i..end], lowerCase));
            i = end;
        }

        return tokens.ToArray();
    }
}
