using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using MLNetRnn.DataViews;
using MLNetRnn.Text;

namespace MLNetRnn.Transforms;

/// <summary>
/// Fits a <see cref="Vocabulary"/> on a token column and maps tokens to ML.NET keys with it. The fitted transformer is
/// ML.NET's own <see cref="ValueToKeyMappingTransformer"/> (it travels in a saved model like any ML.NET step); its key
/// values are the vocabulary's tokens after <c>&lt;PAD&gt;</c> and <c>&lt;UNK&gt;</c>.
/// </summary>
/// <remarks>
/// Ids and keys: token id = key + 1. The vocabulary's ids are <c>&lt;PAD&gt;</c> 0, <c>&lt;UNK&gt;</c> 1, then
/// (<see cref="AddBeginEnd"/>) <c>&lt;BOS&gt;</c> 2 and <c>&lt;EOS&gt;</c> 3, then tokens by frequency (ties by first
/// appearance). A token the vocabulary does not know gets ML.NET's missing key 0, which is id 1, <c>&lt;UNK&gt;</c>; the
/// text <c>"&lt;PAD&gt;"</c> is such a token, so padding never comes from data. The recurrent trainers read any key-vector
/// column this way, including one made by ML.NET's own <c>MapValueToKey</c>.
/// </remarks>
public sealed class TokenToIdEstimator : IEstimator<ValueToKeyMappingTransformer>
{
    internal TokenToIdEstimator(string outputColumnName, string inputColumnName, int maxVocabularySize, int minCount, bool addBeginEnd,
        IReadOnlyList<string>? additionalTokens = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        ArgumentException.ThrowIfNullOrWhiteSpace(inputColumnName);
        if (minCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(minCount), minCount, $"minCount is {minCount}; it must be at least 1 (1 keeps every token seen).");
        }

        int specials = addBeginEnd ? 4 : 2;
        if (maxVocabularySize < specials + 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxVocabularySize), maxVocabularySize, $"maxVocabularySize is {maxVocabularySize}, but the special tokens alone take {specials} ids; allow at least {specials + 1}.");
        }

        OutputColumnName = outputColumnName;
        InputColumnName = inputColumnName;
        MaxVocabularySize = maxVocabularySize;
        MinCount = minCount;
        AddBeginEnd = addBeginEnd;
        AdditionalTokens = additionalTokens ?? [];
    }

    /// <summary>Gets the vector-of-String input column.</summary>
    public string InputColumnName { get; }

    /// <summary>Gets the vector-of-key output column.</summary>
    public string OutputColumnName { get; }

    /// <summary>Gets the largest vocabulary, special tokens included.</summary>
    public int MaxVocabularySize { get; }

    /// <summary>Gets the fewest occurrences a token needs to get its own id.</summary>
    public int MinCount { get; }

    /// <summary>Gets whether <c>&lt;BOS&gt;</c> and <c>&lt;EOS&gt;</c> get ids 2 and 3.</summary>
    public bool AddBeginEnd { get; }

    /// <summary>
    /// Gets the tokens that join the vocabulary after the counted ones even when training never shows them (those already
    /// in it are skipped), until <see cref="MaxVocabularySize"/> is reached: typically the words of pretrained vectors.
    /// </summary>
    public IReadOnlyList<string> AdditionalTokens { get; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The input column is missing or not a vector of String.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        Columns.RequireTextVector(inputSchema, InputColumnName, "tokens");
        return OnnxStep.Context().Transforms.Conversion.MapValueToKey(OutputColumnName, InputColumnName).GetOutputSchema(inputSchema);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The input column is missing or not a vector of String, or a token is empty.</exception>
    public ValueToKeyMappingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Columns.RequireTextVector(input.Schema, InputColumnName, "tokens");
        var vocabulary = Vocabulary.Build(ColumnReader.TextVectors(input, InputColumnName), MinCount, MaxVocabularySize, AddBeginEnd)
            .Extend(AdditionalTokens, MaxVocabularySize);
        var ml = OnnxStep.Context();
        var keys = ml.Data.LoadFromEnumerable(vocabulary.Tokens.Skip(2).Select(t => new KeyRow { Token = t }));
        return ml.Transforms.Conversion.MapValueToKey(OutputColumnName, InputColumnName, maximumNumberOfKeys: int.MaxValue, keyData: keys).Fit(input);
    }

    private sealed class KeyRow
    {
        public string Token { get; set; } = string.Empty;
    }
}
