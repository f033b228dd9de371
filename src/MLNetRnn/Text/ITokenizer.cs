namespace MLNetRnn.Text;

/// <summary>Splits text into tokens, the units a <see cref="Vocabulary"/> maps to ids.</summary>
/// <remarks>
/// Implementations are stateless after construction and safe to call from several threads at once.
/// See <see cref="WordTokenizer"/> (words and punctuation) and <see cref="CharacterTokenizer"/> (one token per
/// user-perceived character).
/// </remarks>
public interface ITokenizer
{
    /// <summary>Splits <paramref name="text"/> into tokens, in order of appearance.</summary>
    /// <param name="text">The text to split.</param>
    /// <returns>
    /// The tokens; never <see langword="null"/> and never containing <see langword="null"/> or empty strings.
    /// Empty text gives an empty array; so does whitespace-only text, unless the tokenizer keeps whitespace
    /// (<see cref="CharacterTokenizer.KeepWhitespace"/>).
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    string[] Tokenize(string text);
}
