namespace MLNetRnn.Onnx;

/// <summary>
/// Builds an <see cref="OnnxGraph"/> node by node: fresh value names, initializers from arrays, and one-line helpers for
/// the operators our exporters use (opset 17 signatures: Squeeze/Unsqueeze/Slice/ReduceSum take axes as inputs).
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private readonly Names _names;

    public OnnxGraphBuilder(string name)
        : this(name, new Names())
    {
    }

    private OnnxGraphBuilder(string name, Names names)
    {
        Graph = new OnnxGraph(name);
        _names = names;
    }

    /// <summary>A builder for a subgraph (a Loop body) whose value names never clash with this graph's.</summary>
    public OnnxGraphBuilder Subgraph(string name) => new(name, _names);

    public OnnxGraph Graph { get; }

    /// <summary>Declares a graph input and returns its name.</summary>
    public string Input(string name, OnnxDataType type, params OnnxDim[]? shape)
    {
        Claim(name);
        Graph.Inputs.Add(new OnnxValueInfo(name, type, shape));
        return name;
    }

    /// <summary>Declares an output of this graph that is an existing value, without a renaming node (subgraph outputs).</summary>
    public void OutputValue(string value, OnnxDataType type, params OnnxDim[]? shape) => Graph.Outputs.Add(new OnnxValueInfo(value, type, shape));

    /// <summary>Declares a graph output: <paramref name="value"/> is renamed to <paramref name="name"/> by an Identity node.</summary>
    public void Output(string name, string value, OnnxDataType type, params OnnxDim[]? shape)
    {
        if (value != name)
        {
            NodeTo("Identity", [value], [name]);
        }

        Graph.Outputs.Add(new OnnxValueInfo(name, type, shape));
    }

    /// <summary>A new value name based on <paramref name="hint"/>, unique in this graph.</summary>
    public string Fresh(string hint)
    {
        string name;
        do
        {
            name = $"{hint}_{_names.Next++}";
        }
        while (_names.Claimed.Contains(name)); // the counter keeps fresh names apart; this skips names claimed explicitly
        return name;
    }

    /// <summary>Adds a node with one fresh output and returns that output's name.</summary>
    public string Node(string op, string[] inputs, params OnnxAttribute[] attributes) =>
        Nodes(op, inputs, 1, string.Empty, attributes)[0];

    /// <summary>Adds a node with <paramref name="outputs"/> fresh outputs.</summary>
    public string[] Nodes(string op, string[] inputs, int outputs, string domain, params OnnxAttribute[] attributes)
    {
        var names = new string[outputs];
        for (int i = 0; i < outputs; i++)
        {
            names[i] = Fresh(op.ToLowerInvariant());
        }

        NodeTo(op, inputs, names, domain, null, attributes);
        return names;
    }

    /// <summary>Adds a node whose outputs have the given names.</summary>
    public void NodeTo(string op, string[] inputs, string[] outputs, string domain = "", string? name = null, params OnnxAttribute[] attributes)
    {
        foreach (string o in outputs)
        {
            if (o.Length > 0)
            {
                Claim(o);
            }
        }

        Graph.Nodes.Add(new OnnxNode(op, domain, name ?? Fresh("n"), inputs, outputs, attributes));
    }

    public string Floats(string hint, float[] values, params long[] dims) => Add(OnnxTensor.FromFloats(Fresh(hint), values, dims));

    public string Int64s(long[] values, params long[] dims) => Add(OnnxTensor.FromInt64s(Fresh("i64"), values, dims));

    /// <summary>A 1-D int64 constant, the usual form of shapes, axes and slice bounds.</summary>
    public string Int64s(params long[] values) => Int64s(values, values.Length);

    /// <summary>A 0-D int64 constant.</summary>
    public string Scalar(long value) => Int64s([value], []);

    /// <summary>A 0-D float constant.</summary>
    public string Scalar(float value) => Add(OnnxTensor.FromFloats(Fresh("f32"), [value]));

    public string Strings(string hint, string[] values, params long[] dims) => Add(OnnxTensor.FromStrings(Fresh(hint), values, dims));

    public string Add(OnnxTensor tensor)
    {
        Claim(tensor.Name);
        Graph.Initializers.Add(tensor);
        return tensor.Name;
    }

    // Operator helpers (ai.onnx, opset 17).
    public string Reshape(string x, params long[] shape) => Node("Reshape", [x, Int64s(shape)]);

    public string Transpose(string x, params long[] perm) => Node("Transpose", [x], OnnxAttribute.Of("perm", perm));

    public string Squeeze(string x, params long[] axes) => Node("Squeeze", [x, Int64s(axes)]);

    public string Unsqueeze(string x, params long[] axes) => Node("Unsqueeze", [x, Int64s(axes)]);

    public string Concat(long axis, params string[] xs) => Node("Concat", xs, OnnxAttribute.Of("axis", axis));

    public string Cast(string x, OnnxDataType to) => Node("Cast", [x], OnnxAttribute.Of("to", (long)to));

    public string Gather(string data, string indices, long axis = 0) => Node("Gather", [data, indices], OnnxAttribute.Of("axis", axis));

    /// <summary><c>x[starts:ends]</c> along <paramref name="axes"/>; bounds are value names (1-D int64).</summary>
    public string Slice(string x, string starts, string ends, string axes) => Node("Slice", [x, starts, ends, axes]);

    public string MatMul(string a, string b) => Node("MatMul", [a, b]);

    public string Add(string a, string b) => Node("Add", [a, b]);

    public string Mul(string a, string b) => Node("Mul", [a, b]);

    public string Tanh(string x) => Node("Tanh", [x]);

    /// <summary><c>x Wᵀ + b</c> for 2-D x, as PyTorch's nn.Linear (weight (O, I)).</summary>
    public string Linear(string x, string weight, string bias) => Node("Gemm", [x, weight, bias], OnnxAttribute.Of("transB", 1L));

    private void Claim(string name)
    {
        if (!_names.Claimed.Add(name))
        {
            throw new InvalidOperationException($"The ONNX value name '{name}' is used twice in graph '{Graph.Name}'.");
        }
    }

    /// <summary>Value names of a graph and all its subgraphs (ONNX wants them unique across scopes).</summary>
    private sealed class Names
    {
        public HashSet<string> Claimed { get; } = new(StringComparer.Ordinal);

        public int Next { get; set; }
    }
}
