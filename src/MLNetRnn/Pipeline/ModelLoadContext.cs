using System.IO.Compression;
using System.Text.Json;
using MLNetRnn.Layers;
using MLNetRnn.Tensors;

namespace MLNetRnn.Pipeline;

/// <summary>Reads one component's entries from a model archive; every failure names the file, the entry and the fix.</summary>
internal sealed class ModelLoadContext(ZipArchive archive, string directory, string path)
{
    public string Directory { get; } = directory;

    public string Path { get; } = path;

    public T ReadJson<T>(string name)
    {
        using var stream = Open(name);
        try
        {
            return JsonSerializer.Deserialize<T>(stream, ModelSaveContext.Json)
                ?? throw Corrupt($"entry '{Directory + name}' is empty");
        }
        catch (JsonException e)
        {
            throw Corrupt($"entry '{Directory + name}' is not valid JSON ({e.Message})");
        }
    }

    public IReadOnlyList<string> ReadLines(string name)
    {
        using var reader = new StreamReader(Open(name));
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }

    /// <summary>Reads a tensor and checks its shape.</summary>
    public float[] ReadTensor(string name, ReadOnlySpan<int> expectedShape)
    {
        NpyArray array;
        using (var stream = Open(name + ".npy"))
        {
            try
            {
                array = NpyFile.Read(stream);
            }
            catch (Exception e) when (e is InvalidDataException or NotSupportedException or EndOfStreamException)
            {
                throw Corrupt($"tensor '{Directory + name}' cannot be read ({e.Message})");
            }
        }

        if (!array.Shape.AsSpan().SequenceEqual(expectedShape))
        {
            throw Corrupt($"tensor '{Directory + name}' has shape {ParameterStore.FormatShape(array.Shape)}, but the component's config needs {ParameterStore.FormatShape(expectedShape)}");
        }

        return array.ToSingle();
    }

    /// <summary>Fills every parameter of <paramref name="store"/> from its tensor entry, checking shapes.</summary>
    public void ReadParameters(ParameterStore store)
    {
        foreach (var p in store.Parameters)
        {
            ReadTensor(p.Name, p.Shape).CopyTo(p.Value);
        }
    }

    public InvalidDataException Corrupt(string what) =>
        new($"The model file '{Path}' is damaged or incomplete: {what}. Save the model again, or check that the file was copied completely.");

    private Stream Open(string name)
    {
        var entry = archive.GetEntry(Directory + name)
            ?? throw Corrupt($"entry '{Directory + name}' is missing");
        try
        {
            return entry.Open();
        }
        catch (InvalidDataException e)
        {
            throw Corrupt($"entry '{Directory + name}' cannot be opened ({e.Message})");
        }
    }
}
