using System.Globalization;
using Microsoft.ML;

namespace MLNetRnn.Cli;

/// <summary>
/// The classes of a classifier's label column, kept outside the saved model: the order they get as keys, the key data
/// ML.NET's <c>MapValueToKey</c> is fitted with, and the check that a file's labels are all known.
/// </summary>
internal static class LabelClasses
{
    /// <summary>The distinct labels in a stable order: numeric when every label is an integer, else ordinal string order.</summary>
    public static string[] Order(IEnumerable<string> labels)
    {
        string[] distinct = [.. labels.Distinct(StringComparer.Ordinal)];
        bool numeric = distinct.All(l => long.TryParse(l, NumberStyles.Integer, CultureInfo.InvariantCulture, out _));
        return numeric
            ? [.. distinct.OrderBy(l => long.Parse(l, NumberStyles.Integer, CultureInfo.InvariantCulture))]
            : [.. distinct.OrderBy(l => l, StringComparer.Ordinal)];
    }

    /// <summary>ML.NET's key mapping of <paramref name="inputColumn"/> (String) to <paramref name="outputColumn"/>, with exactly these classes as keys 1…C in this order.</summary>
    public static IEstimator<ITransformer> MapToKeys(MLContext ml, string outputColumn, string inputColumn, IReadOnlyList<string> classes) =>
        ml.Transforms.Conversion.MapValueToKey(outputColumn, inputColumn, maximumNumberOfKeys: int.MaxValue,
            keyData: ml.Data.LoadFromEnumerable(classes.Select(c => new ClassRow { Value = c })));

    /// <summary>Throws for the first label that is not one of <paramref name="classes"/>, naming it, its line and data row, and the file.</summary>
    /// <exception cref="ArgumentException">A label is unknown.</exception>
    public static void RequireKnown(IReadOnlyList<string> labels, IReadOnlyList<string> classes, string path, string whose)
    {
        var known = classes.ToHashSet(StringComparer.Ordinal);
        for (int i = 0; i < labels.Count; i++)
        {
            if (!known.Contains(labels[i]))
            {
                throw new ArgumentException($"{CliData.Row(path, i)} has the label '{labels[i]}', which is not one of {whose} classes ({string.Join(", ", classes)}); remove or relabel the row.");
            }
        }
    }

    private sealed class ClassRow
    {
        public string Value { get; set; } = string.Empty;
    }
}
