using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json;
using MLNetRnn.Layers;
using MLNetRnn.Onnx;
using MLNetRnn.Tensors;

namespace MLNetRnn.Tests.Cli;

/// <summary>Runs <c>mlnet-rnn export</c> on a model and checks its files against what the model .zip holds.</summary>
internal static class ExportedModel
{
    /// <summary>Exports <paramref name="model"/> into a new folder under <paramref name="parent"/>, checks the --json answer, and returns the folder.</summary>
    public static string Export(string model, string parent, params string[] expectedFiles)
    {
        string folder = Path.Combine(parent, $"export-{Guid.NewGuid():N}");
        var (code, stdout, stderr) = CliProcess.Run("export", "--model", model, "--out", folder, "--json");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout.Trim());
        Assert.Equal(Path.GetFullPath(folder), doc.RootElement.GetProperty("out").GetString());
        Assert.Equal(expectedFiles, doc.RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(expectedFiles.Order(StringComparer.Ordinal), Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        return folder;
    }

    /// <summary>The bytes of our graph of <paramref name="kind"/> as stored in the zip (after ML.NET's int32 length prefix), read here without the CLI.</summary>
    public static byte[] StoredGraph(string model, string kind)
    {
        string entry = ModelZip.Read(model).Graphs.Single(g => g.Model.MetadataValue(OnnxMetadata.Kind) == kind).Entry;
        using var zip = ZipFile.OpenRead(model);
        using var stream = new MemoryStream();
        zip.GetEntry(entry)!.Open().CopyTo(stream);
        byte[] all = stream.ToArray();
        Assert.Equal(all.Length - 4, BinaryPrimitives.ReadInt32LittleEndian(all));
        return all[4..];
    }

    /// <summary>
    /// Reads an exported list (vocab.txt, labels.txt, …): one token per line, every line ended by a line feed, with
    /// <c>\\</c>, <c>\n</c> and <c>\r</c> standing for a backslash, a line feed and a carriage return.
    /// </summary>
    public static string[] ReadList(string path)
    {
        string text = File.ReadAllText(path);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        var tokens = new List<string>();
        foreach (string line in text[..^1].Split('\n'))
        {
            var token = new System.Text.StringBuilder();
            for (int i = 0; i < line.Length; i++)
            {
                if (line[i] != '\\')
                {
                    token.Append(line[i]);
                    continue;
                }

                Assert.True(i + 1 < line.Length, $"'{line}' ends in a lone backslash");
                token.Append(line[++i] switch { '\\' => '\\', 'n' => '\n', 'r' => '\r', char c => throw new InvalidDataException($"'{line}' has the unknown escape \\{c}") });
            }

            tokens.Add(token.ToString());
        }

        return [.. tokens];
    }

    /// <summary>Asserts that weights.npz holds exactly the store's tensors (names, shapes, values).</summary>
    public static void AssertWeightsEqual(ParameterStore expected, string npzPath)
    {
        var exported = NpzFile.Read(npzPath);
        Assert.Equal(expected.Parameters.Select(p => p.Name).Order(StringComparer.Ordinal), exported.Keys.Order(StringComparer.Ordinal));
        foreach (var p in expected.Parameters)
        {
            Assert.Equal(p.Shape.ToArray(), exported[p.Name].Shape);
            Assert.Equal(p.Value.ToArray(), exported[p.Name].ToSingle());
        }
    }
}
