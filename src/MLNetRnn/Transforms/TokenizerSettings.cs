using System.Text.Json.Serialization;
using MLNetRnn.Text;

namespace MLNetRnn.Transforms;

/// <summary>What a tokenization step does; stored as JSON in its ONNX graph so tools can describe and rebuild it.</summary>
/// <param name="Tokenizer">"words" or "characters".</param>
/// <param name="LowerCase">Whether the text is lower-cased first (per UTF-16 char, invariant culture).</param>
/// <param name="KeepPunctuation">Words: whether punctuation and symbols become tokens.</param>
/// <param name="KeepWhitespace">Characters: whether whitespace characters become tokens.</param>
/// <param name="MaxTokens">The most tokens kept (the first ones), or null for no limit; absent from the JSON when null, so
/// models saved before the option read the same.</param>
internal sealed record TokenizerSettings(string Tokenizer, bool LowerCase, bool KeepPunctuation, bool KeepWhitespace,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? MaxTokens = null)
{
    public const string Words = "words";
    public const string Characters = "characters";

    /// <summary>The RE2 pattern ONNX Runtime matches; the C# tokenizers implement the same rule.</summary>
    public string Pattern => Tokenizer == Words
        ? (KeepPunctuation ? TokenPatterns.WordsKeepPunctuation : TokenPatterns.WordsDropPunctuation)
        : (KeepWhitespace ? TokenPatterns.CharactersKeepWhitespace : TokenPatterns.CharactersDropWhitespace);

    /// <summary>The C# tokenizer with the same rule (lower-casing included).</summary>
    public ITokenizer CreateTokenizer() => Tokenizer == Words
        ? new WordTokenizer(new WordTokenizerOptions { LowerCase = LowerCase, KeepPunctuation = KeepPunctuation, MaxTokens = MaxTokens ?? int.MaxValue })
        : new CharacterTokenizer(LowerCase, KeepWhitespace, MaxTokens ?? int.MaxValue);

    /// <summary>The settings of a step whose limit is <paramref name="maxTokens"/> (<see cref="int.MaxValue"/>: none).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxTokens"/> is zero or negative.</exception>
    public static TokenizerSettings Create(string tokenizer, bool lowerCase, bool keepPunctuation, bool keepWhitespace, int maxTokens) =>
        new(tokenizer, lowerCase, keepPunctuation, keepWhitespace, TokenPatterns.CheckMaxTokens(maxTokens, nameof(maxTokens)) == int.MaxValue ? null : maxTokens);
}
