using System.IO.Compression;
using System.Text;
using System.Text.Json;
using MLNetRnn.Tensors;

namespace MLNetRnn.Pipeline;

/// <summary>Writes one component's entries into a model archive, under its own directory.</summary>
internal sealed class ModelSaveContext(ZipArchive archive, string directory)
{
    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    /// <summary>Gets the entry-name prefix, for example <c>components/02-SequenceClassifier/</c>.</summary>
    public string Directory { get; } = directory;

    public void WriteJson<T>(string name, T value)
    {
        using var stream = Create(name);
        JsonSerializer.Serialize(stream, value, Json);
    }

    /// <summary>Writes a tensor as <c>{name}.npy</c>, so <c>numpy.load(model.zip)</c> lists it under <c>{directory}{name}</c>.</summary>
    public void WriteTensor(string name, NpyArray array)
    {
        using var stream = Create(name + ".npy");
        NpyFile.Write(stream, array);
    }

    public void WriteLines(string name, IEnumerable<string> lines)
    {
        using var stream = Create(name);
        using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\n" };
        foreach (string line in lines)
        {
            writer.WriteLine(line);
        }
    }

    /// <summary>
    /// Creates an entry with a fixed timestamp, so the same model always gives the same bytes (reproducible builds,
    /// content hashes, diffable artifacts).
    /// </summary>
    public Stream Create(string name)
    {
        var entry = archive.CreateEntry(Directory + name, CompressionLevel.Optimal);
        entry.LastWriteTime = FixedTimestamp;
        return entry.Open();
    }

    private static readonly DateTimeOffset FixedTimestamp = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
}
