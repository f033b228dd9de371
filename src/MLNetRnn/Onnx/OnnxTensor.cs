using System.Runtime.InteropServices;

namespace MLNetRnn.Onnx;

/// <summary>
/// A constant tensor (<c>TensorProto</c>): an initializer or a <c>Constant</c>/attribute value. Floats, int64s and int32s
/// are written as little-endian <c>raw_data</c>; strings as <c>string_data</c>. Reading accepts raw or typed fields.
/// </summary>
internal sealed class OnnxTensor
{
    // TensorProto fields: dims 1, data_type 2, float_data 4, int32_data 5, string_data 6, int64_data 7, name 8, raw_data 9.
    public OnnxTensor(string name, OnnxDataType dataType, long[] dims)
    {
        Name = name;
        DataType = dataType;
        Dims = dims;
    }

    public string Name { get; set; }

    public OnnxDataType DataType { get; }

    public long[] Dims { get; }

    public float[]? Floats { get; private set; }

    public long[]? Int64s { get; private set; }

    public int[]? Int32s { get; private set; }

    public string[]? Strings { get; private set; }

    /// <summary>Gets the element count the dims describe.</summary>
    public long ElementCount => Dims.Aggregate(1L, (a, d) => a * d);

    public static OnnxTensor FromFloats(string name, float[] values, params long[] dims) =>
        new(name, OnnxDataType.Float, Checked(dims, values.Length)) { Floats = values };

    public static OnnxTensor FromInt64s(string name, long[] values, params long[] dims) =>
        new(name, OnnxDataType.Int64, Checked(dims, values.Length)) { Int64s = values };

    public static OnnxTensor FromInt32s(string name, OnnxDataType type, int[] values, params long[] dims) =>
        new(name, type, Checked(dims, values.Length)) { Int32s = values };

    public static OnnxTensor FromStrings(string name, string[] values, params long[] dims) =>
        new(name, OnnxDataType.String, Checked(dims, values.Length)) { Strings = values };

    internal void Write(ProtoWriter w)
    {
        w.PackedVarints(1, Dims);
        w.Varint(2, (int)DataType);
        w.OptionalString(8, Name);
        if (Strings is not null)
        {
            foreach (string s in Strings)
            {
                w.String(6, s);
            }
        }
        else if (Floats is not null)
        {
            w.Bytes(9, MemoryMarshal.AsBytes(Floats.AsSpan()));
        }
        else if (Int64s is not null)
        {
            w.Bytes(9, MemoryMarshal.AsBytes(Int64s.AsSpan()));
        }
        else if (Int32s is not null)
        {
            if (DataType is OnnxDataType.Int32 or OnnxDataType.UInt32)
            {
                w.Bytes(9, MemoryMarshal.AsBytes(Int32s.AsSpan()));
            }
            else
            {
                w.PackedVarints(5, Int32s.Select(v => (long)v).ToArray()); // bool, int8/16, uint8/16: int32_data
            }
        }
    }

    internal static OnnxTensor Read(ReadOnlySpan<byte> bytes)
    {
        var r = new ProtoReader(bytes);
        var dims = new List<long>();
        var floats = new List<float>();
        var int64s = new List<long>();
        var int32s = new List<long>();
        var strings = new List<string>();
        OnnxDataType type = OnnxDataType.Undefined;
        string name = string.Empty;
        ReadOnlySpan<byte> raw = default;
        bool hasRaw = false;
        while (!r.AtEnd)
        {
            switch (r.ReadKey(out int wire))
            {
                case 1: r.ReadInt64s(wire, dims); break;
                case 2: ProtoReader.Expect(wire, 0); type = (OnnxDataType)r.ReadInt32(); break;
                case 4: r.ReadSingles(wire, floats); break;
                case 5: r.ReadInt64s(wire, int32s); break;
                case 6: ProtoReader.Expect(wire, 2); strings.Add(r.ReadString()); break;
                case 7: r.ReadInt64s(wire, int64s); break;
                case 8: ProtoReader.Expect(wire, 2); name = r.ReadString(); break;
                case 9: ProtoReader.Expect(wire, 2); raw = r.ReadBytes(); hasRaw = true; break;
                default: r.Skip(wire); break;
            }
        }

        long count = CheckedCount(dims, name);
        var tensor = new OnnxTensor(name, type, [.. dims]);

        switch (type)
        {
            case OnnxDataType.Float:
                tensor.Floats = hasRaw ? RawValues<float>(raw, count, name) : Exact(floats, count, name);
                break;
            case OnnxDataType.Int64:
                tensor.Int64s = hasRaw ? RawValues<long>(raw, count, name) : Exact(int64s, count, name);
                break;
            case OnnxDataType.Int32 or OnnxDataType.UInt32:
                tensor.Int32s = hasRaw ? RawValues<int>(raw, count, name) : Exact(int32s, count, name).Select(v => (int)v).ToArray();
                break;
            case OnnxDataType.String:
                tensor.Strings = Exact(strings, count, name);
                break;
            case OnnxDataType.Bool or OnnxDataType.UInt8 or OnnxDataType.Int8:
                tensor.Int32s = hasRaw ? Exact(raw.ToArray().Select(b => (long)(sbyte)b).ToList(), count, name).Select(v => (int)v).ToArray()
                    : Exact(int32s, count, name).Select(v => (int)v).ToArray();
                break;
            default:
                break; // other types are kept as dims and type only (inspection does not need their values)
        }

        return tensor;
    }

    /// <summary>The element count of file-given dims: each at least 0, at most 64 of them, the product a .NET array's length.</summary>
    private static long CheckedCount(List<long> dims, string name)
    {
        long count = 1;
        bool zero = dims.Contains(0);
        foreach (long d in dims)
        {
            if (d < 0 || dims.Count > Files.FileLimits.MaxDimensions || (!zero && d > Array.MaxLength / count))
            {
                throw ProtoReader.Malformed($"tensor '{Shown(name)}' has dims [{string.Join(", ", dims.Take(8))}{(dims.Count > 8 ? ", …" : "")}], not a shape a .NET array holds");
            }

            count = zero ? 0 : count * d;
        }

        return count;
    }

    /// <summary>A file-given name as messages quote it (at most 100 characters).</summary>
    internal static string Shown(string name) => name.Length <= 100 ? name : string.Concat(name.AsSpan(0, 100), "…");

    private static long[] Checked(long[] dims, int count)
    {
        long expected = dims.Aggregate(1L, (a, d) => a * d);
        if (expected != count)
        {
            throw new ArgumentException($"A tensor of dims [{string.Join(", ", dims)}] holds {expected} values, but {count} were given.", nameof(dims));
        }

        return dims;
    }

    private static T[] RawValues<T>(ReadOnlySpan<byte> raw, long count, string name)
        where T : unmanaged
    {
        int size = Marshal.SizeOf<T>();
        if (raw.Length != count * size)
        {
            throw ProtoReader.Malformed($"tensor '{Shown(name)}' has {raw.Length} raw bytes for {count} values of {size} bytes");
        }

        return MemoryMarshal.Cast<byte, T>(raw).ToArray();
    }

    private static T[] Exact<T>(List<T> values, long count, string name)
    {
        if (values.Count != count)
        {
            throw ProtoReader.Malformed($"tensor '{Shown(name)}' has {values.Count} values for dims holding {count}");
        }

        return [.. values];
    }
}
