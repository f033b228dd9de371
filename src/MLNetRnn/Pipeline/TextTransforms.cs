using MLNetRnn.Text;
using MLNetRnn.Transforms;

namespace MLNetRnn.Pipeline;

/// <summary>Text transforms: tokenizing and mapping tokens to ids.</summary>
public sealed class TextTransforms
{
    internal TextTransforms()
    {
    }

    /// <summary>Splits text into word tokens (see <see cref="WordTokenizer"/> for the rule).</summary>
    /// <param name="outputColumnName">The Vector&lt;String&gt; column to add.</param>
    /// <param name="inputColumnName">The String column to read; defaults to <paramref name="outputColumnName"/>.</param>
    /// <param name="lowerCase">Lower-case tokens (invariant culture). Default true.</param>
    /// <param name="keepPunctuation">Keep each punctuation or symbol character as a token. Default true.</param>
    /// <returns>The estimator.</returns>
    /// <exception cref="ArgumentException">A column name is empty.</exception>
    public TokenizingEstimator TokenizeIntoWords(string outputColumnName, string? inputColumnName = null, bool lowerCase = true, bool keepPunctuation = true) =>
        new(new TokenizingTransformer(outputColumnName, inputColumnName ?? outputColumnName,
            new WordTokenizer(new WordTokenizerOptions { LowerCase = lowerCase, KeepPunctuation = keepPunctuation })));

    /// <summary>Splits text into characters (text elements, so an emoji or an accented letter is one token).</summary>
    /// <param name="outputColumnName">The Vector&lt;String&gt; column to add.</param>
    /// <param name="inputColumnName">The String column to read; defaults to <paramref name="outputColumnName"/>.</param>
    /// <param name="lowerCase">Lower-case characters. Default false.</param>
    /// <param name="keepWhitespace">Keep each whitespace character as a token. Default true.</param>
    /// <returns>The estimator.</returns>
    /// <exception cref="ArgumentException">A column name is empty.</exception>
    public TokenizingEstimator TokenizeIntoCharacters(string outputColumnName, string? inputColumnName = null, bool lowerCase = false, bool keepWhitespace = true) =>
        new(new TokenizingTransformer(outputColumnName, inputColumnName ?? outputColumnName, new CharacterTokenizer(lowerCase, keepWhitespace)));

    /// <summary>
    /// Fits a vocabulary (<c>&lt;PAD&gt;</c> = 0, <c>&lt;UNK&gt;</c> = 1, optional <c>&lt;BOS&gt;</c>/<c>&lt;EOS&gt;</c>, then tokens by
    /// frequency, ties by first appearance) and maps tokens to ids; unknown tokens map to <c>&lt;UNK&gt;</c>.
    /// </summary>
    /// <param name="outputColumnName">The Vector&lt;Int32&gt; column to add.</param>
    /// <param name="inputColumnName">The Vector&lt;String&gt; column to read; defaults to <paramref name="outputColumnName"/>.</param>
    /// <param name="maxVocabularySize">The largest vocabulary, specials included. Default unlimited.</param>
    /// <param name="minCount">The fewest training occurrences for a token to get its own id. Default 1.</param>
    /// <param name="addBeginEnd">Add <c>&lt;BOS&gt;</c> and <c>&lt;EOS&gt;</c> (for generation). Default false.</param>
    /// <returns>The estimator.</returns>
    /// <exception cref="ArgumentException">A column name is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minCount"/> is below 1 or the size cannot hold the specials.</exception>
    public TokenToIdEstimator MapTokensToIds(string outputColumnName, string? inputColumnName = null, int maxVocabularySize = int.MaxValue, int minCount = 1, bool addBeginEnd = false) =>
        new(outputColumnName, inputColumnName ?? outputColumnName, minCount, maxVocabularySize, addBeginEnd);
}
