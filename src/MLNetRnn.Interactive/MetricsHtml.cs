using System.Reflection;
using Microsoft.ML.Data;
using MLNetRnn.Interactive.Html;
using MLNetRnn.SequenceToSequence;
using Cell = MLNetRnn.Interactive.Html.HtmlTable.Cell;

namespace MLNetRnn.Interactive;

/// <summary>HTML for evaluation results: ML.NET's multiclass metrics and our sequence-to-sequence metrics.</summary>
internal static class MetricsHtml
{
    // ML.NET keeps the class names of a confusion matrix (the Score column's slot names) in an internal field; its
    // public API has only counts. Read it when it is there (ML.NET 5.0), else name the classes by index.
    private static readonly FieldInfo? ClassNamesField =
        typeof(ConfusionMatrix).GetField("PredictedClassesIndicators", BindingFlags.Instance | BindingFlags.NonPublic);

    /// <summary>
    /// The overall metrics (micro and macro accuracy, log-loss, log-loss reduction, top-K accuracy when asked for), a
    /// per-class table (precision, recall, F1, log-loss, support) and the confusion matrix counts (rows: truth).
    /// </summary>
    public static string Multiclass(MulticlassClassificationMetrics metrics)
    {
        var matrix = metrics.ConfusionMatrix;
        var classes = ClassNames(matrix);
        var overall = new HtmlTable("mlnetrnn-metrics", "Multiclass classification metrics (ML.NET evaluator)", "metric", "value")
            .Row("accuracy (micro)", Cell.Number(metrics.MicroAccuracy))
            .Row("accuracy (macro)", Cell.Number(metrics.MacroAccuracy))
            .Row("log-loss", Cell.Number(metrics.LogLoss))
            .Row("log-loss reduction", Cell.Number(metrics.LogLossReduction));
        if (metrics.TopKPredictionCount > 0)
        {
            overall.Row($"top-{metrics.TopKPredictionCount} accuracy", Cell.Number(metrics.TopKAccuracy));
        }

        var perClass = new HtmlTable("mlnetrnn-per-class", "Per class", "class", "precision", "recall", "F1", "log-loss", "support");
        for (int c = 0; c < matrix.NumberOfClasses; c++)
        {
            double precision = matrix.PerClassPrecision[c], recall = matrix.PerClassRecall[c];
            double f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
            double? logLoss = c < metrics.PerClassLogLoss.Count ? metrics.PerClassLogLoss[c] : null;
            perClass.Row(classes[c], Cell.Number(precision), Cell.Number(recall), Cell.Number(f1), Cell.Number(logLoss),
                Cell.Number(matrix.Counts[c].Sum(), 0));
        }

        var counts = new HtmlTable("mlnetrnn-confusion", "Confusion matrix (rows: truth, columns: predicted)", ["truth \\ predicted", .. classes]);
        for (int c = 0; c < matrix.NumberOfClasses; c++)
        {
            counts.Row([classes[c], .. matrix.Counts[c].Select(n => Cell.Number(n, 0))]);
        }

        return HtmlTable.Block("mlnetrnn", [overall.ToString(), perClass.ToString(), counts.ToString()]);
    }

    /// <summary>Rows, exact match, token error rate and BLEU.</summary>
    public static string SequenceToSequence(SequenceToSequenceMetrics metrics) =>
        HtmlTable.Block("mlnetrnn",
        [
            new HtmlTable("mlnetrnn-metrics", "Sequence-to-sequence metrics", "metric", "value")
                .Row("rows", metrics.Count)
                .Row("exact match", Cell.Number(metrics.ExactMatch))
                .Row("token error rate", Cell.Number(metrics.TokenErrorRate))
                .Row("BLEU (0–100)", Cell.Number(metrics.Bleu, 2))
                .ToString(),
        ]);

    /// <summary>The class names in key order, or <c>class 0</c>, <c>class 1</c>… when ML.NET did not keep them.</summary>
    internal static string[] ClassNames(ConfusionMatrix matrix)
    {
        if (ClassNamesField?.GetValue(matrix) is IReadOnlyList<ReadOnlyMemory<char>> names && names.Count == matrix.NumberOfClasses)
        {
            return [.. names.Select(n => n.ToString())];
        }

        return [.. Enumerable.Range(0, matrix.NumberOfClasses).Select(c => $"class {c}")];
    }
}
