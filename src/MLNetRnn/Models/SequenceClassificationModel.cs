using MLNetRnn.Data;
using MLNetRnn.Pipeline;
using MLNetRnn.Tensors;

namespace MLNetRnn.Models;

/// <summary>
/// A trained sequence classifier: adds a predicted-label column (String) and a score column (Vector&lt;Single&gt; of class
/// probabilities in class order, whose key values are the class labels).
/// </summary>
/// <remarks>
/// Safe to use from many threads at once: each call borrows a private copy of the network (activations are per copy,
/// weights are read-only), so concurrent predictions never share mutable state.
/// </remarks>
public sealed class SequenceClassificationModel : ISavableTransformer
{
    internal const string ComponentKind = "SequenceClassifier";
    private const int BatchSize = 64;
    private readonly SequenceClassifierNetwork _network;
    private readonly NetworkPool<SequenceClassifierNetwork> _pool;
    private readonly string[] _labels;

    internal SequenceClassificationModel(SequenceClassifierNetwork network, string[] labels, string featureColumnName, string predictedLabelColumnName, string scoreColumnName)
    {
        _network = network;
        _labels = labels;
        FeatureColumnName = featureColumnName;
        PredictedLabelColumnName = predictedLabelColumnName;
        ScoreColumnName = scoreColumnName;
        _pool = new NetworkPool<SequenceClassifierNetwork>(network.Clone);
    }

    /// <summary>Gets the class labels, in class (score) order.</summary>
    public IReadOnlyList<string> Labels => _labels;

    /// <summary>Gets the architecture.</summary>
    public ClassifierArchitecture Architecture => _network.Architecture;

    /// <summary>Gets the token-id input column.</summary>
    public string FeatureColumnName { get; }

    /// <summary>Gets the predicted-label output column.</summary>
    public string PredictedLabelColumnName { get; }

    /// <summary>Gets the probability output column.</summary>
    public string ScoreColumnName { get; }

    /// <summary>Gets the number of trainable scalars.</summary>
    public int ParameterCount => _network.Parameters.Count;

    /// <summary>Gets every tensor's name and shape, in order (for inspection).</summary>
    public IReadOnlyList<(string Name, int[] Shape)> Tensors => _network.Parameters.Parameters.Select(p => (p.Name, p.Shape.ToArray())).ToList();

    string ISavableTransformer.Kind => ComponentKind;

    string? ISavableTransformer.Task => "SequenceClassification";

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        inputSchema.Require(FeatureColumnName, typeof(int[]));
        return OutputSchema(inputSchema, PredictedLabelColumnName, ScoreColumnName, _labels);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside the vocabulary the model was trained with.</exception>
    public DataView Transform(DataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(input.Schema);
        int[][] sequences = input.GetColumn<int[]>(FeatureColumnName);
        float[][] scores = Predict(sequences);
        var predicted = new string[scores.Length];
        for (int i = 0; i < scores.Length; i++)
        {
            predicted[i] = _labels[System.Numerics.Tensors.TensorPrimitives.IndexOfMax(scores[i])];
        }

        return input.WithColumn(ScoreColumnName, scores, _labels).WithColumn(PredictedLabelColumnName, predicted);
    }

    /// <summary>Class probabilities for each id sequence, batched by length.</summary>
    /// <param name="sequences">Token ids per row, each non-empty.</param>
    /// <returns>One probability vector per row, in class order.</returns>
    /// <exception cref="ArgumentException">A row has no tokens.</exception>
    internal float[][] Predict(IReadOnlyList<int[]> sequences) => _pool.Use(network =>
    {
        int c = _labels.Length;
        var result = new float[sequences.Count][];
        foreach (int[] rows in Training.LengthBuckets.Sorted(sequences.Select(s => s.Length).ToArray(), BatchSize))
        {
            var batch = SequenceBatch.Create(sequences, rows);
            var probabilities = new float[rows.Length * c];
            network.Forward(batch, false, default, probabilities);
            for (int j = 0; j < rows.Length; j++)
            {
                result[rows[j]] = probabilities.AsSpan(j * c, c).ToArray();
            }
        }

        return result;
    });

    internal static DataViewSchema OutputSchema(DataViewSchema input, string predictedLabel, string score, IReadOnlyList<string>? labels) =>
        input.WithOutputs((score, typeof(float[]), labels), (predictedLabel, typeof(string), null));

    void ISavableTransformer.Save(ModelSaveContext context)
    {
        context.WriteJson("config.json", new SavedConfig(_network.Architecture, FeatureColumnName, PredictedLabelColumnName, ScoreColumnName));
        context.WriteLines("labels.txt", _labels);
        foreach (var p in _network.Parameters.Parameters)
        {
            context.WriteTensor(p.Name, NpyArray.FromSingle(p.Value.ToArray(), p.Shape.ToArray()));
        }
    }

    internal static ITransformer Load(ModelLoadContext context)
    {
        var config = context.ReadJson<SavedConfig>("config.json");
        var a = config.Architecture;
        if (a is null || a.VocabularySize < 1 || a.ClassCount < 2 || a.EmbeddingSize < 1 || a.HiddenSize < 1 || a.NumberOfLayers < 1
            || !Enum.IsDefined(a.CellType) || !Enum.IsDefined(a.Pooling) || !(a.Dropout >= 0f && a.Dropout < 1f))
        {
            throw context.Corrupt("config.json has an invalid architecture");
        }

        var labels = context.ReadLines("labels.txt").ToArray();
        if (labels.Length != a.ClassCount || labels.Distinct(StringComparer.Ordinal).Count() != labels.Length)
        {
            throw context.Corrupt($"labels.txt has {labels.Length} lines (they must be {a.ClassCount} distinct labels, one per class)");
        }

        var network = new SequenceClassifierNetwork(a, new Numerics.SeededRandom(0));
        context.ReadParameters(network.Parameters);
        return new SequenceClassificationModel(network, labels, config.FeatureColumnName, config.PredictedLabelColumnName, config.ScoreColumnName);
    }

    private sealed record SavedConfig(ClassifierArchitecture Architecture, string FeatureColumnName, string PredictedLabelColumnName, string ScoreColumnName);
}
