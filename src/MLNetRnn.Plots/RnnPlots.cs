using MLNetRnn.Diagnostics;
using MLNetRnn.Training;
using MLConfusionMatrix = Microsoft.ML.Data.ConfusionMatrix;

namespace MLNetRnn.Plots;

/// <summary>
/// Charts of recurrent models: training curves, confusion matrices, attention heat maps and gradient flow. Each method
/// checks its inputs and returns a <see cref="PlotImage"/> that renders as PNG or SVG.
/// </summary>
/// <example>
/// <code>
/// var model = pipeline.Fit(train);                                   // ...Trainers.Lstm(options) last but one
/// RnnPlots.TrainingCurves(classifier.TrainingHistory).Save("training.png");
/// var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
/// RnnPlots.ConfusionMatrix(metrics.ConfusionMatrix, classifier.Labels).Save("confusion.svg");
/// RnnPlots.GradientFlow([GradientFlow.Measure(RecurrentCellType.SimpleRnn), GradientFlow.Measure(RecurrentCellType.Lstm)]).Save("flow.png");
/// </code>
/// </example>
public static class RnnPlots
{
    /// <summary>
    /// Draws loss and accuracy per epoch: training loss (solid) and validation loss (dashed) on the left axis, validation
    /// accuracy on the right axis (when the history has it, as classifiers report), and a dotted line at the best epoch.
    /// </summary>
    /// <param name="history">The epochs a trainer reported, in order (a trained model's <c>TrainingHistory</c>, or what an <see cref="IProgress{T}"/> collected); at least one.</param>
    /// <param name="title">The chart's title; empty for none. Default "Training".</param>
    /// <returns>An 800 × 500 image. Values that are missing (no validation set) or not finite (a diverged run) are left out of their line.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="history"/> or <paramref name="title"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="history"/> is empty or holds a null entry.</exception>
    public static PlotImage TrainingCurves(IReadOnlyList<TrainingProgress> history, string title = "Training") => TrainingCurvesChart.Create(history, title);

    /// <summary>
    /// Draws ML.NET's confusion matrix as a heat map: a row per true class, a column per predicted class, each cell's count
    /// and its share of the row written in it; the fill runs from white (0 % of the row) to dark blue (100 %).
    /// </summary>
    /// <param name="matrix">The matrix of ML.NET's multiclass evaluator (<c>metrics.ConfusionMatrix</c>); rows are the truth, columns the prediction, in key order.</param>
    /// <param name="classes">The class names in key order (the labels, the Score column's slot names); one per class.</param>
    /// <param name="title">The chart's title; empty for none. Default "Confusion matrix".</param>
    /// <returns>An image about 90 pixels per class across (at least 300 for the cells), with room for the labels.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="matrix"/>, <paramref name="classes"/> or <paramref name="title"/> is null.</exception>
    /// <exception cref="ArgumentException">The number of class names differs from the matrix's number of classes, a name is null, or the counts are not square.</exception>
    public static PlotImage ConfusionMatrix(MLConfusionMatrix matrix, IReadOnlyList<string> classes, string title = "Confusion matrix") =>
        ConfusionMatrixChart.Create(matrix, classes, title);

    /// <summary>
    /// Draws one prediction's attention weights: a row per output step, top to bottom, a column per source token, each
    /// cell shaded from white (weight 0) to black (weight 1).
    /// </summary>
    /// <param name="sourceTokens">S source tokens, the columns; at least one. Whitespace tokens are shown as ␣.</param>
    /// <param name="outputTokens">The output tokens, the rows.</param>
    /// <param name="weights">
    /// R rows of S weights (a <c>Seq2SeqPrediction.Attention</c>): R is the number of output tokens, or one more when
    /// decoding ended with <c>&lt;EOS&gt;</c>, whose row is labelled <c>&lt;EOS&gt;</c>. Values are clamped to [0, 1]; a value
    /// that is not finite is drawn as 0.
    /// </param>
    /// <param name="title">The chart's title; empty for none. Default "Attention".</param>
    /// <returns>An image about 30 pixels per cell (at least 400 × 300), with room for the labels.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">There is no source token or no row, the number of rows is neither R nor R + 1, or a row is null or does not have S weights.</exception>
    public static PlotImage Attention(IReadOnlyList<string> sourceTokens, IReadOnlyList<string> outputTokens, IReadOnlyList<float[]> weights, string title = "Attention") =>
        AttentionChart.Create(sourceTokens, outputTokens, weights, title);

    /// <summary>
    /// Draws gradient-flow curves (<see cref="GradientFlow"/>): one line per result, <c>‖∂h_T/∂x_t‖_F</c> against the input
    /// step t = 1..T on a log-scale y axis; SimpleRNN red, LSTM blue, GRU green.
    /// </summary>
    /// <param name="curves">The measured curves; at least one.</param>
    /// <param name="title">The chart's title; empty for none. Default "Gradient flow".</param>
    /// <returns>An 800 × 500 image. Norms of 0 or not finite have no place on a log scale and are left out.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="curves"/> or <paramref name="title"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="curves"/> is empty, holds a null, or has no positive finite norm at all.</exception>
    public static PlotImage GradientFlow(IReadOnlyList<GradientFlowResult> curves, string title = "Gradient flow") => GradientFlowChart.Create(curves, title);
}
