using MLNetRnn.Data;
using MLNetRnn.Evaluation;
using MLNetRnn.Models;

namespace MLNetRnn.Pipeline;

/// <summary>Sequence-to-label tasks (sentiment, topic, intent): trainers and evaluation.</summary>
public sealed class SequenceClassificationCatalog
{
    internal SequenceClassificationCatalog(int seed) => Trainers = new SequenceClassificationTrainers(seed);

    /// <summary>Gets the trainers.</summary>
    public SequenceClassificationTrainers Trainers { get; }

    /// <summary>Scores predictions against true labels.</summary>
    /// <param name="data">The output of a fitted classifier's <c>Transform</c>, with the label column.</param>
    /// <param name="labelColumnName">The true labels (String, Int32 or Boolean). Default <c>"Label"</c>.</param>
    /// <param name="scoreColumnName">The probabilities column, whose key values are the class labels. Default <c>"Score"</c>.</param>
    /// <returns>Accuracy, macro-F1, log-loss, per-class precision/recall/F1 and the confusion matrix.</returns>
    /// <exception cref="ArgumentException">A column is missing or mistyped, there are no rows, or a label was not seen in training.</exception>
    public ClassificationMetrics Evaluate(DataView data, string labelColumnName = "Label", string scoreColumnName = "Score")
    {
        ArgumentNullException.ThrowIfNull(data);
        var scoreColumn = data.Schema.Require(scoreColumnName, typeof(float[]));
        var classes = scoreColumn.KeyValues
            ?? throw new ArgumentException($"Column '{scoreColumnName}' has no class labels; pass the output of a sequence classifier's Transform.", nameof(scoreColumnName));
        if (data.RowCount == 0)
        {
            throw new ArgumentException("There are no rows to evaluate.", nameof(data));
        }

        int[] truth = LabelEncoding.ToClasses(LabelEncoding.Read(data, labelColumnName), classes, labelColumnName);
        float[][] scores = data.GetColumn<float[]>(scoreColumnName);
        var probabilities = new float[scores.Length * classes.Count];
        for (int i = 0; i < scores.Length; i++)
        {
            scores[i].CopyTo(probabilities, i * classes.Count);
        }

        return ClassificationMetrics.Compute(classes, truth, probabilities);
    }
}
