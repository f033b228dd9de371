using MLNetRnn.Data;
using MLNetRnn.Pipeline;
using MLNetRnn.Text;

namespace MLNetRnn.Transforms;

/// <summary>
/// Fits a <see cref="Vocabulary"/> on a Vector&lt;String&gt; token column and maps tokens to ids (Vector&lt;Int32&gt;, with
/// the vocabulary as key values). Tokens not in the vocabulary map to <c>&lt;UNK&gt;</c> (id 1); they never throw.
/// </summary>
public sealed class TokenToIdEstimator : IEstimator<TokenToIdTransformer>
{
    internal TokenToIdEstimator(string outputColumnName, string inputColumnName, int minCount, int maxVocabularySize, bool addBeginEnd)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        ArgumentException.ThrowIfNullOrWhiteSpace(inputColumnName);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minCount);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxVocabularySize, addBeginEnd ? 4 : 2);
        OutputColumnName = outputColumnName;
        InputColumnName = inputColumnName;
        MinCount = minCount;
        MaxVocabularySize = maxVocabularySize;
        AddBeginEnd = addBeginEnd;
    }

    /// <summary>Gets the Vector&lt;String&gt; input column.</summary>
    public string InputColumnName { get; }

    /// <summary>Gets the Vector&lt;Int32&gt; output column.</summary>
    public string OutputColumnName { get; }

    /// <summary>Gets the fewest occurrences a token needs to get its own id.</summary>
    public int MinCount { get; }

    /// <summary>Gets the largest vocabulary, specials included.</summary>
    public int MaxVocabularySize { get; }

    /// <summary>Gets whether <c>&lt;BOS&gt;</c>/<c>&lt;EOS&gt;</c> are in the vocabulary.</summary>
    public bool AddBeginEnd { get; }

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        inputSchema.Require(InputColumnName, typeof(string[]));
        return TokenToIdTransformer.OutputSchema(inputSchema, OutputColumnName, null);
    }

    /// <inheritdoc/>
    public TokenToIdTransformer Fit(DataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(input.Schema);
        var vocabulary = Vocabulary.Build(input.GetColumn<string[]>(InputColumnName), MinCount, MaxVocabularySize, AddBeginEnd);
        return new TokenToIdTransformer(OutputColumnName, InputColumnName, vocabulary);
    }
}
