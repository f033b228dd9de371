using System.Buffers.Binary;
using System.IO.Compression;

namespace MLNetRnn.Onnx;

/// <summary>
/// Finds the ONNX graphs MLNetRnn wrote inside a standard ML.NET model .zip (without loading the model): ML.NET's ONNX
/// transform stores its graph as an entry named <c>…/OnnxModel</c>, a little-endian int32 length followed by the bytes.
/// </summary>
internal sealed class ModelZip
{
    /// <summary>The largest ONNX graph read (bigger entries are refused before anything is allocated).</summary>
    private const long MaxGraphBytes = 1L << 31;

    private ModelZip(string path, IReadOnlyList<(string Entry, OnnxModel Model, byte[] Bytes)> graphs, IReadOnlyList<string> entries)
    {
        Path = path;
        Graphs = graphs;
        Entries = entries;
    }

    public string Path { get; }

    /// <summary>Gets our graphs (those with <see cref="OnnxMetadata.Kind"/>) with their bytes as stored, in entry order.</summary>
    public IReadOnlyList<(string Entry, OnnxModel Model, byte[] Bytes)> Graphs { get; }

    /// <summary>Gets every entry name of the zip.</summary>
    public IReadOnlyList<string> Entries { get; }

    /// <summary>Gets the first graph of the given kind, or null.</summary>
    public OnnxModel? Find(string kind) => Graphs.FirstOrDefault(g => g.Model.MetadataValue(OnnxMetadata.Kind) == kind).Model;

    /// <summary>Reads the model file.</summary>
    /// <exception cref="FileNotFoundException">It does not exist.</exception>
    /// <exception cref="InvalidDataException">It is not a zip, or an ONNX entry is damaged; the message names the file.</exception>
    public static ModelZip Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Model file '{System.IO.Path.GetFullPath(path)}' does not exist; check the path.", path);
        }

        try
        {
            using var zip = ZipFile.OpenRead(path);
            var graphs = new List<(string, OnnxModel, byte[])>();
            foreach (var entry in zip.Entries.Where(e => e.FullName.EndsWith("/OnnxModel", StringComparison.Ordinal) || e.FullName == "OnnxModel"))
            {
                byte[] bytes = ReadGraph(entry);
                var model = OnnxModel.Parse(bytes);
                if (model.MetadataValue(OnnxMetadata.Kind) is not null)
                {
                    graphs.Add((entry.FullName, model, bytes));
                }
            }

            return new ModelZip(path, graphs, [.. zip.Entries.Select(e => e.FullName)]);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"'{path}' is not a readable ML.NET model: {e.Message}", e);
        }
    }

    private static byte[] ReadGraph(ZipArchiveEntry entry)
    {
        if (entry.Length < 4 || entry.Length > MaxGraphBytes + 4)
        {
            throw new InvalidDataException($"entry '{entry.FullName}' has {entry.Length} bytes, not an ONNX graph ML.NET wrote");
        }

        using var stream = entry.Open();
        Span<byte> prefix = stackalloc byte[4];
        stream.ReadExactly(prefix);
        int length = BinaryPrimitives.ReadInt32LittleEndian(prefix);
        if (length < 0 || length != entry.Length - 4)
        {
            throw new InvalidDataException($"entry '{entry.FullName}' declares {length} bytes of ONNX but holds {entry.Length - 4}");
        }

        var bytes = new byte[length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}
