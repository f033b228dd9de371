using Microsoft.ML;
using MLNetRnn.Transforms;

namespace MLNetRnn;

/// <summary>
/// MLNetRnn's text steps on ML.NET's <c>mlContext.Transforms.Text</c> catalog: tokenizers whose rule ML.NET lacks and the
/// vocabulary that maps tokens to ids. What they fit is made of ML.NET components only, so a saved model needs no MLNetRnn.
/// </summary>
public static class RnnTextCatalog
{
    /// <summary>
    /// Splits text into words and punctuation: runs of letters, marks and digits (an apostrophe, ’, ZWNJ or ZWJ between
    /// two such runs joins them: <c>don't</c>), and every other non-space character with its combining marks, variation
    /// selectors and ZWJ sequence as one token (so an emoji or a flag is one token). See <see cref="Text.WordTokenizer"/>.
    /// </summary>
    /// <param name="catalog">ML.NET's text transforms.</param>
    /// <param name="outputColumnName">The vector-of-String column to add.</param>
    /// <param name="inputColumnName">The String column to read; defaults to <paramref name="outputColumnName"/>.</param>
    /// <param name="lowerCase">Lower-case first (each UTF-16 char, invariant culture, as ML.NET's NormalizeText). Default true.</param>
    /// <param name="keepPunctuation">Keep punctuation and symbols as tokens (otherwise only words). Default true.</param>
    /// <param name="maxTokens">Keep only the first <paramref name="maxTokens"/> tokens of a text, in training and in the saved
    /// model alike (the ONNX graph slices at the same token). Default <see cref="int.MaxValue"/>: no limit, so time and memory
    /// grow with the text (a 100,000-token text is read whole); set a limit where inputs are not under your control.</param>
    /// <returns>An estimator made of ML.NET's NormalizeText and ONNX transforms; the tokenizer runs in ONNX Runtime.</returns>
    /// <exception cref="ArgumentException">A column name is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxTokens"/> is zero or negative.</exception>
    /// <remarks>An empty or whitespace-only text has no tokens; the trainers and saved models read such a row as one <c>&lt;UNK&gt;</c>.</remarks>
    public static IEstimator<ITransformer> TokenizeWords(this TransformsCatalog.TextTransforms catalog, string outputColumnName, string? inputColumnName = null,
        bool lowerCase = true, bool keepPunctuation = true, int maxTokens = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return TokenizingSteps.Create(outputColumnName, inputColumnName, TokenizerSettings.Create(TokenizerSettings.Words, lowerCase, keepPunctuation, false, maxTokens));
    }

    /// <summary>
    /// Splits text into characters as readers see them: a character with its combining marks, variation selectors and
    /// ZWJ sequence, a flag (two regional indicators) or <c>"\r\n"</c> is one token. See <see cref="Text.CharacterTokenizer"/>.
    /// </summary>
    /// <param name="catalog">ML.NET's text transforms.</param>
    /// <param name="outputColumnName">The vector-of-String column to add.</param>
    /// <param name="inputColumnName">The String column to read; defaults to <paramref name="outputColumnName"/>.</param>
    /// <param name="lowerCase">Lower-case first. Default false.</param>
    /// <param name="keepWhitespace">Keep each whitespace character as a token. Default true.</param>
    /// <param name="maxTokens">Keep only the first <paramref name="maxTokens"/> characters (tokens) of a text, in training and
    /// in the saved model alike. Default <see cref="int.MaxValue"/>: no limit.</param>
    /// <returns>An estimator made of ML.NET components; the tokenizer runs in ONNX Runtime.</returns>
    /// <exception cref="ArgumentException">A column name is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxTokens"/> is zero or negative.</exception>
    /// <remarks>An empty text has no tokens (a whitespace-only one has its whitespace, unless <paramref name="keepWhitespace"/>
    /// is false); the trainers and saved models read a row without tokens as one <c>&lt;UNK&gt;</c>.</remarks>
    public static IEstimator<ITransformer> TokenizeCharacters(this TransformsCatalog.TextTransforms catalog, string outputColumnName, string? inputColumnName = null,
        bool lowerCase = false, bool keepWhitespace = true, int maxTokens = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return TokenizingSteps.Create(outputColumnName, inputColumnName, TokenizerSettings.Create(TokenizerSettings.Characters, lowerCase, false, keepWhitespace, maxTokens));
    }

    /// <summary>
    /// Splits text into subword tokens with a Microsoft.ML.Tokenizers tokenizer: Tiktoken (for example
    /// <c>TiktokenTokenizer.CreateForEncoding("cl100k_base")</c> with its Data package), BPE from vocabulary and merges
    /// files (<c>BpeTokenizer.Create</c>), WordPiece or Bert from a vocab.txt (<c>WordPieceTokenizer.Create</c>,
    /// <c>BertTokenizer.Create</c>). Map the tokens to ids with <see cref="MapTokensToIds"/>.
    /// </summary>
    /// <param name="catalog">ML.NET's text transforms.</param>
    /// <param name="outputColumnName">The vector-of-String column to add.</param>
    /// <param name="inputColumnName">The String column to read.</param>
    /// <param name="tokenizer">The tokenizer; its token strings become the tokens.</param>
    /// <returns>The estimator. Its fitted step works in-process but is not saved in model files: see <see cref="SubwordTokenizingEstimator"/>.</returns>
    /// <exception cref="ArgumentException">A column name is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="tokenizer"/> is null.</exception>
    public static SubwordTokenizingEstimator TokenizeSubwords(this TransformsCatalog.TextTransforms catalog, string outputColumnName, string inputColumnName,
        Microsoft.ML.Tokenizers.Tokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new SubwordTokenizingEstimator(outputColumnName, inputColumnName, tokenizer);
    }

    /// <summary>
    /// Fits a vocabulary on a token column (<c>&lt;PAD&gt;</c> = 0, <c>&lt;UNK&gt;</c> = 1, optional <c>&lt;BOS&gt;</c>/<c>&lt;EOS&gt;</c>,
    /// then tokens by frequency) and maps tokens to keys: id = key + 1, unknown tokens → key 0 → <c>&lt;UNK&gt;</c>.
    /// </summary>
    /// <param name="catalog">ML.NET's text transforms.</param>
    /// <param name="outputColumnName">The vector-of-key column to add.</param>
    /// <param name="inputColumnName">The vector-of-String column to read; defaults to <paramref name="outputColumnName"/>.</param>
    /// <param name="maxVocabularySize">The largest vocabulary, special tokens included. Default unlimited.</param>
    /// <param name="minCount">The fewest training occurrences for a token to get its own id. Default 1.</param>
    /// <param name="addBeginEnd">Reserve ids 2 and 3 for <c>&lt;BOS&gt;</c> and <c>&lt;EOS&gt;</c>. Default false.</param>
    /// <param name="additionalTokens">Tokens that get ids after the counted ones even if training never shows them (for
    /// example <see cref="Text.PretrainedEmbeddings.Words"/>, so unseen words keep their pretrained vector), within
    /// <paramref name="maxVocabularySize"/>. Default none.</param>
    /// <returns>The estimator; it fits ML.NET's own key mapping.</returns>
    /// <exception cref="ArgumentException">A column name is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minCount"/> is below 1, or <paramref name="maxVocabularySize"/> leaves no room beyond the special tokens.</exception>
    public static TokenToIdEstimator MapTokensToIds(this TransformsCatalog.TextTransforms catalog, string outputColumnName, string? inputColumnName = null,
        int maxVocabularySize = int.MaxValue, int minCount = 1, bool addBeginEnd = false, IEnumerable<string>? additionalTokens = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new TokenToIdEstimator(outputColumnName, inputColumnName ?? outputColumnName, maxVocabularySize, minCount, addBeginEnd, additionalTokens?.ToArray());
    }
}
