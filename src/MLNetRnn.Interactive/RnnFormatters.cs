using Microsoft.DotNet.Interactive.Formatting;
using Microsoft.ML.Data;
using MLNetRnn.Classification;
using MLNetRnn.Plots;
using MLNetRnn.SequenceToSequence;
using MLNetRnn.Training;

namespace MLNetRnn.Interactive;

/// <summary>
/// Makes MLNetRnn's results display well in a .NET Interactive notebook (Polyglot Notebooks in VS Code, Jupyter with
/// the .NET kernel): evaluation metrics, training history and model summaries as HTML tables, plots as inline images.
/// </summary>
/// <remarks>
/// <para>Registered for the <c>text/html</c> MIME type, which notebooks use for a cell's value and for <c>Display()</c>:</para>
/// <list type="bullet">
/// <item>ML.NET's <see cref="MulticlassClassificationMetrics"/>: accuracy (micro, macro), log-loss, log-loss reduction,
/// top-K accuracy when asked for; per class precision, recall, F1, log-loss and support; the confusion matrix counts.</item>
/// <item><see cref="SequenceToSequenceMetrics"/>: rows, exact match, token error rate, BLEU.</item>
/// <item><see cref="SequenceClassificationModel"/> and <see cref="SequenceToSequenceModel"/>: a Keras-like summary (layers
/// with output shapes and parameters, the total), the architecture, the tensors with their shapes, how training went.</item>
/// <item><see cref="ModelSummary"/>: the layer table alone.</item>
/// <item>A sequence of <see cref="TrainingProgress"/> (a model's <c>TrainingHistory</c>): one row per epoch.</item>
/// <item><see cref="PlotImage"/> (from <see cref="RnnPlots"/>): the PNG inline as <c>&lt;img src="data:image/png;base64,…"&gt;</c>.</item>
/// </list>
/// <para>
/// A notebook that loads the <c>MLNetRnn.Interactive</c> package with <c>#r "nuget: …"</c> gets them without a call
/// (the package runs <c>Register</c>); one that references the built assemblies with <c>#r "path"</c> calls
/// <see cref="Register"/> once.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// MLNetRnn.Interactive.RnnFormatters.Register();
/// ml.MulticlassClassification.Evaluate(model.Transform(test))     // the cell's value shows as tables
/// </code>
/// </example>
public static class RnnFormatters
{
    /// <summary>Registers the HTML formatters with .NET Interactive's <see cref="Formatter"/>. Calling it again is harmless.</summary>
    public static void Register()
    {
        Formatter.Register<MulticlassClassificationMetrics>((metrics, writer) => writer.Write(MetricsHtml.Multiclass(metrics)), HtmlFormatter.MimeType);
        Formatter.Register<SequenceToSequenceMetrics>((metrics, writer) => writer.Write(MetricsHtml.SequenceToSequence(metrics)), HtmlFormatter.MimeType);
        Formatter.Register<SequenceClassificationModel>((model, writer) => writer.Write(ModelHtml.Classifier(model)), HtmlFormatter.MimeType);
        Formatter.Register<SequenceToSequenceModel>((model, writer) => writer.Write(ModelHtml.EncoderDecoder(model)), HtmlFormatter.MimeType);
        Formatter.Register<ModelSummary>((summary, writer) => writer.Write(ModelHtml.Summary(summary)), HtmlFormatter.MimeType);
        Formatter.Register<IEnumerable<TrainingProgress>>((history, writer) => writer.Write(TrainingHtml.History(history)), HtmlFormatter.MimeType);
        Formatter.Register<TrainingProgress>((progress, writer) => writer.Write(TrainingHtml.History([progress])), HtmlFormatter.MimeType);
        Formatter.Register<PlotImage>((plot, writer) => writer.Write(PlotHtml.Image(plot)), HtmlFormatter.MimeType);
        foreach (var type in new[]
        {
            typeof(MulticlassClassificationMetrics), typeof(SequenceToSequenceMetrics), typeof(SequenceClassificationModel),
            typeof(SequenceToSequenceModel), typeof(ModelSummary), typeof(IEnumerable<TrainingProgress>), typeof(TrainingProgress), typeof(PlotImage),
        })
        {
            Formatter.SetPreferredMimeTypesFor(type, HtmlFormatter.MimeType);
        }
    }
}
