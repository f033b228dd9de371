using System.Globalization;
using System.Text;

namespace MLNetRnn.Evaluation;

// N = rows, C = classes.

/// <summary>
/// Accuracy, macro-F1, log-loss, per-class precision/recall/F1 and the confusion matrix of a multi-class classifier
/// on a labelled set. Immutable; create with <see cref="Compute"/>.
/// </summary>
/// <remarks>
/// The predicted class of a row is the argmax of its probabilities (the first maximum on ties). Definitions follow
/// scikit-learn (<c>accuracy_score</c>, <c>precision_recall_fscore_support</c> with <c>zero_division=0</c>,
/// <c>f1_score(average="macro")</c>, <c>log_loss</c>, <c>confusion_matrix</c>), with every class of
/// <see cref="Labels"/> counted, including classes that neither occur nor are predicted.
/// </remarks>
public sealed class ClassificationMetrics
{
    /// <summary>The smallest probability used inside the logarithm of <see cref="LogLoss"/>, so a confident wrong answer costs −ln(1e-15) ≈ 34.54 instead of infinity.</summary>
    private const double MinProbability = 1e-15;

    private ClassificationMetrics(int count, double accuracy, double macroF1, double logLoss, string[] labels, ClassMetrics[] perClass, ConfusionMatrix confusionMatrix)
    {
        Count = count;
        Accuracy = accuracy;
        MacroF1 = macroF1;
        LogLoss = logLoss;
        Labels = Array.AsReadOnly(labels);
        PerClass = Array.AsReadOnly(perClass);
        ConfusionMatrix = confusionMatrix;
    }

    /// <summary>Gets the fraction of rows whose predicted class equals the true class, in [0, 1].</summary>
    public double Accuracy { get; }

    /// <summary>Gets the unweighted mean of the per-class F1 scores over all C classes, in [0, 1].</summary>
    /// <remarks><c>MacroF1 = (1/C) Σ_c F1_c</c>; a class that never occurs and is never predicted contributes F1 = 0.</remarks>
    public double MacroF1 { get; }

    /// <summary>Gets the mean negative log-probability of the true class (cross-entropy, in nats); 0 is perfect.</summary>
    /// <remarks>
    /// <c>LogLoss = −(1/N) Σ_n ln(max(p[n, y_n], 1e-15))</c>. The probabilities are used as given (not renormalised);
    /// the clamp at 1e-15 is the one scikit-learn's <c>log_loss</c> long applied by default.
    /// </remarks>
    public double LogLoss { get; }

    /// <summary>Gets the number of rows evaluated, N.</summary>
    public int Count { get; }

    /// <summary>Gets the class names in class order (class id <c>c</c> is <c>Labels[c]</c>).</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Gets precision, recall, F1 and support of each class, in class order.</summary>
    public IReadOnlyList<ClassMetrics> PerClass { get; }

    /// <summary>Gets the counts of rows by (true class, predicted class).</summary>
    public ConfusionMatrix ConfusionMatrix { get; }

    /// <summary>Computes the metrics from true classes and predicted class probabilities.</summary>
    /// <param name="labels">The C class names in class order; at least one, none null, no two equal.</param>
    /// <param name="trueClasses">(N) the true class id of each row, in [0, C); N ≥ 1.</param>
    /// <param name="probabilities">(N, C) row-major predicted probabilities (for example softmax outputs); finite.</param>
    /// <returns>The metrics of the N rows.</returns>
    /// <remarks>
    /// With <c>ŷ_n = argmax_c p[n, c]</c> (first maximum on ties) and, for class c, TP = rows with y = ŷ = c,
    /// FP = rows with ŷ = c ≠ y, FN = rows with y = c ≠ ŷ:
    /// <c>Precision = TP / (TP + FP)</c>, <c>Recall = TP / (TP + FN)</c>, <c>F1 = 2 P R / (P + R)</c>, each 0 when its
    /// denominator is 0; <c>Accuracy = (1/N) Σ_n [ŷ_n = y_n]</c>.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="labels"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="labels"/> is empty, holds a null or a repeated name; <paramref name="trueClasses"/> is empty
    /// (no rows to evaluate); <paramref name="probabilities"/> does not hold N × C values, or holds a NaN or infinity
    /// (the message gives its row and column).
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">A true class is outside [0, C) (the message gives its row and value).</exception>
    public static ClassificationMetrics Compute(IReadOnlyList<string> labels, ReadOnlySpan<int> trueClasses, ReadOnlySpan<float> probabilities)
    {
        string[] names = CheckLabels(labels);
        int c = names.Length;
        int n = trueClasses.Length;
        if (n == 0)
        {
            throw new ArgumentException("There are no rows to evaluate: 'trueClasses' is empty. Pass at least one row.", nameof(trueClasses));
        }

        if (probabilities.Length != (long)n * c)
        {
            throw new ArgumentException($"'probabilities' has {probabilities.Length} values but {n} rows x {c} classes need {(long)n * c}; pass one probability per row and class, row-major.", nameof(probabilities));
        }

        var counts = new int[c * c]; // (C, C) [true, predicted]
        int correct = 0;
        double logLossSum = 0;
        for (int row = 0; row < n; row++)
        {
            int y = trueClasses[row];
            if ((uint)y >= (uint)c)
            {
                throw new ArgumentOutOfRangeException(nameof(trueClasses), y, $"True class {y} at row {row} is not a class in [0, {c}); the labels are {string.Join(", ", names)}.");
            }

            ReadOnlySpan<float> p = probabilities.Slice(row * c, c);
            int predicted = 0;
            for (int k = 0; k < c; k++)
            {
                if (!float.IsFinite(p[k]))
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Probability at row {row}, column {k} is {p[k]}; probabilities must be finite (check the model's outputs for NaN or infinity)."), nameof(probabilities));
                }

                if (p[k] > p[predicted])
                {
                    predicted = k;
                }
            }

            counts[(y * c) + predicted]++;
            correct += predicted == y ? 1 : 0;
            logLossSum -= Math.Log(Math.Max(p[y], MinProbability));
        }

        var perClass = new ClassMetrics[c];
        double f1Sum = 0;
        for (int k = 0; k < c; k++)
        {
            int truePositives = counts[(k * c) + k];
            int support = 0, predictedCount = 0;
            for (int j = 0; j < c; j++)
            {
                support += counts[(k * c) + j];
                predictedCount += counts[(j * c) + k];
            }

            double precision = Ratio(truePositives, predictedCount);
            double recall = Ratio(truePositives, support);
            double f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
            perClass[k] = new ClassMetrics(names[k], precision, recall, f1, support);
            f1Sum += f1;
        }

        return new ClassificationMetrics(n, (double)correct / n, f1Sum / c, logLossSum / n, names, perClass, new ConfusionMatrix(names, counts));
    }

    /// <summary>Formats a readable report: accuracy, macro-F1, log-loss, a per-class table and the confusion matrix.</summary>
    /// <returns>A multi-line report with numbers in invariant culture and lines ending with <c>\n</c>.</returns>
    public override string ToString()
    {
        const string ClassHeader = "class";
        var inv = CultureInfo.InvariantCulture;
        int width = ClassHeader.Length;
        foreach (string label in Labels)
        {
            width = Math.Max(width, label.Length);
        }

        var text = new StringBuilder();
        text.Append(inv, $"rows      {Count}\n");
        text.Append(inv, $"accuracy  {Accuracy:F4}\n");
        text.Append(inv, $"macro-F1  {MacroF1:F4}\n");
        text.Append(inv, $"log-loss  {LogLoss:F4}\n");
        text.Append('\n');
        text.Append(inv, $"{ClassHeader.PadRight(width)}  {"precision",9}  {"recall",6}  {"F1",6}  {"support",7}\n");
        foreach (var m in PerClass)
        {
            text.Append(inv, $"{m.Label.PadRight(width)}  {m.Precision,9:F4}  {m.Recall,6:F4}  {m.F1,6:F4}  {m.Support,7}\n");
        }

        text.Append('\n');
        text.Append("confusion matrix (rows = true class, columns = predicted class)\n");
        text.Append(ConfusionMatrix.ToString());
        return text.ToString();
    }

    private static double Ratio(int numerator, int denominator) => denominator == 0 ? 0 : (double)numerator / denominator;

    private static string[] CheckLabels(IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count == 0)
        {
            throw new ArgumentException("'labels' is empty; pass the name of every class in class order.", nameof(labels));
        }

        var names = new string[labels.Count];
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < names.Length; i++)
        {
            string? label = labels[i];
            if (label is null)
            {
                throw new ArgumentException($"Label at index {i} is null; every class needs a name.", nameof(labels));
            }

            if (!seen.TryAdd(label, i))
            {
                throw new ArgumentException($"Label '{label}' appears at index {seen[label]} and again at {i}; class names must be unique.", nameof(labels));
            }

            names[i] = label;
        }

        return names;
    }
}
