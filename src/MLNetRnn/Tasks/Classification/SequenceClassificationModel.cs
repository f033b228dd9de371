using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRnn.Onnx;
using MLNetRnn.Training;

namespace MLNetRnn.Classification;

/// <summary>
/// A trained sequence classifier. As an ML.NET transformer it adds <c>Score</c> (class probabilities in key order,
/// slot names = class labels) and <c>PredictedLabel</c> (a key of the label's key type); saved with
/// <c>mlContext.Model.Save</c> it is a standard ML.NET model (ONNX inside) that any ML.NET app loads without MLNetRnn.
/// It also keeps the trained network for inspection, training history and engine-side prediction.
/// </summary>
/// <remarks>
/// The ML.NET components it is made of are described in <see cref="SequenceClassificationTrainer"/>; see
/// <see cref="RecurrentModel"/> for how they are saved and loaded. Safe to use from many threads as ML.NET transformers are.
/// </remarks>
public sealed class SequenceClassificationModel : RecurrentModel
{
    private const int BatchSize = 64;
    private readonly SequenceClassifierNetwork _network;
    private readonly NetworkPool<SequenceClassifierNetwork> _pool;
    private readonly string[] _labels;
    private readonly string[] _vocabulary;

    private SequenceClassificationModel(ITransformer steps, SequenceClassifierNetwork network, OnnxModel graph, string[] labels,
        string[] vocabulary, string featureColumn, string scoreColumn, string predictedLabelColumn, IReadOnlyList<TrainingProgress> history,
        ValidationHoldOut? heldOut)
        : base(steps, graph, network.Parameters, history)
    {
        HeldOutValidation = heldOut;
        _network = network;
        _labels = labels;
        _vocabulary = vocabulary;
        FeatureColumnName = featureColumn;
        ScoreColumnName = scoreColumn;
        PredictedLabelColumnName = predictedLabelColumn;
        _pool = new NetworkPool<SequenceClassifierNetwork>(network.Clone);
    }

    /// <inheritdoc/>
    public override ModelSummary Summary() => ModelSummary.Of(_network);

    /// <summary>Gets the class labels in score order (the label key's values as text).</summary>
    public IReadOnlyList<string> Labels => _labels;

    /// <summary>Gets the token of each id (<c>&lt;PAD&gt;</c>, <c>&lt;UNK&gt;</c>, then the token key values in key order).</summary>
    public IReadOnlyList<string> Vocabulary => _vocabulary;

    /// <summary>Gets the architecture.</summary>
    public ClassifierArchitecture Architecture => _network.Architecture;

    /// <summary>Gets the token-key input column.</summary>
    public string FeatureColumnName { get; }

    /// <summary>Gets the probability output column.</summary>
    public string ScoreColumnName { get; }

    /// <summary>Gets the predicted-label output column.</summary>
    public string PredictedLabelColumnName { get; }

    /// <summary>
    /// Gets the slice of the training rows the trainer held out for early stopping because it was given no validation
    /// set, or null when it was given one or <see cref="SequenceClassificationOptions.ValidationFraction"/> was 0.
    /// </summary>
    public ValidationHoldOut? HeldOutValidation { get; }

    internal static SequenceClassificationModel Create(SequenceClassifierNetwork network, string[] labels, string[] vocabulary,
        SequenceClassificationOptions options, IDataView trainingData, IReadOnlyList<TrainingProgress> history, ValidationHoldOut? heldOut = null)
    {
        var graph = ClassifierOnnx.Write(network, labels, vocabulary, options.FeatureColumnName, options.ScoreColumnName, options.PredictedLabelColumnName);
        var steps = ClassifierSteps.Build(graph, labels, trainingData, options.ScoreColumnName, options.PredictedLabelColumnName);
        return new SequenceClassificationModel(steps, network, graph, labels, vocabulary, options.FeatureColumnName,
            options.ScoreColumnName, options.PredictedLabelColumnName, history, heldOut);
    }

    /// <summary>Class probabilities for each id sequence from the engine (not ONNX Runtime), batched by length.</summary>
    /// <param name="sequences">Token ids per row, each non-empty.</param>
    /// <returns>One probability vector per row, in class order.</returns>
    internal float[][] Predict(IReadOnlyList<int[]> sequences) => _pool.Use(network =>
    {
        int c = _labels.Length;
        var result = new float[sequences.Count][];
        foreach (int[] rows in LengthBuckets.Sorted(sequences.Select(s => s.Length).ToArray(), BatchSize))
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
}
