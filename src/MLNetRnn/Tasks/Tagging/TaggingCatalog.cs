using Microsoft.ML;
using MLNetRnn.DataViews;
using MLNetRnn.Evaluation;

namespace MLNetRnn.Tagging;

/// <summary>
/// Token tagging on an <see cref="MLContext"/> (<c>mlContext.Tagging</c>): recurrent taggers that give every token a tag
/// (part of speech, BIO names), and an evaluator of predicted tags against gold tags.
/// </summary>
public sealed class TaggingCatalog
{
    internal TaggingCatalog(MLContext mlContext)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        Trainers = new TaggingTrainers();
    }

    /// <summary>Gets the trainers.</summary>
    public TaggingTrainers Trainers { get; }

    /// <summary>Scores predicted tags against gold tags: token accuracy, macro F1 and per-tag precision/recall/F1.</summary>
    /// <param name="data">Rows with the gold tag column and the model's predicted-tags column.</param>
    /// <param name="tagColumnName">The gold tags (vector of String). Default <c>"Tags"</c>.</param>
    /// <param name="predictedTagsColumnName">The predicted tags (vector of String). Default <c>"PredictedTags"</c>.</param>
    /// <returns>The metrics over all tokens of all rows.</returns>
    /// <exception cref="ArgumentException">A column is missing or mistyped, or a row's gold and predicted tag counts differ.</exception>
    public TaggingMetrics Evaluate(IDataView data, string tagColumnName = "Tags", string predictedTagsColumnName = "PredictedTags")
    {
        ArgumentNullException.ThrowIfNull(data);
        Columns.RequireTextVector(data.Schema, tagColumnName, "gold tags");
        Columns.RequireTextVector(data.Schema, predictedTagsColumnName, "predicted tags");
        return TaggingEvaluator.Evaluate(ColumnReader.TextVectors(data, tagColumnName), ColumnReader.TextVectors(data, predictedTagsColumnName));
    }
}
