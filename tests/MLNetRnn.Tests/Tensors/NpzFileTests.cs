using System.IO.Compression;
using System.Text;
using MLNetRnn.Tensors;

namespace MLNetRnn.Tests.Tensors;

public sealed class NpzFileTests
{
    private static readonly string[] NumpyKeys = ["rnn.weight_ih_l0", "rnn.bias_ih_l0", "encoder/embedding.weight", "step"];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Write_ThenRead_RoundTripsEveryDataTypeInOrder(bool compress)
    {
        var random = new Random(20240501);
        KeyValuePair<string, NpyArray>[] arrays =
        [
            new("rnn.weight_ih_l0", NpyFileTests.RandomArray(NpyDataType.Float32, [8, 3], random)),
            new("encoder/rnn.bias_hh_l1_reverse", NpyFileTests.RandomArray(NpyDataType.Float64, [2, 3, 4], random)),
            new("a.lengths", NpyFileTests.RandomArray(NpyDataType.Int32, [5], random)),
            new("step", NpyFileTests.RandomArray(NpyDataType.Int64, [], random)),
            new("mask", NpyFileTests.RandomArray(NpyDataType.Bool, [0], random)),
        ];
        var stream = new MemoryStream();

        NpzFile.Write(stream, arrays, compress);
        stream.Position = 0;
        IReadOnlyDictionary<string, NpyArray> read = NpzFile.Read(stream);

        Assert.Equal(arrays.Select(a => a.Key), read.Keys);
        foreach ((string key, NpyArray expected) in arrays)
        {
            Assert.Equal(expected.Shape, read[key].Shape);
            NpyFileTests.AssertSameValues(expected, read[key]);
        }
    }

    [Theory]
    [InlineData(false, ZipStored)]
    [InlineData(true, ZipDeflated)]
    public void Write_NamesEntriesLikeNumpySavez(bool compress, int method)
    {
        var arrays = new Dictionary<string, NpyArray>
        {
            ["rnn.weight_ih_l0"] = NpyArray.FromSingle(new float[64], 8, 8),
            ["encoder/step"] = NpyArray.FromInt64([3]),
        };
        var stream = new MemoryStream();

        NpzFile.Write(stream, arrays, compress);

        using var archive = new ZipArchive(new MemoryStream(stream.ToArray()), ZipArchiveMode.Read);
        Assert.Equal(["rnn.weight_ih_l0.npy", "encoder/step.npy"], archive.Entries.Select(e => e.FullName));
        Assert.All(archive.Entries, e => Assert.Equal(method, CompressionMethod(stream.ToArray(), e.FullName)));
    }

    [Fact]
    public void Write_ThenRead_RoundTripsEmptyArchive()
    {
        var stream = new MemoryStream();

        NpzFile.Write(stream, []);
        stream.Position = 0;

        Assert.Empty(NpzFile.Read(stream));
    }

    [Theory]
    [InlineData("savez.npz")]
    [InlineData("savez_compressed.npz")]
    public void Read_NumpyArchives_MatchValuesWrittenByNumpy(string name)
    {
        IReadOnlyDictionary<string, NpyArray> arrays = NpzFile.Read(NpyFileTests.Fixture(name));

        Assert.Equal(NumpyKeys, arrays.Keys);
        Assert.Equal([4, 3], arrays["rnn.weight_ih_l0"].Shape);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => i / 4f), arrays["rnn.weight_ih_l0"].ToSingle());
        Assert.Equal([0.5f, -0.5f, 1.5f, -1.5f], arrays["rnn.bias_ih_l0"].ToSingle());
        Assert.Equal(NpyDataType.Float64, arrays["encoder/embedding.weight"].DataType);
        Assert.Equal([1.0, 2.0, 3.0, 4.0], arrays["encoder/embedding.weight"].ToDouble());
        Assert.Empty(arrays["step"].Shape);
        Assert.Equal([42L], arrays["step"].ToInt64());
    }

    [Fact]
    public void Read_SkipsEntriesThatAreNotNpy()
    {
        var stream = new MemoryStream();
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var manifest = new StreamWriter(archive.CreateEntry("manifest.json").Open()))
            {
                manifest.Write("{}");
            }

            using Stream entry = archive.CreateEntry("w.npy").Open();
            NpyFile.Write(entry, NpyArray.FromInt32([5], 1));
        }

        stream.Position = 0;
        IReadOnlyDictionary<string, NpyArray> arrays = NpzFile.Read(stream);

        Assert.Equal(["w"], arrays.Keys);
        Assert.Equal([5], arrays["w"].ToInt32());
    }

    [Fact]
    public void Write_ThrowsForDuplicateKeyAndWritesNothing()
    {
        KeyValuePair<string, NpyArray>[] arrays =
        [
            new("rnn.weight_ih_l0", NpyArray.FromInt32([1], 1)),
            new("rnn.weight_ih_l0", NpyArray.FromInt32([2], 1)),
        ];
        var stream = new MemoryStream();

        var error = Assert.Throws<ArgumentException>(() => NpzFile.Write(stream, arrays));

        Assert.Equal("arrays", error.ParamName);
        Assert.Contains("The key 'rnn.weight_ih_l0' appears more than once", error.Message);
        Assert.Equal(0, stream.Length);
    }

    [Fact]
    public void Write_ThrowsForEmptyKey()
    {
        var error = Assert.Throws<ArgumentException>(
            () => NpzFile.Write(new MemoryStream(), [new KeyValuePair<string, NpyArray>("", NpyArray.FromInt32([1], 1))]));

        Assert.Contains("keys must be non-empty", error.Message);
    }

    [Fact]
    public void Write_ThrowsForNullArray()
    {
        var error = Assert.Throws<ArgumentException>(
            () => NpzFile.Write(new MemoryStream(), [new KeyValuePair<string, NpyArray>("w", null!)]));

        Assert.Contains("The array for key 'w' is null", error.Message);
    }

    [Fact]
    public void ReadFromPath_ThrowsNamingPathForCorruptArchive()
    {
        string folder = Directory.CreateTempSubdirectory("npz-tests-").FullName;
        try
        {
            string path = Path.Combine(folder, "broken.npz");
            File.WriteAllBytes(path, Encoding.ASCII.GetBytes("this is not a zip archive at all"));

            var error = Assert.Throws<InvalidDataException>(() => NpzFile.Read(path));

            Assert.Contains($"'{path}' is not a valid .npz (zip) archive", error.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Read_ThrowsForTruncatedArchive()
    {
        byte[] bytes = File.ReadAllBytes(NpyFileTests.Fixture("savez.npz"));

        var error = Assert.Throws<InvalidDataException>(() => NpzFile.Read(new MemoryStream(bytes[..(bytes.Length / 2)])));

        Assert.Contains("The stream is not a valid .npz (zip) archive", error.Message);
    }

    [Fact]
    public void Read_ThrowsNamingEntryThatIsNotNpy()
    {
        var stream = new MemoryStream();
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var writer = new StreamWriter(archive.CreateEntry("rnn.weight.npy").Open());
            writer.Write("not numpy");
        }

        stream.Position = 0;
        var error = Assert.Throws<InvalidDataException>(() => NpzFile.Read(stream));

        Assert.Contains("entry 'rnn.weight.npy'", error.Message);
        Assert.Contains("not a .npy file", error.Message);
    }

    [Fact]
    public void WriteToPath_ReplacesFileAndLeavesNoTemporaryFile()
    {
        string folder = Directory.CreateTempSubdirectory("npz-tests-").FullName;
        try
        {
            string path = Path.Combine(folder, "model.npz");
            File.WriteAllText(path, "old contents");

            NpzFile.Write(path, [new KeyValuePair<string, NpyArray>("rnn.weight_hh_l0", NpyArray.FromSingle([0.5f], 1))], compress: true);

            Assert.Equal([0.5f], NpzFile.Read(path)["rnn.weight_hh_l0"].ToSingle());
            Assert.Equal([path], Directory.GetFiles(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void WriteToPath_LeavesExistingFileWhenArgumentsAreInvalid()
    {
        string folder = Directory.CreateTempSubdirectory("npz-tests-").FullName;
        try
        {
            string path = Path.Combine(folder, "model.npz");
            File.WriteAllText(path, "old contents");
            KeyValuePair<string, NpyArray>[] duplicate = [new("a", NpyArray.FromInt32([1], 1)), new("a", NpyArray.FromInt32([1], 1))];

            Assert.Throws<ArgumentException>(() => NpzFile.Write(path, duplicate));

            Assert.Equal("old contents", File.ReadAllText(path));
            Assert.Equal([path], Directory.GetFiles(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private const int ZipStored = 0;
    private const int ZipDeflated = 8;

    /// <summary>The compression method (0 stored, 8 deflate) in an entry's central-directory record.</summary>
    private static int CompressionMethod(byte[] zip, string entryName)
    {
        byte[] name = Encoding.UTF8.GetBytes(entryName);
        for (int i = 0; i + 46 + name.Length <= zip.Length; i++)
        {
            if (zip[i] == 'P' && zip[i + 1] == 'K' && zip[i + 2] == 1 && zip[i + 3] == 2 && zip.AsSpan(i + 46, name.Length).SequenceEqual(name))
            {
                return zip[i + 10] | (zip[i + 11] << 8);
            }
        }

        throw new InvalidOperationException($"No central-directory record for '{entryName}'.");
    }
}
