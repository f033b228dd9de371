using System.Globalization;
using System.Text;

namespace MLNetRnn.Evaluation;

// C = classes.

/// <summary>Counts of rows by (true class, predicted class), as part of <see cref="ClassificationMetrics"/>.</summary>
/// <remarks>
/// Entry <c>[t, p]</c> is the number of rows whose true class is <c>t</c> and whose predicted class is <c>p</c>, the
/// layout of scikit-learn's <c>confusion_matrix</c>: row sums are each class's support, the diagonal holds the correct
/// predictions. Immutable.
/// </remarks>
public sealed class ConfusionMatrix
{
    private const string Corner = "true \\ predicted";

    private readonly string[] _labels;
    private readonly int[] _counts; // (C, C) row-major: [true, predicted]

    /// <summary>Wraps counts already accumulated by <see cref="ClassificationMetrics.Compute"/>; takes ownership of both arrays.</summary>
    internal ConfusionMatrix(string[] labels, int[] counts)
    {
        _labels = labels;
        _counts = counts;
        Labels = Array.AsReadOnly(labels);
    }

    /// <summary>Gets the number of classes, C; the matrix is C × C.</summary>
    public int ClassCount => _labels.Length;

    /// <summary>Gets the class names in class order; the names of both the rows and the columns.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Gets the number of rows of class <paramref name="trueClass"/> that were predicted as <paramref name="predictedClass"/>.</summary>
    /// <param name="trueClass">The true class, in [0, <see cref="ClassCount"/>).</param>
    /// <param name="predictedClass">The predicted class, in [0, <see cref="ClassCount"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="trueClass"/> or <paramref name="predictedClass"/> is outside [0, <see cref="ClassCount"/>).</exception>
    public int this[int trueClass, int predictedClass]
    {
        get
        {
            CheckClass(trueClass, nameof(trueClass));
            CheckClass(predictedClass, nameof(predictedClass));
            return _counts[(trueClass * _labels.Length) + predictedClass];
        }
    }

    /// <summary>Formats the matrix as an aligned table: one row per true class, one column per predicted class.</summary>
    /// <returns>
    /// A header line <c>true \ predicted</c> followed by the class names, then one line per true class with its name
    /// (left-aligned) and its counts (right-aligned under their column's name); lines end with <c>\n</c>.
    /// </returns>
    public override string ToString()
    {
        int c = _labels.Length;
        int firstWidth = Corner.Length;
        foreach (string label in _labels)
        {
            firstWidth = Math.Max(firstWidth, label.Length);
        }

        var widths = new int[c];
        for (int p = 0; p < c; p++)
        {
            widths[p] = _labels[p].Length;
            for (int t = 0; t < c; t++)
            {
                widths[p] = Math.Max(widths[p], Format(_counts[(t * c) + p]).Length);
            }
        }

        var text = new StringBuilder();
        text.Append(Corner.PadRight(firstWidth));
        for (int p = 0; p < c; p++)
        {
            text.Append("  ").Append(_labels[p].PadLeft(widths[p]));
        }

        text.Append('\n');
        for (int t = 0; t < c; t++)
        {
            text.Append(_labels[t].PadRight(firstWidth));
            for (int p = 0; p < c; p++)
            {
                text.Append("  ").Append(Format(_counts[(t * c) + p]).PadLeft(widths[p]));
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    private static string Format(int count) => count.ToString(CultureInfo.InvariantCulture);

    private void CheckClass(int value, string name)
    {
        if ((uint)value >= (uint)_labels.Length)
        {
            throw new ArgumentOutOfRangeException(name, value, $"Class {value} is not in [0, {_labels.Length}); the matrix has {_labels.Length} classes ({string.Join(", ", _labels)}).");
        }
    }
}
