using System.Globalization;

namespace MLNetRnn.Text;

/// <summary>Splits text into user-perceived characters: one token per grapheme cluster.</summary>
/// <remarks>
/// <para>
/// Clusters are found with <see cref="StringInfo.GetNextTextElementLength(ReadOnlySpan{char})"/> (Unicode extended
/// grapheme clusters), so <c>"é"</c> written as <c>e</c> + U+0301, an emoji written as a surrogate pair, a flag and a
/// ZWJ family emoji are each one token, and a surrogate pair is never split.
/// </para>
/// <para>
/// A cluster made only of whitespace (a space, a tab, a line break, or <c>"\r\n"</c> as one cluster) becomes the token
/// <c>" "</c> when <see cref="KeepWhitespace"/> is set, one token per cluster, so runs are not collapsed
/// (<c>"a  b"</c> → <c>["a", " ", " ", "b"]</c>); otherwise it is dropped. When <see cref="LowerCase"/> is set, each
/// token is lower-cased with the invariant culture.
/// </para>
/// <para>Example with the defaults: <c>"Hi 👋🏽!"</c> → <c>["H", "i", " ", "👋🏽", "!"]</c>.</para>
/// <para>An instance holds no mutable state and may be shared across threads.</para>
/// </remarks>
public sealed class CharacterTokenizer : ITokenizer
{
    /// <summary>The token every whitespace cluster becomes when <see cref="KeepWhitespace"/> is set.</summary>
    public const string Space = " ";

    // Shared strings for the ASCII characters, so common text allocates no per-token strings.
    private static readonly string[] s_ascii = CreateAsciiTable();

    /// <summary>Creates a tokenizer.</summary>
    /// <param name="lowerCase">Whether to lower-case each token with the invariant culture. Default <see langword="false"/>.</param>
    /// <param name="keepWhitespace">Whether whitespace clusters become <c>" "</c> tokens (otherwise they are dropped). Default <see langword="true"/>.</param>
    public CharacterTokenizer(bool lowerCase = false, bool keepWhitespace = true)
    {
        LowerCase = lowerCase;
        KeepWhitespace = keepWhitespace;
    }

    /// <summary>Gets whether tokens are lower-cased with the invariant culture.</summary>
    public bool LowerCase { get; }

    /// <summary>Gets whether each whitespace cluster becomes a <c>" "</c> token (otherwise it is dropped).</summary>
    public bool KeepWhitespace { get; }

    /// <summary>Splits <paramref name="text"/> into one token per grapheme cluster, as described in the remarks.</summary>
    /// <param name="text">The text to split.</param>
    /// <returns>
    /// The tokens in order; never <see langword="null"/>. Empty text gives an empty array, and so does whitespace-only
    /// text when <see cref="KeepWhitespace"/> is <see langword="false"/>.
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
        var tokens = new List<string>(s.Length);
        int i = 0;
        while (i < s.Length)
        {
            int length = StringInfo.GetNextTextElementLength(s[i..]);
            ReadOnlySpan<char> element = s.Slice(i, length);
            i += length;
            if (element.IsWhiteSpace())
            {
                if (KeepWhitespace)
                {
                    tokens.Add(Space);
                }

                continue;
            }

            tokens.Add(MakeToken(element));
        }

        return tokens.ToArray();
    }

    private string MakeToken(ReadOnlySpan<char> element)
    {
        if (element.Length == 1 && element[0] < 128)
        {
            char c = element[0];
            return s_ascii[LowerCase ? char.ToLowerInvariant(c) : c];
        }

        return LowerCase
            ? string.Create(element.Length, element, static (destination, src) => src.ToLowerInvariant(destination))
            : new string(element);
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
