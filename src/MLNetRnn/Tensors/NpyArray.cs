using System.Globalization;
using System.Text;

namespace MLNetRnn.Tensors;

/// <summary>
/// An n-dimensional array as read from or written to a NumPy <c>.npy</c> file: a shape, an element type and the
/// elements in row-major (C) order.
/// </summary>
/// <remarks>
/// The factory methods copy the caller's data, and every <c>To…</c> accessor returns a fresh array, so an
/// <see cref="NpyArray"/> never changes after it is created. A shape with no dimensions, <c>()</c>, is a 0-d scalar
/// with exactly one element; a shape containing a 0, such as <c>(0,)</c>, has no elements.
/// </remarks>
public sealed class NpyArray
{
    private readonly Array _data; // float[], double[], int[], long[] or bool[], matching DataType; length == Count
    private readonly int[] _shape;

    /// <summary>Wraps <paramref name="data"/> without copying; callers hand over ownership.</summary>
    internal NpyArray(Array data, NpyDataType dataType, int[] shape)
    {
        _data = data;
        DataType = dataType;
        _shape = shape;
        Count = data.LongLength;
    }

    /// <summary>
    /// Gets a copy of the dimensions, outermost first (NumPy's <c>a.shape</c>). Empty for a 0-d scalar.
    /// </summary>
    public int[] Shape => (int[])_shape.Clone();

    /// <summary>Gets the element type.</summary>
    public NpyDataType DataType { get; }

    /// <summary>
    /// Gets the number of elements: the product of <see cref="Shape"/>, which is 1 for the scalar shape <c>()</c>.
    /// </summary>
    public long Count { get; }

    /// <summary>The elements without copying; for the file writers.</summary>
    internal Array Data => _data;

    /// <summary>Creates a <see cref="NpyDataType.Float32"/> array from a copy of <paramref name="data"/>.</summary>
    /// <param name="data">Elements in row-major order; its length must equal the product of <paramref name="shape"/>.</param>
    /// <param name="shape">Dimensions, outermost first. Pass none for a 0-d scalar, or <c>data.Length</c> for a vector.</param>
    /// <returns>A new array that owns a copy of <paramref name="data"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> or <paramref name="shape"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A dimension in <paramref name="shape"/> is negative.</exception>
    /// <exception cref="ArgumentException">The length of <paramref name="data"/> differs from the product of <paramref name="shape"/>.</exception>
    public static NpyArray FromSingle(float[] data, params int[] shape) => Create(data, NpyDataType.Float32, shape);

    /// <summary>Creates a <see cref="NpyDataType.Float64"/> array from a copy of <paramref name="data"/>.</summary>
    /// <param name="data">Elements in row-major order; its length must equal the product of <paramref name="shape"/>.</param>
    /// <param name="shape">Dimensions, outermost first. Pass none for a 0-d scalar, or <c>data.Length</c> for a vector.</param>
    /// <returns>A new array that owns a copy of <paramref name="data"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> or <paramref name="shape"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A dimension in <paramref name="shape"/> is negative.</exception>
    /// <exception cref="ArgumentException">The length of <paramref name="data"/> differs from the product of <paramref name="shape"/>.</exception>
    public static NpyArray FromDouble(double[] data, params int[] shape) => Create(data, NpyDataType.Float64, shape);

    /// <summary>Creates a <see cref="NpyDataType.Int32"/> array from a copy of <paramref name="data"/>.</summary>
    /// <param name="data">Elements in row-major order; its length must equal the product of <paramref name="shape"/>.</param>
    /// <param name="shape">Dimensions, outermost first. Pass none for a 0-d scalar, or <c>data.Length</c> for a vector.</param>
    /// <returns>A new array that owns a copy of <paramref name="data"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> or <paramref name="shape"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A dimension in <paramref name="shape"/> is negative.</exception>
    /// <exception cref="ArgumentException">The length of <paramref name="data"/> differs from the product of <paramref name="shape"/>.</exception>
    public static NpyArray FromInt32(int[] data, params int[] shape) => Create(data, NpyDataType.Int32, shape);

    /// <summary>Creates a <see cref="NpyDataType.Int64"/> array from a copy of <paramref name="data"/>.</summary>
    /// <param name="data">Elements in row-major order; its length must equal the product of <paramref name="shape"/>.</param>
    /// <param name="shape">Dimensions, outermost first. Pass none for a 0-d scalar, or <c>data.Length</c> for a vector.</param>
    /// <returns>A new array that owns a copy of <paramref name="data"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> or <paramref name="shape"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A dimension in <paramref name="shape"/> is negative.</exception>
    /// <exception cref="ArgumentException">The length of <paramref name="data"/> differs from the product of <paramref name="shape"/>.</exception>
    public static NpyArray FromInt64(long[] data, params int[] shape) => Create(data, NpyDataType.Int64, shape);

    /// <summary>Creates a <see cref="NpyDataType.Bool"/> array from a copy of <paramref name="data"/>.</summary>
    /// <param name="data">Elements in row-major order; its length must equal the product of <paramref name="shape"/>.</param>
    /// <param name="shape">Dimensions, outermost first. Pass none for a 0-d scalar, or <c>data.Length</c> for a vector.</param>
    /// <returns>A new array that owns a copy of <paramref name="data"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> or <paramref name="shape"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A dimension in <paramref name="shape"/> is negative.</exception>
    /// <exception cref="ArgumentException">The length of <paramref name="data"/> differs from the product of <paramref name="shape"/>.</exception>
    public static NpyArray FromBoolean(bool[] data, params int[] shape) => Create(data, NpyDataType.Bool, shape);

    /// <summary>Returns the elements as <see cref="float"/>, converting from the stored type.</summary>
    /// <returns>
    /// A new array of <see cref="Count"/> elements: a copy for <see cref="NpyDataType.Float32"/>, rounded to nearest for
    /// <see cref="NpyDataType.Float64"/>, <see cref="NpyDataType.Int32"/> and <see cref="NpyDataType.Int64"/>, and 0 or 1
    /// for <see cref="NpyDataType.Bool"/>.
    /// </returns>
    public float[] ToSingle() => _data switch
    {
        float[] f => (float[])f.Clone(),
        double[] d => Array.ConvertAll(d, v => (float)v),
        int[] i => Array.ConvertAll(i, v => (float)v),
        long[] l => Array.ConvertAll(l, v => (float)v),
        _ => Array.ConvertAll((bool[])_data, v => v ? 1f : 0f),
    };

    /// <summary>Returns the elements as <see cref="double"/>, converting from the stored type.</summary>
    /// <returns>
    /// A new array of <see cref="Count"/> elements: exact for every type except <see cref="NpyDataType.Int64"/>
    /// magnitudes above 2^53, which round to nearest; <see cref="NpyDataType.Bool"/> becomes 0 or 1.
    /// </returns>
    public double[] ToDouble() => _data switch
    {
        float[] f => Array.ConvertAll(f, v => (double)v),
        double[] d => (double[])d.Clone(),
        int[] i => Array.ConvertAll(i, v => (double)v),
        long[] l => Array.ConvertAll(l, v => (double)v),
        _ => Array.ConvertAll((bool[])_data, v => v ? 1d : 0d),
    };

    /// <summary>Returns the elements as <see cref="int"/>, widening or range-checking integer types.</summary>
    /// <returns>
    /// A new array of <see cref="Count"/> elements: a copy for <see cref="NpyDataType.Int32"/>, range-checked values for
    /// <see cref="NpyDataType.Int64"/>, and 0 or 1 for <see cref="NpyDataType.Bool"/>.
    /// </returns>
    /// <exception cref="InvalidOperationException">The array holds floating-point values.</exception>
    /// <exception cref="OverflowException">An <see cref="NpyDataType.Int64"/> element is outside the range of <see cref="int"/>.</exception>
    public int[] ToInt32()
    {
        switch (_data)
        {
            case int[] i:
                return (int[])i.Clone();
            case long[] l:
                var result = new int[l.Length];
                for (int k = 0; k < l.Length; k++)
                {
                    if (l[k] is < int.MinValue or > int.MaxValue)
                    {
                        throw new OverflowException(
                            $"Element {k} of the Int64 array is {l[k]}, which is outside the Int32 range; call ToInt64 instead.");
                    }

                    result[k] = (int)l[k];
                }

                return result;
            case bool[] b:
                return Array.ConvertAll(b, v => v ? 1 : 0);
            default:
                throw FloatToIntegerError("ToInt32");
        }
    }

    /// <summary>Returns the elements as <see cref="long"/>, widening integer types.</summary>
    /// <returns>
    /// A new array of <see cref="Count"/> elements: a copy for <see cref="NpyDataType.Int64"/>, widened values for
    /// <see cref="NpyDataType.Int32"/>, and 0 or 1 for <see cref="NpyDataType.Bool"/>.
    /// </returns>
    /// <exception cref="InvalidOperationException">The array holds floating-point values.</exception>
    public long[] ToInt64() => _data switch
    {
        long[] l => (long[])l.Clone(),
        int[] i => Array.ConvertAll(i, v => (long)v),
        bool[] b => Array.ConvertAll(b, v => v ? 1L : 0L),
        _ => throw FloatToIntegerError("ToInt64"),
    };

    /// <summary>Returns a copy of the elements of a <see cref="NpyDataType.Bool"/> array.</summary>
    /// <returns>A new array of <see cref="Count"/> elements.</returns>
    /// <exception cref="InvalidOperationException">The array is not <see cref="NpyDataType.Bool"/>.</exception>
    public bool[] ToBoolean() => _data is bool[] b
        ? (bool[])b.Clone()
        : throw new InvalidOperationException(
            $"ToBoolean needs a Bool array, but this array is {DataType}; use ToInt32, ToInt64, ToSingle or ToDouble instead.");

    /// <summary>Describes the array, for example <c>NpyArray Float32 (3, 4)</c>.</summary>
    /// <returns>The element type and the shape in NumPy notation.</returns>
    public override string ToString() => $"NpyArray {DataType} {FormatShape(_shape)}";

    /// <summary>Formats a shape as NumPy prints it: <c>()</c>, <c>(5,)</c>, <c>(3, 4)</c>.</summary>
    internal static string FormatShape(IReadOnlyList<int> shape)
    {
        if (shape.Count == 1)
        {
            return string.Create(CultureInfo.InvariantCulture, $"({shape[0]},)");
        }

        var text = new StringBuilder("(");
        for (int i = 0; i < shape.Count; i++)
        {
            text.Append(i == 0 ? "" : ", ").Append(shape[i].ToString(CultureInfo.InvariantCulture));
        }

        return text.Append(')').ToString();
    }

    /// <summary>
    /// Product of non-negative dimensions, or -1 if it exceeds <see cref="long.MaxValue"/>.
    /// </summary>
    internal static long CountElements(IReadOnlyList<int> shape)
    {
        long count = 1;
        foreach (int dimension in shape)
        {
            if (dimension == 0)
            {
                return 0;
            }

            if (count > long.MaxValue / dimension)
            {
                count = -1;
            }
            else if (count >= 0)
            {
                count *= dimension;
            }
        }

        return count;
    }

    private static NpyArray Create(Array data, NpyDataType dataType, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        foreach (int dimension in shape)
        {
            if (dimension < 0)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(shape), dimension, $"Dimensions must be zero or positive, but shape {FormatShape(shape)} has {dimension}.");
            }
        }

        long count = CountElements(shape);
        if (count != data.LongLength)
        {
            string needed = count < 0 ? $"more than {long.MaxValue}" : count.ToString(CultureInfo.InvariantCulture);
            string hint = shape.Length == 0 ? " An empty shape means a 0-d scalar; pass data.Length for a vector." : "";
            throw new ArgumentException(
                $"The data has {data.LongLength} elements but shape {FormatShape(shape)} needs {needed}.{hint}", nameof(data));
        }

        return new NpyArray((Array)data.Clone(), dataType, (int[])shape.Clone());
    }

    private InvalidOperationException FloatToIntegerError(string method) => new(
        $"Cannot read a {DataType} array with {method}: floating-point values are not converted to integers implicitly. "
        + "Call ToSingle or ToDouble and round explicitly.");
}
