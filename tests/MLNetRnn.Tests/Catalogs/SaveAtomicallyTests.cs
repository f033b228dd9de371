using Microsoft.ML;
using Microsoft.ML.Tokenizers;
using MLNetRnn.Tests.TestSupport;

namespace MLNetRnn.Tests.Catalogs;

/// <summary><c>ml.Model.SaveAtomically</c>: a temporary file then a rename, so a failed save never damages the previous file.</summary>
public sealed class SaveAtomicallyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mlnetrnn-save-").FullName;
    private readonly MLContext _ml = new(seed: 1);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Save_WritesAModelMLNetLoads_AndLeavesNoTemporaryFile()
    {
        var data = Synthetic.Load(_ml, 40, seed: 1);
        var model = Sentiment.Prefix(_ml).Fit(data);
        string path = Path.Combine(_dir, "m.zip");

        _ml.Model.SaveAtomically(model, data.Schema, path);

        Assert.NotNull(new MLContext().Model.Load(path, out _));
        Assert.Equal(["m.zip"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void FailedSave_KeepsThePreviousFileByteForByte_AndLeavesNoTemporaryFile()
    {
        var data = Synthetic.Load(_ml, 40, seed: 1);
        string path = Path.Combine(_dir, "m.zip");
        _ml.Model.SaveAtomically(Sentiment.Prefix(_ml).Fit(data), data.Schema, path);
        byte[] before = File.ReadAllBytes(path);
        var unsavable = _ml.Transforms.Text.TokenizeSubwords("Tokens", "Text", TiktokenTokenizer.CreateForEncoding("cl100k_base")).Fit(data); // ML.NET refuses to save it

        Assert.ThrowsAny<InvalidOperationException>(() => _ml.Model.SaveAtomically(unsavable, data.Schema, path));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["m.zip"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void Save_IntoAMissingFolder_SaysSo()
    {
        var data = Synthetic.Load(_ml, 10, seed: 1);
        string path = Path.Combine(_dir, "no-such-folder", "m.zip");
        var e = Assert.Throws<DirectoryNotFoundException>(() => _ml.Model.SaveAtomically(Sentiment.Prefix(_ml).Fit(data), data.Schema, path));
        Assert.Contains("does not exist; create it first", e.Message);
    }
}
