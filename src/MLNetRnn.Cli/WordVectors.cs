using MLNetRnn.Classification;
using MLNetRnn.Text;

namespace MLNetRnn.Cli;

/// <summary>
/// The <c>--glove</c> choice of <c>train classify</c>: the built-in GloVe vectors (the default at word level), none, or a
/// file; and whether their words join the vocabulary (<c>--glove-words</c>).
/// </summary>
internal static class WordVectors
{
    public const string BuiltIn = "builtin";
    public const string None = "none";

    /// <summary>The built-in vectors' dimension (checked by a test against the vectors themselves).</summary>
    public const int BuiltInDimension = 100;

    /// <summary>
    /// Sets the options' vectors from the <c>--glove</c> value and returns the vectors whose words join the vocabulary,
    /// or null when none do.
    /// </summary>
    /// <remarks>
    /// Without <c>--glove</c>: the built-in vectors at word level, unless <c>--embedding</c> asks for another size than
    /// theirs (then none: a small embedding learnt from scratch); nothing at character level.
    /// </remarks>
    /// <exception cref="ArgumentException">The value is empty.</exception>
    public static PretrainedEmbeddings? Resolve(string? glove, bool characters, bool addWords, int? embeddingGiven, SequenceClassificationOptions options)
    {
        glove ??= characters || (embeddingGiven is { } size && size != BuiltInDimension) ? None : BuiltIn;
        if (string.IsNullOrWhiteSpace(glove))
        {
            throw new ArgumentException("--glove is empty; give 'builtin', 'none' or a GloVe/word2vec text file.");
        }

        if (glove.Equals(None, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (glove.Equals(BuiltIn, StringComparison.OrdinalIgnoreCase))
        {
            options.PretrainedEmbeddings = PretrainedEmbeddings.LoadBuiltIn();
        }
        else if (addWords)
        {
            options.PretrainedEmbeddings = PretrainedEmbeddings.Load(glove); // every word, for the vocabulary too
        }
        else
        {
            options.PretrainedEmbeddingsPath = glove; // only the training words' vectors are kept
            return null;
        }

        return addWords ? options.PretrainedEmbeddings : null;
    }

    /// <summary>What the JSON summary says about the vectors: the file, <see cref="PretrainedEmbeddings.BuiltInName"/>, or null.</summary>
    public static string? Json(SequenceClassificationOptions options) => options.PretrainedEmbeddingsPath ?? options.PretrainedEmbeddings?.Source;
}
