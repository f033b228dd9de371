using System.Buffers.Binary;
using System.IO.Compression;
using MLNetRnn.Files;

namespace MLNetRnn.Onnx;

/// <summary>
/// Finds the ONNX graphs MLNetRnn wrote inside a standard ML.NET model .zip (without loading the model): ML.NET's ONNX
/// transform stores its graph as an entry named <c>…/OnnxModel</c>, a little-endian int32 length followed by the bytes.
/// The zip is untrusted: it is opened with <see cref="UntrustedZip"/> and checked against its seal
/// (<see cref="ModelIntegrity"/>) before any graph is parsed, and our graphs are refused when they hold an unknown component.
/// </summary>
internal sealed class ModelZip
{
    private ModelZip(string path, ModelIntegrityStatus integrity, IReadOnlyList<(string Entry, OnnxModel Model, byte[] Bytes)> graphs, IReadOnlyList<string> entries)
    {
        Path = path;
        Integrity = integrity;
        Graphs = graphs;
        Entries = entries;
    }

    public string Path { get; }

    /// <summary>Gets whether the zip is sealed (and verified) or unsealed.</summary>
    public ModelIntegrityStatus Integrity { get; }

    /// <summary>Gets our graphs (those with <see cref="OnnxMetadata.Kind"/>) with their bytes as stored, in entry order.</summary>
    public IReadOnlyList<(string Entry, OnnxModel Model, byte[] Bytes)> Graphs { get; }

    /// <summary>Gets every entry name of the zip.</summary>
    public IReadOnlyList<string> Entries { get; }

    /// <summary>Gets the first graph of the given kind, or null.</summary>
    public OnnxModel? Find(string kind) => Graphs.FirstOrDefault(g => g.Model.MetadataValue(OnnxMetadata.Kind) == kind).Model;

    /// <summary>Reads the model file.</summary>
    /// <exception cref="FileNotFoundException">It does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// It is not a sound zip, does not match its seal, or an ONNX entry is damaged or holds an unknown component; the
    /// message names the file and the entry.
    /// </exception>
    public static ModelZip Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Model file '{System.IO.Path.GetFullPath(path)}' does not exist; check the path.", path);
        }

        try
        {
            using var zip = UntrustedZip.Open(path, "model .zip");
            var integrity = ModelSeal.Verify(zip);
            var graphs = new List<(string, OnnxModel, byte[])>();
            foreach (var entry in zip.Entries.Where(e => e.FullName.EndsWith("/OnnxModel", StringComparison.Ordinal) || e.FullName == "OnnxModel"))
            {
                byte[] bytes = ReadGraph(zip, entry);
                try
                {
                    var model = OnnxModel.Parse(bytes);
                    if (model.MetadataValue(OnnxMetadata.Kind) is not null)
                    {
                        OnnxModelCheck.Components(model);
                        graphs.Add((entry.FullName, model, bytes));
                    }
                }
                catch (InvalidDataException e)
                {
                    throw new InvalidDataException($"{zip.Where(entry)} {e.Message}", e);
                }
            }

            return new ModelZip(path, integrity, graphs, [.. zip.Entries.Select(e => e.FullName)]);
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith($"'{path}'", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"'{path}' is not a readable ML.NET model: {e.Message}", e);
        }
    }

    private static byte[] ReadGraph(UntrustedZip zip, ZipArchiveEntry entry)
    {
        if (entry.Length < 4)
        {
            throw new InvalidDataException($"{zip.Where(entry)} has {entry.Length} bytes, not an ONNX graph ML.NET wrote.");
        }

        byte[] stored = zip.ReadAllBytes(entry);
        int length = BinaryPrimitives.ReadInt32LittleEndian(stored);
        if (length < 0 || length != stored.Length - 4)
        {
            throw new InvalidDataException($"{zip.Where(entry)} declares {length} bytes of ONNX but holds {stored.Length - 4}; the model is damaged.");
        }

        return stored[4..];
    }
}
