using System.IO.Compression;
using System.Text;
using MLNetRnn.Models;
using MLNetRnn.Pipeline;
using MLNetRnn.Tensors;
using MLNetRnn.Tests.TestSupport;

namespace MLNetRnn.Tests.Pipeline;

/// <summary>The model file: layout (numpy-readable tensors under PyTorch names), atomic writes, and every promised load error.</summary>
public sealed class ModelFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mlnetrnn-model-").FullName;
    private readonly RnnContext _ctx = new(seed: 1);
    private readonly string _path;

    public ModelFileTests()
    {
        var train = Sentiment.Load(_ctx, "train.tsv", take: 60);
        var model = Sentiment.Pipeline(_ctx, new SequenceClassificationOptions { EmbeddingSize = 8, HiddenSize = 6, Epochs = 1, Bidirectional = true }).Fit(train);
        _path = Path.Combine(_dir, "model.zip");
        _ctx.Model.Save(model, train.Schema, _path);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Save_WritesManifestVocabularyLabelsAndTensorsUnderPyTorchNames()
    {
        using var zip = ZipFile.OpenRead(_path);
        var names = zip.Entries.Select(e => e.FullName).ToHashSet();
        Assert.Contains("manifest.json", names);
        Assert.Contains("components/01-MapTokensToIds/vocab.txt", names);
        Assert.Contains("components/02-SequenceClassifier/labels.txt", names);
        var tensors = NpzFile.Read(_path); // numpy.load reads the same entries
        var shapes = tensors.ToDictionary(kv => kv.Key.Split('/').Last(), kv => kv.Value.Shape);
        int v = tensors.First(kv => kv.Key.EndsWith("embedding.weight", StringComparison.Ordinal)).Value.Shape[0];
        Assert.Equal([v, 8], shapes["embedding.weight"]);
        Assert.Equal([24, 8], shapes["rnn.weight_ih_l0"]);
        Assert.Equal([24, 6], shapes["rnn.weight_hh_l0_reverse"]);
        Assert.Equal([2, 12], shapes["head.weight"]);
        Assert.Equal([2], shapes["head.bias"]);
        var manifest = _ctx.Model.ReadManifest(_path);
        Assert.Equal(("mlnetrnn-model", 1, "SequenceClassification"), (manifest.Format, manifest.FormatVersion, manifest.Task));
        Assert.Equal(["TokenizeIntoWords", "MapTokensToIds", "SequenceClassifier"], manifest.Components.Select(c => c.Kind));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp-*"));
    }

    [Fact]
    public void Load_TruncatedFileSaysNotAReadableArchive()
    {
        byte[] bytes = File.ReadAllBytes(_path);
        File.WriteAllBytes(_path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<InvalidDataException>(() => _ctx.Model.Load(_path));
        Assert.Contains("not a readable .zip archive", e.Message);
        Assert.Contains("save the model again", e.Message);
    }

    [Fact]
    public void Load_TooNewFormatNamesBothVersions()
    {
        Rewrite("manifest.json", s => s.Replace("\"formatVersion\": 1", "\"formatVersion\": 2", StringComparison.Ordinal));
        var e = Assert.Throws<InvalidDataException>(() => _ctx.Model.Load(_path));
        Assert.Contains("too new: it has format version 2", e.Message);
        Assert.Contains("reads versions up to 1", e.Message);
        Assert.Contains("upgrade MLNetRnn", e.Message);
    }

    [Fact]
    public void Load_UnknownFormatIsRejected()
    {
        Rewrite("manifest.json", s => s.Replace("mlnetrnn-model", "other-model", StringComparison.Ordinal));
        var e = Assert.Throws<InvalidDataException>(() => _ctx.Model.Load(_path));
        Assert.Contains("has format 'other-model', expected 'mlnetrnn-model'", e.Message);
    }

    [Fact]
    public void Load_MissingEntryIsNamed()
    {
        Remove("components/02-SequenceClassifier/head.bias.npy");
        var e = Assert.Throws<InvalidDataException>(() => _ctx.Model.Load(_path));
        Assert.Contains("entry 'components/02-SequenceClassifier/head.bias.npy' is missing", e.Message);
    }

    [Fact]
    public void Load_WrongTensorShapeNamesExpectedAndActual()
    {
        Remove("components/02-SequenceClassifier/head.bias.npy");
        using (var zip = ZipFile.Open(_path, ZipArchiveMode.Update))
        using (var stream = zip.CreateEntry("components/02-SequenceClassifier/head.bias.npy").Open())
        {
            NpyFile.Write(stream, NpyArray.FromSingle(new float[3], 3));
        }

        var e = Assert.Throws<InvalidDataException>(() => _ctx.Model.Load(_path));
        Assert.Contains("tensor 'components/02-SequenceClassifier/head.bias' has shape (3,), but the component's config needs (2,)", e.Message);
    }

    [Fact]
    public void Load_NotAModelSaysSo()
    {
        string other = Path.Combine(_dir, "other.zip");
        using (var zip = ZipFile.Open(other, ZipArchiveMode.Create))
        {
            zip.CreateEntry("readme.txt");
        }

        var e = Assert.Throws<InvalidDataException>(() => _ctx.Model.Load(other));
        Assert.Contains("no manifest.json", e.Message);
    }

    [Fact]
    public void Load_MissingFileNamesThePath()
    {
        var e = Assert.Throws<FileNotFoundException>(() => _ctx.Model.Load(Path.Combine(_dir, "nope.zip")));
        Assert.Contains("nope.zip", e.Message);
    }

    private void Rewrite(string entry, Func<string, string> change)
    {
        using var zip = ZipFile.Open(_path, ZipArchiveMode.Update);
        var e = zip.GetEntry(entry)!;
        string text;
        using (var reader = new StreamReader(e.Open()))
        {
            text = reader.ReadToEnd();
        }

        e.Delete();
        using var writer = new StreamWriter(zip.CreateEntry(entry).Open(), new UTF8Encoding(false));
        writer.Write(change(text));
    }

    private void Remove(string entry)
    {
        using var zip = ZipFile.Open(_path, ZipArchiveMode.Update);
        zip.GetEntry(entry)!.Delete();
    }
}
