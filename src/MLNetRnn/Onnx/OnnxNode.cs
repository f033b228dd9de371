namespace MLNetRnn.Onnx;

/// <summary>One operator call (<c>NodeProto</c>): op type and domain, input and output value names, attributes.</summary>
internal sealed class OnnxNode
{
    // NodeProto: input 1, output 2, name 3, op_type 4, attribute 5, domain 7.
    public OnnxNode(string opType, string domain, string name, string[] inputs, string[] outputs, OnnxAttribute[] attributes)
    {
        OpType = opType;
        Domain = domain;
        Name = name;
        Inputs = inputs;
        Outputs = outputs;
        Attributes = attributes;
    }

    public string OpType { get; }

    public string Domain { get; }

    public string Name { get; }

    public string[] Inputs { get; }

    public string[] Outputs { get; }

    public OnnxAttribute[] Attributes { get; }

    /// <summary>Gets an attribute by name, or null.</summary>
    public OnnxAttribute? Attribute(string name) => Attributes.FirstOrDefault(a => a.Name == name);

    internal void Write(ProtoWriter w)
    {
        foreach (string input in Inputs)
        {
            w.String(1, input);
        }

        foreach (string output in Outputs)
        {
            w.String(2, output);
        }

        w.OptionalString(3, Name);
        w.String(4, OpType);
        foreach (var a in Attributes)
        {
            var sub = new ProtoWriter();
            a.Write(sub);
            w.Message(5, sub);
        }

        w.OptionalString(7, Domain);
    }

    internal static OnnxNode Read(ReadOnlySpan<byte> bytes, int depth)
    {
        var r = new ProtoReader(bytes);
        var inputs = new List<string>();
        var outputs = new List<string>();
        var attributes = new List<OnnxAttribute>();
        string name = string.Empty, op = string.Empty, domain = string.Empty;
        while (!r.AtEnd)
        {
            int field = r.ReadKey(out int wire);
            if (wire != 2)
            {
                r.Skip(wire);
                continue;
            }

            switch (field)
            {
                case 1: inputs.Add(r.ReadString()); break;
                case 2: outputs.Add(r.ReadString()); break;
                case 3: name = r.ReadString(); break;
                case 4: op = r.ReadString(); break;
                case 5: attributes.Add(OnnxAttribute.Read(r.ReadBytes(), depth)); break;
                case 7: domain = r.ReadString(); break;
                default: r.Skip(wire); break;
            }
        }

        return new OnnxNode(op, domain, name, [.. inputs], [.. outputs], [.. attributes]);
    }
}
