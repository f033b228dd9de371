using System.Globalization;
using System.Text;

namespace MLNetRnn.Text;

/// <summary>Splits text into words and punctuation with a single left-to-right pass (no regular expressions).</summary>
/// <remarks>
/// <para>The rule, applied to Unicode scalar values (a surrogate pair counts as one character):</para>
/// <list type="number">
/// <item>Whitespace (<see cref="Rune.IsWhiteSpace(Rune)"/>, including no-break spaces) separates tokens and is dropped.</item>
/// <item>A <b>word</b> is a run of letters, combining marks and numbers (categories <c>\p{L}</c>, <c>\p{M}</c>,
/// <c>\p{N}</c>). Inside a run, a single apostrophe (<c>'</c> or <c>’</c>) joins two such runs into one word, so
/// <c>don't</c>, <c>it's</c> and <c>rock'n'roll</c> stay whole. A zero-width non-joiner or joiner (U+200C, U+200D)
/// between two word characters joins the same way and is kept, as Persian and Indic spellings need it.</item>
/// <item>Every other non-whitespace character is a token of its own when <see cref="KeepPunctuation"/> is set and is
/// dropped otherwise. "Character" here means a whole grapheme cluster, so an emoji written as a surrogate pair, with a
/// variation selector or skin tone, a flag, or a ZWJ family sequence is one token, never split into halves.</item>
/// <item>Every <c>’</c> (U+2019) becomes <c>'</c>, in words and as a lone token alike; then, when
/// <see cref="LowerCase"/> is set, the token is lower-cased with the invariant culture.</item>
/// </list>
/// <para>Examples with the default options:</para>
/// <list type="bullet">
/// <item><c>"Don't stop!"</c> → <c>["don't", "stop", "!"]</c></item>
/// <item><c>"It’s 3.5 km."</c> → <c>["it's", "3", ".", "5", "km", "."]</c> (numbers split at the point)</item>
/// <item><c>"naïve café"</c> → <c>["naïve", "café"]</c> (precomposed or with combining accents)</item>
/// <item><c>"the dogs' toys"</c> → <c>["the", "dogs", "'", "toys"]</c> (a final apostrophe is punctuation)</item>
/// <item><c>"e-mail me :)"</c> → <c>["e", "-", "mail", "me", ":", ")"]</c></item>
/// <item><c>"I ❤️ 🇫🇷!"</c> → <c>["i", "❤️", "🇫🇷", "!"]</c></item>
/// </list>
/// <para>An instance holds no mutable state and may be shared across threads.</para>
/// </remarks>
public sealed class WordTokenizer : ITokenizer
{
    private const char Apostrophe = '\'';
    private const char RightSingleQuote = '\u2019';
    private const char ZeroWidthNonJoiner = '\u200C';
    private const char ZeroWidthJoiner = '\u200D';

    /// <summary>Creates a tokenizer.</summary>
    /// <param name="options">The options, copied now; <see langword="null"/> for the defaults (lower-case, keep punctuation).</param>
    public WordTokenizer(WordTokenizerOptions? options = null)
    {
        options ??= new WordTokenizerOptions();
        LowerCase = options.LowerCase;
        KeepPunctuation = options.KeepPunctuation;
    }

    /// <summary>Gets a shared tokenizer with the default options: lower-case, keep punctuation.</summary>
    public static WordTokenizer Default { get; } = new();

    /// <summary>Gets whether tokens are lower-cased with the invariant culture.</summary>
    public bool LowerCase { get; }

    /// <summary>Gets whether punctuation and symbols are kept as tokens (otherwise they are dropped).</summary>
    public bool KeepPunctuation { get; }

    /// <summary>Splits <paramref name="text"/> into words and punctuation by the rule in the remarks.</summary>
    /// <param name="text">The text to split.</param>
    /// <returns>The tokens in order; empty (never <see langword="null"/>) for empty or whitespace-only text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    public string[] Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        ReadOnlySpan<char> s = text;
        List<string>? tokens = null;
        int i = 0;
        while (i < s.Length)
        {
            Rune.DecodeFromUtf16(s[i..], out Rune rune, out int width);
            if (Rune.IsWhiteSpace(rune))
            {
                i += width;
                continue;
            }

            int start = i;
            if (IsWordRune(rune))
            {
                i = ScanWord(s, i + width);
            }
            else
            {
                i += StringInfo.GetNextTextElementLength(s[i..]);
                if (!KeepPunctuation)
                {
                    continue;
                }
            }

            (tokens ??= []).Add(MakeToken(s[start..i]));
        }

        return tokens is null ? [] : tokens.ToArray();
    }

    /// <summary>Letters, marks and numbers: <see cref="UnicodeCategory"/> values 0 (Lu) through 10 (No).</summary>
    private static bool IsWordRune(Rune rune) =>
        (uint)Rune.GetUnicodeCategory(rune) <= (uint)UnicodeCategory.OtherNumber;

    private static bool IsJoiner(Rune rune) =>
        rune.Value is Apostrophe or RightSingleQuote or ZeroWidthNonJoiner or ZeroWidthJoiner;

    /// <summary>Returns the index just past the word whose remaining characters start at <paramref name="i"/>.</summary>
    private static int ScanWord(ReadOnlySpan<char> s, int i)
    {
        while (i < s.Length)
        {
            Rune.DecodeFromUtf16(s[i..], out Rune rune, out int width);
            if (IsWordRune(rune))
            {
                i += width;
                continue;
            }

            if (IsJoiner(rune) && i + width < s.Length)
            {
                Rune.DecodeFromUtf16(s[(i + width)..], out Rune next, out int nextWidth);
                if (IsWordRune(next))
                {
                    i += width + nextWidth;
                    continue;
                }
            }

            break;
        }

        return i;
    }

    private string MakeToken(ReadOnlySpan<char> source)
    {
        // Invariant lower-casing maps each UTF-16 unit (or surrogate pair) to one of the same length,
        // so the token can be written straight into the new string.
        return LowerCase
            ? string.Create(source.Length, source, static (destination, src) =>
            {
                src.ToLowerInvariant(destination);
                destination.Replace(RightSingleQuote, Apostrophe);
            })
            : source.Contains(RightSingleQuote)
                ? string.Create(source.Length, source, static (destination, src) =>
                {
                    src.CopyTo(destination);
                    destination.Replace(RightSingleQuote, Apostrophe);
                })
                : new string(source);
    }
}
