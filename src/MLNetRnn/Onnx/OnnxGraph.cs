namespace MLNetRnn.Onnx;

/// <summary>A computation graph (<c>GraphProto</c>): nodes in topological order, initializers, inputs and outputs.</summary>
internal sealed class OnnxGraph
{
    /// <summary>The deepest nesting of subgraphs (Loop bodies inside Loop bodies…) a file may have before it is refused.</summary>
    internal const int MaxDepth = Files.FileLimits.MaxOnnxGraphDepth;

    // GraphProto: node 1, name 2, initializer 5, doc_string 10, input 11, output 12, value_info 13.
    public OnnxGraph(string name)
    {
        Name = name;
    }

    public string Name { get; }

    public List<OnnxNode> Nodes { get; } = [];

    public List<OnnxTensor> Initializers { get; } = [];

    public List<OnnxValueInfo> Inputs { get; } = [];

    public List<OnnxValueInfo> Outputs { get; } = [];

    /// <summary>Gets an initializer by name, or null.</summary>
    public OnnxTensor? Initializer(string name) => Initializers.FirstOrDefault(t => t.Name == name);

    internal void Write(ProtoWriter w)
    {
        foreach (var node in Nodes)
        {
            w.Message(1, ProtoWriter.Of(node.Write));
        }

        w.String(2, Name);
        foreach (var tensor in Initializers)
        {
            w.Message(5, ProtoWriter.Of(tensor.Write));
        }

        foreach (var input in Inputs)
        {
            w.Message(11, ProtoWriter.Of(input.Write));
        }

        foreach (var output in Outputs)
        {
            w.Message(12, ProtoWriter.Of(output.Write));
        }
    }

    internal static OnnxGraph Read(ReadOnlySpan<byte> bytes, int depth)
    {
        if (depth > MaxDepth)
        {
            throw ProtoReader.Malformed($"subgraphs nested deeper than {MaxDepth}");
        }

        var r = new ProtoReader(bytes);
        var nodes = new List<OnnxNode>();
        var initializers = new List<OnnxTensor>();
        var inputs = new List<OnnxValueInfo>();
        var outputs = new List<OnnxValueInfo>();
        string name = string.Empty;
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
                case 1: nodes.Add(OnnxNode.Read(r.ReadBytes(), depth)); break;
                case 2: name = r.ReadString(); break;
                case 5: initializers.Add(OnnxTensor.Read(r.ReadBytes())); break;
                case 11: inputs.Add(OnnxValueInfo.Read(r.ReadBytes())); break;
                case 12: outputs.Add(OnnxValueInfo.Read(r.ReadBytes())); break;
                default: r.Skip(wire); break;
            }
        }

        var graph = new OnnxGraph(name);
        graph.Nodes.AddRange(nodes);
        graph.Initializers.AddRange(initializers);
        graph.Inputs.AddRange(inputs);
        graph.Outputs.AddRange(outputs);
        return graph;
    }
}
