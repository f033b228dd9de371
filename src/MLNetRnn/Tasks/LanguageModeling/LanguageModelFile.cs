using System.IO.Compression;
using MLNetRnn.Files;
using MLNetRnn.Onnx;
using MLNetRnn.Tensors;

namespace MLNetRnn.LanguageModeling;

/// <summary>
/// The language model's file: a zip holding <c>model.onnx</c> (the step graph with its weights and metadata,
/// <see cref="LanguageModelOnnx"/>), sealed as MLNetRnn seals ML.NET models (<c>MLNetRnn/integrity.json</c> with the
/// SHA-256 and size of every other entry; zip comment marker; fixed timestamps, so the same model gives the same bytes).
/// </summary>
/// <remarks>
/// Why not an ML.NET model zip: sampling is a loop that carries a recurrent state and draws from a random source between
/// steps, not a row-to-row transform, so ML.NET's transformers cannot express it. The network itself is the standard
/// ONNX step graph inside, which ONNX Runtime (or ML.NET's ONNX transform) runs directly: <c>unzip -p model.zip model.onnx</c>.
/// Written through a temporary file and a rename; read as untrusted input (zip structure, sizes, CRC-32, the seal, then
/// the graph's kind, version, metadata and weight counts) before anything is allocated for the network.
/// </remarks>
internal static class LanguageModelFile
{
    public const string GraphEntry = "model.onnx";

    /// <summary>Writes the sealed zip at <paramref name="path"/> through a temporary file and a rename.</summary>
    public static void Write(string path, OnnxModel graph)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var plain = new MemoryStream();
        using (var zip = new ZipArchive(plain, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = zip.CreateEntry(GraphEntry, CompressionLevel.Optimal).Open();
            entry.Write(graph.ToBytes());
        }

        NpyFile.WriteFileAtomically(path, destination =>
        {
            plain.Position = 0;
            ModelSeal.Write(plain, destination);
        });
    }

    /// <summary>Whether <paramref name="path"/> is a zip holding a <c>model.onnx</c> entry (a language-model file), without validating it.</summary>
    public static bool LooksLikeLanguageModel(string path)
    {
        try
        {
            using var zip = UntrustedZip.Open(path, "model .zip");
            return zip.Entries.Any(e => e.FullName == GraphEntry);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Reads and checks the file and returns its graph.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">It is not a sound zip, does not match its seal, lacks <c>model.onnx</c>, has other entries, or the graph is not a language model.</exception>
    public static OnnxModel Read(string path) => ReadStored(path).Graph;

    /// <summary>Reads and checks the file as <see cref="Read"/> does and also returns the <c>model.onnx</c> entry's bytes as stored (for export).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">It is not a sound zip, does not match its seal, lacks <c>model.onnx</c>, has other entries, or the graph is not a language model.</exception>
    public static (OnnxModel Graph, byte[] Bytes) ReadStored(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Language model file '{Path.GetFullPath(path)}' does not exist; check the path.", path);
        }

        try
        {
            using var zip = UntrustedZip.Open(path, "language model .zip");
            ModelSeal.Verify(zip);
            var graph = zip.Entries.FirstOrDefault(e => e.FullName == GraphEntry)
                ?? throw new InvalidDataException($"it has no '{GraphEntry}' entry, so it is not a language model written by MLNetRnn (train one with LanguageModelTrainer or 'mlnet-rnn train lm')");
            var other = zip.Entries.FirstOrDefault(e => e.FullName != GraphEntry && e.FullName != ModelSeal.EntryName);
            if (other is not null)
            {
                throw new InvalidDataException($"it has an entry '{OnnxTensor.Shown(other.FullName)}' that a language-model file never holds");
            }

            byte[] bytes = zip.ReadAllBytes(graph);
            var model = OnnxModel.Parse(bytes);
            OnnxModelCheck.Kind(model, OnnxMetadata.LanguageModelKind);
            return (model, bytes);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"'{path}' is not a valid MLNetRnn language model: {e.Message.TrimEnd('.')}.", e);
        }
    }
}
