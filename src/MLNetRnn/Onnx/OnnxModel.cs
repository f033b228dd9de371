namespace MLNetRnn.Onnx;

/// <summary>
/// An ONNX model (<c>ModelProto</c>): IR version, operator-set imports, producer, the main graph and string metadata.
/// <see cref="ToBytes"/> writes the protobuf encoding; <see cref="Parse"/> reads one back, checking every length.
/// </summary>
internal sealed class OnnxModel
{
    /// <summary>IR version 8 goes with opset 17, the newest the ONNX checker of Debian 12 (onnx 1.12) knows.</summary>
    public const long DefaultIrVersion = 8;

    // ModelProto: ir_version 1, producer_name 2, producer_version 3, domain 4, model_version 5, doc_string 6, graph 7,
    // opset_import 8, metadata_props 14. OperatorSetIdProto: domain 1, version 2. StringStringEntryProto: key 1, value 2.
    public OnnxModel(OnnxGraph graph)
    {
        Graph = graph;
    }

    public long IrVersion { get; set; } = DefaultIrVersion;

    public string ProducerName { get; set; } = "MLNetRnn";

    public string ProducerVersion { get; set; } = typeof(OnnxModel).Assembly.GetName().Version?.ToString(3) ?? "0";

    public string DocString { get; set; } = string.Empty;

    /// <summary>Gets the operator sets, domain ("" is ai.onnx) to version.</summary>
    public Dictionary<string, long> Opsets { get; } = new(StringComparer.Ordinal) { [""] = 17 };

    public OnnxGraph Graph { get; }

    /// <summary>Gets the <c>metadata_props</c>, in order.</summary>
    public List<KeyValuePair<string, string>> Metadata { get; } = [];

    /// <summary>Gets a metadata value by key, or null.</summary>
    public string? MetadataValue(string key) => Metadata.FirstOrDefault(kv => kv.Key == key).Value;

    public byte[] ToBytes()
    {
        var w = new ProtoWriter();
        w.Varint(1, IrVersion);
        w.String(2, ProducerName);
        w.String(3, ProducerVersion);
        w.OptionalString(6, DocString);
        var graph = new ProtoWriter();
        Graph.Write(graph);
        w.Message(7, graph);
        foreach (var (domain, version) in Opsets.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var opset = new ProtoWriter();
            opset.OptionalString(1, domain);
            opset.Varint(2, version);
            w.Message(8, opset);
        }

        foreach (var (key, value) in Metadata)
        {
            var entry = new ProtoWriter();
            entry.String(1, key);
            entry.String(2, value);
            w.Message(14, entry);
        }

        return w.Written.ToArray();
    }

    /// <summary>Reads a model.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a well-formed ONNX model.</exception>
    public static OnnxModel Parse(ReadOnlySpan<byte> bytes)
    {
        var r = new ProtoReader(bytes);
        OnnxGraph? graph = null;
        long ir = 0;
        string producer = string.Empty, version = string.Empty, doc = string.Empty;
        var opsets = new List<(string, long)>();
        var metadata = new List<KeyValuePair<string, string>>();
        while (!r.AtEnd)
        {
            int field = r.ReadKey(out int wire);
            switch (field)
            {
                case 1 when wire == 0: ir = r.ReadInt64(); break;
                case 2 when wire == 2: producer = r.ReadString(); break;
                case 3 when wire == 2: version = r.ReadString(); break;
                case 6 when wire == 2: doc = r.ReadString(); break;
                case 7 when wire == 2: graph = OnnxGraph.Read(r.ReadBytes(), 0); break;
                case 8 when wire == 2: opsets.Add(ReadOpset(r.ReadBytes())); break;
                case 14 when wire == 2: metadata.Add(ReadEntry(r.ReadBytes())); break;
                default: r.Skip(wire); break;
            }
        }

        if (graph is null)
        {
            throw ProtoReader.Malformed("no graph");
        }

        var model = new OnnxModel(graph) { IrVersion = ir, ProducerName = producer, ProducerVersion = version, DocString = doc };
        model.Opsets.Clear();
        foreach (var (domain, v) in opsets)
        {
            model.Opsets[domain] = v;
        }

        model.Metadata.AddRange(metadata);
        return model;
    }

    private static (string, long) ReadOpset(ReadOnlySpan<byte> bytes)
    {
        var r = new ProtoReader(bytes);
        string domain = string.Empty;
        long version = 0;
        while (!r.AtEnd)
        {
            int field = r.ReadKey(out int wire);
            if (field == 1 && wire == 2)
            {
                domain = r.ReadString();
            }
            else if (field == 2 && wire == 0)
            {
                version = r.ReadInt64();
            }
            else
            {
                r.Skip(wire);
            }
        }

        return (domain, version);
    }

    private static KeyValuePair<string, string> ReadEntry(ReadOnlySpan<byte> bytes)
    {
        var r = new ProtoReader(bytes);
        string key = string.Empty, value = string.Empty;
        while (!r.AtEnd)
        {
            int field = r.ReadKey(out int wire);
            if (field == 1 && wire == 2)
            {
                key = r.ReadString();
            }
            else if (field == 2 && wire == 2)
            {
                value = r.ReadString();
            }
            else
            {
                r.Skip(wire);
            }
        }

        return new(key, value);
    }
}
