using MLNetRnn.Text;

namespace MLNetRnn.SequenceToSequence;

/// <summary>Splits target texts into tokens and joins predicted tokens back, at a <see cref="TokenLevel"/>.</summary>
internal static class TargetTokens
{
    private static readonly CharacterTokenizer Characters = new(lowerCase: false, keepWhitespace: true);

    public static string[] Split(string text, TokenLevel level) => level == TokenLevel.Character
        ? Characters.Tokenize(text)
        : text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    public static string Join(IEnumerable<string> tokens, TokenLevel level) => string.Join(level == TokenLevel.Character ? string.Empty : " ", tokens);
}
