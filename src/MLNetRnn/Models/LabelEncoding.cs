using MLNetRnn.Data;

namespace MLNetRnn.Models;

/// <summary>Reads a label column (String, Int32 or Boolean) as strings and maps them to class indices.</summary>
internal static class LabelEncoding
{
    public static readonly Type[] SupportedTypes = [typeof(string), typeof(int), typeof(bool)];

    /// <summary>Throws unless the column exists and has a supported type.</summary>
    public static void CheckColumn(DataViewSchema schema, string name)
    {
        var column = schema[name];
        if (Array.IndexOf(SupportedTypes, column.Type) < 0)
        {
            throw new ArgumentException($"Column '{name}' must be String, Int32 or Boolean, got {DataViewSchema.TypeName(column.Type)}.", nameof(name));
        }
    }

    public static string[] Read(DataView data, string name)
    {
        CheckColumn(data.Schema, name);
        var values = data.GetColumn(name);
        var result = new string[values.Length];
        for (int i = 0; i < result.Length; i++)
        {
            object? v = values.GetValue(i);
            result[i] = v switch
            {
                string s when s.Length > 0 => s,
                int n => n.ToString(System.Globalization.CultureInfo.InvariantCulture),
                bool b => b ? "true" : "false",
                _ => throw new ArgumentException($"Row {i} of label column '{name}' is empty; every row needs a label.", nameof(data)),
            };
        }

        return result;
    }

    /// <summary>Classes in a stable order: numeric order when every label is an integer, else ordinal string order.</summary>
    public static string[] Classes(IEnumerable<string> labels)
    {
        var distinct = labels.Distinct(StringComparer.Ordinal).ToArray();
        bool numeric = distinct.All(l => long.TryParse(l, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out _));
        return numeric
            ? [.. distinct.OrderBy(l => long.Parse(l, System.Globalization.CultureInfo.InvariantCulture))]
            : [.. distinct.OrderBy(l => l, StringComparer.Ordinal)];
    }

    public static int[] ToClasses(string[] labels, IReadOnlyList<string> classes, string columnName)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int c = 0; c < classes.Count; c++)
        {
            index[classes[c]] = c;
        }

        var result = new int[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            if (!index.TryGetValue(labels[i], out result[i]))
            {
                throw new ArgumentException($"Label '{labels[i]}' in row {i} of column '{columnName}' was not seen in training; the model knows: {string.Join(", ", classes)}. Remove or relabel such rows.", nameof(labels));
            }
        }

        return result;
    }
}
