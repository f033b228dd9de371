using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRnn.DataViews;
using MLNetRnn.Onnx;
using MLNetRnn.Training;

namespace MLNetRnn.Tagging;

/// <summary>
/// A trained sequence tagger. As an ML.NET transformer it adds <c>PredictedTags</c> (a vector of String, one tag per
/// token); saved with <c>mlContext.Model.Save</c> it is a standard ML.NET model (the network as ONNX, run by ML.NET's ONNX
/// transform) that any ML.NET app loads without MLNetRnn. It also keeps the trained network for inspection, training
/// history and engine-side prediction.
/// </summary>
/// <remarks>See <see cref="RecurrentModel"/> for how it is saved and loaded. Safe to use from many threads as ML.NET transformers are.</remarks>
public sealed class SequenceTaggingModel : RecurrentModel
{
    private const int BatchSize = 64;
    private readonly SequenceTaggerNetwork _network;
    private readonly NetworkPool<SequenceTaggerNetwork> _pool;
    private readonly string[] _tags;
    private readonly string[] _vocabulary;
    private readonly string[]? _characterVocabulary;

    private SequenceTaggingModel(ITransformer steps, SequenceTaggerNetwork network, OnnxModel graph, string[] tags, string[] vocabulary,
        string[]? characterVocabulary, SequenceTaggingOptions options, IReadOnlyList<TrainingProgress> history)
        : base(steps, graph, network.Parameters, history)
    {
        _network = network;
        _tags = tags;
        _vocabulary = vocabulary;
        _characterVocabulary = characterVocabulary;
        FeatureColumnName = options.FeatureColumnName;
        CharacterColumnName = characterVocabulary is null ? null : options.CharacterColumnName;
        PredictedTagsColumnName = options.PredictedTagsColumnName;
        _pool = new NetworkPool<SequenceTaggerNetwork>(network.Clone);
    }

    /// <inheritdoc/>
    public override ModelSummary Summary() => ModelSummary.Of(_network);

    /// <summary>Gets the tags in id order (ordinal order of the training tags).</summary>
    public IReadOnlyList<string> Tags => _tags;

    /// <summary>Gets the token of each id (<c>&lt;PAD&gt;</c>, <c>&lt;UNK&gt;</c>, then the token key values in key order).</summary>
    public IReadOnlyList<string> Vocabulary => _vocabulary;

    /// <summary>Gets the architecture.</summary>
    public TaggerArchitecture Architecture => _network.Architecture;

    /// <summary>Gets the token-key input column.</summary>
    public string FeatureColumnName { get; }

    /// <summary>Gets the character-key input column, or null for a tagger without character features.</summary>
    public string? CharacterColumnName { get; }

    /// <summary>Gets the characters of the character features in id order (<c>&lt;PAD&gt;</c>, <c>&lt;UNK&gt;</c>, the word
    /// boundary <c>&lt;W&gt;</c>, then one string per training character), or null without character features.</summary>
    public IReadOnlyList<string>? CharacterVocabulary => _characterVocabulary;

    /// <summary>Gets the predicted-tags output column.</summary>
    public string PredictedTagsColumnName { get; }

    internal static SequenceTaggingModel Create(SequenceTaggerNetwork network, string[] tags, string[] vocabulary, string[]? characterVocabulary,
        SequenceTaggingOptions options, IDataView trainingData, IReadOnlyList<TrainingProgress> history)
    {
        var columns = new TaggerOnnx.ColumnNames(options.FeatureColumnName, characterVocabulary is null ? null : options.CharacterColumnName, options.PredictedTagsColumnName);
        var graph = TaggerOnnx.Write(network, tags, vocabulary, characterVocabulary, columns);
        var steps = new EstimatorChain<ITransformer>().Append(OnnxStep.Estimator(OnnxStep.Context(), graph)).Fit(new EmptyDataView(trainingData.Schema));
        return new SequenceTaggingModel(steps, network, graph, tags, vocabulary, characterVocabulary, options, history);
    }

    /// <summary>Tag ids for each id sequence from the engine (not ONNX Runtime), batched by length.</summary>
    /// <param name="sequences">Token ids per row, each non-empty.</param>
    /// <param name="words">Each row's words as text (one per token), required with character features.</param>
    /// <returns>One tag-id array per row, as long as the row.</returns>
    internal int[][] PredictIds(IReadOnlyList<int[]> sequences, IReadOnlyList<string[]>? words = null) => _pool.Use(network =>
    {
        var result = new int[sequences.Count][];
        var characters = _characterVocabulary is null ? null
            : CharacterData.Of(words ?? throw new ArgumentNullException(nameof(words), "This tagger reads characters; pass each row's words."), _characterVocabulary);
        foreach (int[] rows in LengthBuckets.Sorted(sequences.Select(s => s.Length).ToArray(), BatchSize))
        {
            var batch = SequenceBatch.Create(sequences, rows);
            int[][] tags = network.Predict(batch, characters?.Batch(rows, batch.TimeSteps));
            for (int j = 0; j < rows.Length; j++)
            {
                result[rows[j]] = tags[j];
            }
        }

        return result;
    });

    /// <summary>The predicted tags of each row of <paramref name="data"/>'s token-key column, computed by the engine.</summary>
    /// <param name="data">Rows with <see cref="FeatureColumnName"/> (and <see cref="CharacterColumnName"/> with character features).</param>
    /// <returns>One array of tags per row, one tag per token (an empty row reads as one <c>&lt;UNK&gt;</c> token).</returns>
    /// <exception cref="ArgumentException">The column is missing, not a vector of keys, or its key count is not the model's vocabulary.</exception>
    public string[][] PredictTags(IDataView data)
    {
        ArgumentNullException.ThrowIfNull(data);
        int keys = Columns.RequireTokenKeys(data.Schema, FeatureColumnName, "token ids");
        if (keys + 2 != _vocabulary.Length)
        {
            throw new ArgumentException($"Column '{FeatureColumnName}' has {keys} keys, but the model was trained with {_vocabulary.Length - 2}; map tokens with the steps fitted on the training data.", nameof(data));
        }

        int[][] sequences = ColumnReader.TokenIds(data, FeatureColumnName);
        string[][]? words = CharacterColumnName is null ? null : TaggerCharacters.ReadWords(data, CharacterColumnName);
        for (int r = 0; words is not null && r < words.Length; r++)
        {
            if (words[r].Length != sequences[r].Length)
            {
                throw new ArgumentException($"Row {r} has {sequences[r].Length} tokens but its characters in column '{CharacterColumnName}' split into {words[r].Length} words; make both columns from the same token vector.", nameof(data));
            }
        }

        return [.. PredictIds(sequences, words).Select(row => row.Select(t => _tags[t]).ToArray())];
    }
}
