namespace MLNetRnn.Onnx;

/// <summary>A node attribute (<c>AttributeProto</c>): exactly one of the value kinds is set, as <see cref="Type"/> says.</summary>
internal sealed class OnnxAttribute
{
    // AttributeProto: name 1, f 2, i 3, s 4, t 5, g 6, floats 7, ints 8, strings 9, type 20.
    // AttributeType: FLOAT 1, INT 2, STRING 3, TENSOR 4, GRAPH 5, FLOATS 6, INTS 7, STRINGS 8.
    private OnnxAttribute(string name, int type)
    {
        Name = name;
        Type = type;
    }

    public string Name { get; }

    public int Type { get; private set; }

    public float Float { get; private set; }

    public long Int { get; private set; }

    public string? String { get; private set; }

    public OnnxTensor? Tensor { get; private set; }

    public OnnxGraph? Graph { get; private set; }

    public float[]? Floats { get; private set; }

    public long[]? Ints { get; private set; }

    public string[]? Strings { get; private set; }

    public static OnnxAttribute Of(string name, float value) => new(name, 1) { Float = value };

    public static OnnxAttribute Of(string name, long value) => new(name, 2) { Int = value };

    public static OnnxAttribute Of(string name, string value) => new(name, 3) { String = value };

    public static OnnxAttribute Of(string name, OnnxTensor value) => new(name, 4) { Tensor = value };

    public static OnnxAttribute Of(string name, OnnxGraph value) => new(name, 5) { Graph = value };

    public static OnnxAttribute Of(string name, float[] values) => new(name, 6) { Floats = values };

    public static OnnxAttribute Of(string name, long[] values) => new(name, 7) { Ints = values };

    public static OnnxAttribute Of(string name, string[] values) => new(name, 8) { Strings = values };

    internal void Write(ProtoWriter w)
    {
        w.String(1, Name);
        switch (Type)
        {
            case 1: w.Fixed32(2, Float); break;
            case 2: w.Varint(3, Int); break;
            case 3: w.String(4, String!); break;
            case 4: w.Message(5, ProtoWriter.Of(Tensor!.Write)); break;
            case 5: w.Message(6, ProtoWriter.Of(Graph!.Write)); break;
            case 6: w.PackedFloats(7, Floats!); break;
            case 7: w.PackedVarints(8, Ints!); break;
            case 8:
                foreach (string s in Strings!)
                {
                    w.String(9, s);
                }

                break;
        }

        w.Varint(20, Type);
    }

    internal static OnnxAttribute Read(ReadOnlySpan<byte> bytes, int depth)
    {
        var r = new ProtoReader(bytes);
        var a = new OnnxAttribute(string.Empty, 0);
        string name = string.Empty;
        var floats = new List<float>();
        var ints = new List<long>();
        var strings = new List<string>();
        int declared = 0;
        while (!r.AtEnd)
        {
            int field = r.ReadKey(out int wire);
            switch (field)
            {
                case 1: ProtoReader.Expect(wire, 2); name = r.ReadString(); break;
                case 2: ProtoReader.Expect(wire, 5); a.Float = r.ReadFixed32Single(); a.Type = 1; break;
                case 3: ProtoReader.Expect(wire, 0); a.Int = r.ReadInt64(); a.Type = 2; break;
                case 4: ProtoReader.Expect(wire, 2); a.String = r.ReadString(); a.Type = 3; break;
                case 5: ProtoReader.Expect(wire, 2); a.Tensor = OnnxTensor.Read(r.ReadBytes()); a.Type = 4; break;
                case 6: ProtoReader.Expect(wire, 2); a.Graph = OnnxGraph.Read(r.ReadBytes(), depth + 1); a.Type = 5; break;
                case 7: r.ReadSingles(wire, floats); a.Type = 6; break;
                case 8: r.ReadInt64s(wire, ints); a.Type = 7; break;
                case 9: ProtoReader.Expect(wire, 2); strings.Add(r.ReadString()); a.Type = 8; break;
                case 20: ProtoReader.Expect(wire, 0); declared = r.ReadInt32(); break;
                default: r.Skip(wire); break;
            }
        }

        if (declared != 0)
        {
            a.Type = declared; // an empty list (ints = []) is only known by its declared type
        }

        return new OnnxAttribute(name, a.Type)
        {
            Float = a.Float, Int = a.Int, String = a.String, Tensor = a.Tensor, Graph = a.Graph,
            Floats = a.Type == 6 ? [.. floats] : null, Ints = a.Type == 7 ? [.. ints] : null, Strings = a.Type == 8 ? [.. strings] : null,
        };
    }
}
