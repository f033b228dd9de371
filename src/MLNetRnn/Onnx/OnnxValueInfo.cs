namespace MLNetRnn.Onnx;

/// <summary>
/// A graph input or output (<c>ValueInfoProto</c>) of tensor type: a name, an element type and a shape whose dimensions
/// are each a size (&gt;= 0) or a symbolic name (<c>null</c> size). A null <see cref="Shape"/> means "rank unknown".
/// </summary>
internal sealed class OnnxValueInfo
{
    public OnnxValueInfo(string name, OnnxDataType elementType, OnnxDim[]? shape)
    {
        Name = name;
        ElementType = elementType;
        Shape = shape;
    }

    public string Name { get; }

    public OnnxDataType ElementType { get; }

    public OnnxDim[]? Shape { get; }

    // ValueInfoProto: name 1, type 2. TypeProto: tensor_type 1. Tensor: elem_type 1, shape 2.
    // TensorShapeProto: dim 1. Dimension: dim_value 1, dim_param 2.
    internal void Write(ProtoWriter w)
    {
        w.String(1, Name);
        var tensor = new ProtoWriter();
        tensor.Varint(1, (int)ElementType);
        if (Shape is not null)
        {
            var shape = new ProtoWriter();
            foreach (var d in Shape)
            {
                var dim = new ProtoWriter();
                if (d.Size is long size)
                {
                    dim.Varint(1, size);
                }
                else
                {
                    dim.String(2, d.Name ?? "?");
                }

                shape.Message(1, dim);
            }

            tensor.Message(2, shape);
        }

        var type = new ProtoWriter();
        type.Message(1, tensor);
        w.Message(2, type);
    }

    internal static OnnxValueInfo Read(ReadOnlySpan<byte> bytes)
    {
        var r = new ProtoReader(bytes);
        string name = string.Empty;
        OnnxDataType element = OnnxDataType.Undefined;
        OnnxDim[]? shape = null;
        while (!r.AtEnd)
        {
            int field = r.ReadKey(out int wire);
            if (field == 1 && wire == 2)
            {
                name = r.ReadString();
            }
            else if (field == 2 && wire == 2)
            {
                var type = new ProtoReader(r.ReadBytes());
                while (!type.AtEnd)
                {
                    if (type.ReadKey(out int tw) == 1 && tw == 2)
                    {
                        (element, shape) = ReadTensorType(type.ReadBytes());
                    }
                    else
                    {
                        type.Skip(tw); // sequence, map, optional: not used by our graphs
                    }
                }
            }
            else
            {
                r.Skip(wire);
            }
        }

        return new OnnxValueInfo(name, element, shape);
    }

    private static (OnnxDataType, OnnxDim[]?) ReadTensorType(ReadOnlySpan<byte> bytes)
    {
        var r = new ProtoReader(bytes);
        OnnxDataType element = OnnxDataType.Undefined;
        List<OnnxDim>? dims = null;
        while (!r.AtEnd)
        {
            int field = r.ReadKey(out int wire);
            if (field == 1 && wire == 0)
            {
                element = (OnnxDataType)r.ReadInt32();
            }
            else if (field == 2 && wire == 2)
            {
                dims = [];
                var shape = new ProtoReader(r.ReadBytes());
                while (!shape.AtEnd)
                {
                    if (shape.ReadKey(out int sw) == 1 && sw == 2)
                    {
                        dims.Add(ReadDim(shape.ReadBytes()));
                    }
                    else
                    {
                        shape.Skip(sw);
                    }
                }
            }
            else
            {
                r.Skip(wire);
            }
        }

        return (element, dims?.ToArray());
    }

    private static OnnxDim ReadDim(ReadOnlySpan<byte> bytes)
    {
        var r = new ProtoReader(bytes);
        var dim = new OnnxDim(null, null);
        while (!r.AtEnd)
        {
            int field = r.ReadKey(out int wire);
            if (field == 1 && wire == 0)
            {
                dim = new OnnxDim(r.ReadInt64(), null);
            }
            else if (field == 2 && wire == 2)
            {
                dim = new OnnxDim(null, r.ReadString());
            }
            else
            {
                r.Skip(wire);
            }
        }

        return dim;
    }
}

/// <summary>One dimension of a value's shape: a fixed size, or a symbolic name (or neither: unknown).</summary>
internal readonly record struct OnnxDim(long? Size, string? Name)
{
    public static OnnxDim Of(long size) => new(size, null);

    public static OnnxDim Symbol(string name) => new(null, name);

    public override string ToString() => Size?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Name ?? "?";
}
