using System.Globalization;
using System.Text;
using Microsoft.ML.Data;
using MLNetRnn.SequenceToSequence;

namespace MLNetRnn.Cli;

/// <summary>The metric objects that <c>train</c> (validation) and <c>evaluate</c> print, so both use the same field names.</summary>
internal static class MetricsJson
{
    /// <summary>
    /// <c>{"accuracy","macroF1","logLoss","count"}</c> from ML.NET's multiclass metrics: accuracy = MicroAccuracy,
    /// logLoss = LogLoss, count = rows in the confusion matrix, macroF1 = <see cref="MacroF1"/>.
    /// </summary>
    public static object Of(MulticlassClassificationMetrics m) =>
        new { accuracy = JsonOut.Round(m.MicroAccuracy), macroF1 = JsonOut.Round(MacroF1(m)), logLoss = JsonOut.Round(m.LogLoss), count = Count(m) };

    /// <summary><c>{"exactMatch","tokenErrorRate","bleu","count"}</c>.</summary>
    public static object Of(SequenceToSequenceMetrics m) =>
        new { exactMatch = JsonOut.Round(m.ExactMatch), tokenErrorRate = JsonOut.Round(m.TokenErrorRate), bleu = JsonOut.Round(m.Bleu), count = m.Count };

    /// <summary>The mean over classes of F1 = 2PR / (P + R), from the confusion matrix's per-class precision and recall; a class with P + R = 0 (or undefined) counts 0.</summary>
    public static double MacroF1(MulticlassClassificationMetrics m)
    {
        var precision = m.ConfusionMatrix.PerClassPrecision;
        var recall = m.ConfusionMatrix.PerClassRecall;
        return precision.Count == 0 ? 0 : precision.Select((p, c) => F1(p, recall[c])).Average();
    }

    /// <summary>Rows evaluated: the sum of the confusion matrix's counts.</summary>
    public static long Count(MulticlassClassificationMetrics m) => (long)m.ConfusionMatrix.Counts.Sum(row => row.Sum());

    /// <summary>A readable report: rows, accuracy, macro-F1, log-loss, a per-class table and ML.NET's confusion table.</summary>
    public static string Describe(MulticlassClassificationMetrics m, IReadOnlyList<string> labels)
    {
        var inv = CultureInfo.InvariantCulture;
        var cm = m.ConfusionMatrix;
        int width = Math.Max("class".Length, labels.Count == 0 ? 0 : labels.Max(l => l.Length));
        var text = new StringBuilder();
        text.Append(inv, $"rows      {Count(m)}\n");
        text.Append(inv, $"accuracy  {m.MicroAccuracy:F4}\n");
        text.Append(inv, $"macro-F1  {MacroF1(m):F4}\n");
        text.Append(inv, $"log-loss  {m.LogLoss:F4}\n\n");
        text.Append(inv, $"{"class".PadRight(width)}  {"precision",9}  {"recall",6}  {"F1",6}  {"support",7}\n");
        for (int c = 0; c < cm.PerClassPrecision.Count; c++)
        {
            string label = c < labels.Count ? labels[c] : c.ToString(inv);
            double p = cm.PerClassPrecision[c], r = cm.PerClassRecall[c];
            text.Append(inv, $"{label.PadRight(width)}  {p,9:F4}  {r,6:F4}  {F1(p, r),6:F4}  {cm.Counts[c].Sum(),7}\n");
        }

        text.Append('\n').Append(cm.GetFormattedConfusionTable());
        return text.ToString();
    }

    private static double F1(double precision, double recall) =>
        precision + recall is > 0 and var sum && double.IsFinite(sum) ? 2 * precision * recall / sum : 0;
}
