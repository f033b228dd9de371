using System.Globalization;

namespace MLNetRnn.Data;

/// <summary>
/// Collects one loaded column's values while a text file is read: parses each field with
/// <see cref="CultureInfo.InvariantCulture"/> into a typed list, then hands out the array.
/// </summary>
internal abstract class ColumnBuffer
{
    /// <summary>The column types a text file can load, in the order messages list them.</summary>
    public static readonly IReadOnlyList<Type> TextTypes = [typeof(string), typeof(float), typeof(double), typeof(int), typeof(long), typeof(bool)];

    /// <summary>Gets the list of <see cref="TextTypes"/> for messages: <c>String, Single, ...</c>.</summary>
    public static string TextTypeNames => string.Join(", ", TextTypes.Select(t => t.Name));

    /// <summary>Creates the buffer for a column of type <paramref name="type"/> (one of <see cref="TextTypes"/>).</summary>
    public static ColumnBuffer Create(Type type) =>
        type == typeof(string) ? new Typed<string>(static s => (true, s))
        : type == typeof(float) ? new Typed<float>(static s => (float.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && InRange(float.IsInfinity(v), s), v))
        : type == typeof(double) ? new Typed<double>(static s => (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && InRange(double.IsInfinity(v), s), v))
        : type == typeof(int) ? new Typed<int>(static s => (int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v), v))
        : type == typeof(long) ? new Typed<long>(static s => (long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v), v))
        : type == typeof(bool) ? new Typed<bool>(ParseBool)
        : throw new ArgumentException($"Type {DataViewSchema.TypeName(type)} cannot be loaded from text; supported: {TextTypeNames}.", nameof(type));

    /// <summary>Gets what a value of <paramref name="type"/> looks like, for parse errors.</summary>
    public static string Expectation(Type type) =>
        type == typeof(bool) ? "expected true, false, 1 or 0"
        : type == typeof(int) || type == typeof(long) ? "expected a whole number such as -12"
        : "expected a number such as -1.5 or 2e-3 within the type's range, with '.' as the decimal separator";

    /// <summary>Gets "a" or "an" and the type name: <c>a Single</c>, <c>an Int32</c>.</summary>
    public static string WithArticle(Type type) => ("AEIOU".Contains(type.Name[0]) ? "an " : "a ") + type.Name;

    /// <summary>Parses <paramref name="field"/> and appends it.</summary>
    /// <returns>False when the field is not a valid value of the column type (nothing is appended).</returns>
    public abstract bool TryAdd(string field);

    /// <summary>Returns the values collected so far as a typed array.</summary>
    public abstract Array ToArray();

    // .NET parses an overflowing "1e999" as infinity; accept infinity only when the text says so ("Infinity", "-∞").
    private static bool InRange(bool isInfinite, string s) =>
        !isInfinite || s.Contains("inf", StringComparison.OrdinalIgnoreCase) || s.Contains('∞');

    private static (bool Ok, bool Value) ParseBool(string s)
    {
        var t = s.AsSpan().Trim();
        if (t.Equals("true", StringComparison.OrdinalIgnoreCase) || t.SequenceEqual("1"))
        {
            return (true, true);
        }

        if (t.Equals("false", StringComparison.OrdinalIgnoreCase) || t.SequenceEqual("0"))
        {
            return (true, false);
        }

        return (false, false);
    }

    private sealed class Typed<T>(Func<string, (bool Ok, T Value)> parse) : ColumnBuffer
    {
        private readonly List<T> _values = [];

        public override bool TryAdd(string field)
        {
            var (ok, value) = parse(field);
            if (ok)
            {
                _values.Add(value);
            }

            return ok;
        }

        public override Array ToArray() => _values.ToArray();
    }
}
