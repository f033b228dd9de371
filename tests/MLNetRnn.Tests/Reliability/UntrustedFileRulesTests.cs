using System.Buffers.Binary;
using System.IO.Compression;
using Microsoft.ML;
using MLNetRnn.Cli;
using MLNetRnn.Files;
using MLNetRnn.Tensors;

namespace MLNetRnn.Tests.Reliability;

/// <summary>
/// One test per rule for untrusted archives (model zips, .npz, checkpoints all open through <see cref="UntrustedZip"/>),
/// and for the seal of a model zip: each hostile file is refused with <see cref="InvalidDataException"/> naming the file
/// and the entry, before anything the file claims is allocated.
/// </summary>
public sealed class UntrustedFileRulesTests : IClassFixture<FuzzModels>
{
    private readonly FuzzModels _models;

    public UntrustedFileRulesTests(FuzzModels models) => _models = models;

    [Theory]
    [InlineData("../escape.npy", "..")]
    [InlineData("weights/../../escape.npy", "..")]
    [InlineData("/etc/escape.npy", "absolute")]
    [InlineData("C:/escape.npy", "drive")]
    [InlineData("..\\escape.npy", "..")]
    public void EntryThatEscapesTheArchive_IsRefusedByName(string name, string reason)
    {
        string path = Write("escape.npz", ZipMutations.Write([("x.npy", Npy()), (name, Npy())], ""));

        var e = Assert.Throws<InvalidDataException>(() => NpzFile.Read(path));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains($"'{name}'", e.Message, StringComparison.Ordinal);
        Assert.Contains(reason, e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void DuplicateEntry_IsRefused_SinceAReaderCouldPickEitherCopy()
    {
        string path = Write("twice.npz", ZipMutations.Write([("x.npy", Npy(1f)), ("x.npy", Npy(2f))], ""));

        var e = Assert.Throws<InvalidDataException>(() => NpzFile.Read(path));

        Assert.Contains("'x.npy'", e.Message, StringComparison.Ordinal);
        Assert.Contains("appears twice", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3_000_000_000L, "more than the 2147483647 one entry may have")]
    [InlineData(1_500_000_000L, "a ratio above the 1100:1")]
    public void HugeDeclaredSize_FailsFast_WithoutAllocatingIt(long declared, string reason)
    {
        byte[] zip = ZipMutations.Write([("x.npy", Npy())], "");
        SetUncompressedSize(zip, (uint)declared);
        string path = Write("bomb.npz", zip);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => NpzFile.Read(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("'x.npy'", e.Message, StringComparison.Ordinal);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.True(allocated < 4 << 20, $"refusing a {declared:N0}-byte claim allocated {allocated:N0} bytes");
    }

    [Fact]
    public void EntryThatInflatesPastItsDeclaredSize_StopsAtTheDeclaredSize()
    {
        // 4 MiB of zeros declared as 64 KiB (within the ratio): the reader must stop at 64 KiB, not inflate the rest.
        byte[] zip = ZipMutations.Write([("x.npy", new byte[4 << 20])], "");
        SetUncompressedSize(zip, 64 << 10);
        string path = Write("inflates.npz", zip);

        var e = Assert.Throws<InvalidDataException>(() => NpzFile.Read(path));

        Assert.Contains("'x.npy'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FlippedBitInAStoredEntry_FailsItsCrc()
    {
        byte[] npy = Npy(1f, 2f, 3f, 4f);
        var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        using (var stream = archive.CreateEntry("x.npy", CompressionLevel.NoCompression).Open())
        {
            stream.Write(npy);
        }

        byte[] zip = buffer.ToArray();
        int at = zip.AsSpan().IndexOf(npy) + npy.Length - 2; // inside the last float
        zip[at] ^= 0x10;
        string path = Write("flipped.npz", zip);

        var e = Assert.Throws<InvalidDataException>(() => NpzFile.Read(path));

        Assert.Contains("CRC-32", e.Message, StringComparison.Ordinal);
        Assert.Contains("'x.npy'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SealedModel_VerifiesAsSaved_AndMLNetsOwnSaveIsUnsealed()
    {
        Assert.Equal(ModelIntegrityStatus.Verified, ModelIntegrity.Verify(_models.ClassifierZip));
        Assert.Equal(ModelIntegrityStatus.Unsealed, ModelIntegrity.Verify(_models.UnsealedZip));
    }

    [Fact]
    public void ValueMapChangedInsideASealedModel_IsNotServed()
    {
        // Rewrite the zip validly (fresh CRCs) with one byte of the label map changed: only the seal can notice.
        var (entries, comment) = ZipMutations.Entries(File.ReadAllBytes(_models.ClassifierZip));
        int map = entries.FindIndex(e => e.Name.EndsWith(".idv", StringComparison.Ordinal));
        Assert.True(map >= 0, "the classifier zip has a value map");
        byte[] changed = (byte[])entries[map].Bytes.Clone();
        changed[^20] ^= 0x01;
        entries[map] = (entries[map].Name, changed);
        string path = Write("edited-map.zip", ZipMutations.Write(entries, comment));

        var verify = Assert.Throws<InvalidDataException>(() => ModelIntegrity.Verify(path));
        var load = Assert.Throws<InvalidDataException>(() => new MLContext(seed: 1).Model.LoadVerified(path, out _));
        var cli = Assert.Throws<InvalidDataException>(() => ModelFile.Read(path));

        foreach (var e in new[] { verify, load, cli })
        {
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
            Assert.Contains($"'{entries[map].Name}' was changed after the model was saved", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void SealRemoved_IsNoticedFromTheZipComment()
    {
        var (entries, comment) = ZipMutations.Entries(File.ReadAllBytes(_models.ClassifierZip));
        entries.RemoveAll(e => e.Name == ModelIntegrity.SealEntryName);
        string path = Write("no-seal.zip", ZipMutations.Write(entries, comment));

        var e = Assert.Throws<InvalidDataException>(() => ModelIntegrity.Verify(path));

        Assert.Contains("the seal was removed or renamed", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownComponentInOurFolder_IsRefusedByName()
    {
        var (entries, comment) = ZipMutations.Entries(File.ReadAllBytes(_models.UnsealedZip));
        entries.Add(("MLNetRnn/plugin.dll", [1, 2, 3]));
        string path = Write("plugin.zip", ZipMutations.Write(entries, comment));

        var e = Assert.Throws<InvalidDataException>(() => ModelIntegrity.Verify(path));

        Assert.Contains("'MLNetRnn/plugin.dll'", e.Message, StringComparison.Ordinal);
        Assert.Contains("is not a component this version of MLNetRnn writes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NotAModel_ThroughLoadVerified_WrapsMLNetsErrorWithTheFileAndWhatToDo()
    {
        string path = Write("not-a-model.zip", ZipMutations.Write([("hello.txt", "hello"u8.ToArray())], ""));

        var e = Assert.Throws<InvalidDataException>(() => new MLContext(seed: 1).Model.LoadVerified(path, out _));

        Assert.Contains($"ML.NET cannot load '{path}'", e.Message, StringComparison.Ordinal);
        Assert.Contains("get a fresh copy", e.Message, StringComparison.Ordinal);
        Assert.NotNull(e.InnerException);
    }

    [Fact]
    public void MissingOrBlankPath_IsRefusedNamingThePath()
    {
        string missing = Path.Combine(_models.Folder, "no-such-model.zip");
        var ml = new MLContext(seed: 1);

        var verify = Assert.Throws<FileNotFoundException>(() => ModelIntegrity.Verify(missing));
        var load = Assert.Throws<FileNotFoundException>(() => ml.Model.LoadVerified(missing, out _));

        Assert.Contains(missing, verify.Message, StringComparison.Ordinal);
        Assert.Contains(missing, load.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ModelIntegrity.Verify(" "));
        Assert.Throws<ArgumentException>(() => ml.Model.LoadVerified("", out _));
    }

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_models.Folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] Npy(params float[] values)
    {
        var buffer = new MemoryStream();
        NpyFile.Write(buffer, NpyArray.FromSingle(values.Length == 0 ? [0f] : values, values.Length == 0 ? 1 : values.Length));
        return buffer.ToArray();
    }

    /// <summary>Sets the uncompressed size of every entry in both the local headers and the central directory.</summary>
    private static void SetUncompressedSize(byte[] zip, uint size)
    {
        for (int at = 0; at + 4 <= zip.Length; at++)
        {
            uint signature = BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(at));
            if (signature == 0x04034b50 && at + 26 <= zip.Length)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(at + 22), size);
            }
            else if (signature == 0x02014b50 && at + 28 <= zip.Length)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(at + 24), size);
            }
        }
    }
}
