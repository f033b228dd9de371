using System.Text;
using Microsoft.ML;
using MLNetRnn.Classification;
using MLNetRnn.Cli;
using MLNetRnn.Onnx;
using MLNetRnn.SequenceToSequence;
using MLNetRnn.Tensors;
using MLNetRnn.Tests.Tensors;
using MLNetRnn.Tests.TestSupport;
using MLNetRnn.Text;
using MLNetRnn.Training;
using Xunit.Abstractions;

namespace MLNetRnn.Tests.Reliability;

/// <summary>
/// Seeded mutations of real files of every kind MLNetRnn reads, each run through the real reader with a time limit and
/// an allocation limit. Every case must end in the reader's documented <see cref="InvalidDataException"/> naming the file,
/// or in a load of unchanged content; a load of changed content is allowed only where the format has no checksum (.npy,
/// raw ONNX bytes, GloVe text) or the mutation wrote a valid archive of other content (a zip without a seal). No
/// content-changing mutation of a sealed model zip may load. Counts per file kind are printed (run with
/// <c>--logger "console;verbosity=detailed"</c>).
/// </summary>
public sealed class FileFuzzTests : IClassFixture<FuzzModels>
{
    private static readonly TimeSpan ParserTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan LoadTimeout = TimeSpan.FromSeconds(60);
    private readonly FuzzModels _models;
    private readonly ITestOutputHelper _output;

    public FileFuzzTests(FuzzModels models, ITestOutputHelper output)
    {
        _models = models;
        _output = output;
    }

    [Fact]
    public void Fuzz_Npy_EndsInCleanErrorsOrTheOriginalArray()
    {
        var originals = new[]
        {
            File.ReadAllBytes(NpyFileTests.Fixture("f4.npy")),
            NpyEntry(Fixtures.PathOf("rnn_lstm_l1_uni.npz"), "x.npy"),
        };
        var mutator = new Mutator(20240501);
        var tally = new FuzzTally(".npy");
        string path = Path.Combine(_models.Folder, "fuzz.npy");
        for (int i = 0; i < 3000; i++)
        {
            byte[] original = originals[i % originals.Length];
            var expected = NpyFile.Read(new MemoryStream(original));
            bool header = mutator.Random.Next(4) == 0;
            var (label, bytes) = header ? mutator.NpyHeader(original) : mutator.Bytes(original);
            if (i % 4 == 3)
            {
                // The stream API on a stream that cannot seek: no length to check against, so the array must grow with the data.
                tally.Run(label + " (stream)", () => SameArray(expected, NpyFile.Read(new ForwardOnlyStream(bytes))), "",
                    changeIsDetectable: false, validRewrite: false, Budget(bytes), ParserTimeout);
                continue;
            }

            File.WriteAllBytes(path, bytes);
            tally.Run(label, () => SameArray(expected, NpyFile.Read(path)), path, changeIsDetectable: header, validRewrite: false, Budget(bytes), ParserTimeout);
        }

        Report(tally);
    }

    [Fact]
    public void Fuzz_Npz_EndsInCleanErrorsOrTheOriginalArrays()
    {
        var originals = new[] { File.ReadAllBytes(Fixtures.PathOf("rnn_lstm_l1_uni.npz")), File.ReadAllBytes(NpyFileTests.Fixture("savez_compressed.npz")) };
        var mutator = new Mutator(20240502);
        var tally = new FuzzTally(".npz");
        string path = Path.Combine(_models.Folder, "fuzz.npz");
        for (int i = 0; i < 2000; i++)
        {
            byte[] original = originals[i % originals.Length];
            var expected = NpzFile.Read(new MemoryStream(original));
            var (label, bytes, rewrite) = ZipMutation(mutator, original);
            File.WriteAllBytes(path, bytes);
            tally.Run(label, () => SameArrays(expected, NpzFile.Read(path)), path, changeIsDetectable: !rewrite, validRewrite: rewrite, Budget(bytes), ParserTimeout);
        }

        Report(tally);
    }

    [Fact]
    public void Fuzz_ClassifierGraph_EndsInCleanErrorsOrTheOriginalNetwork()
    {
        FuzzGraph("ONNX classifier graph", _models.ClassifierGraph, 1500, 20240503, bytes =>
        {
            var model = OnnxModel.Parse(bytes);
            ClassifierOnnx.Read(model);
            return model;
        });
    }

    [Fact]
    public void Fuzz_Seq2SeqGraph_EndsInCleanErrorsOrTheOriginalNetwork()
    {
        FuzzGraph("ONNX encoder–decoder graph", _models.Seq2SeqGraph, 1000, 20240504, bytes =>
        {
            var model = OnnxModel.Parse(bytes);
            Seq2SeqDecoder.FromOnnx(model);
            return model;
        });
    }

    [Fact]
    public void Fuzz_SealedModelZip_ThroughModelFile_NoChangedContentLoads()
    {
        var originals = new[] { File.ReadAllBytes(_models.ClassifierZip), File.ReadAllBytes(_models.Seq2SeqZip) };
        var mutator = new Mutator(20240505);
        var tally = new FuzzTally("model zip (ModelFile)");
        string path = Path.Combine(_models.Folder, "fuzz-model.zip");
        for (int i = 0; i < 1500; i++)
        {
            byte[] original = originals[i % originals.Length];
            var (label, bytes, _) = ZipMutation(mutator, original);
            File.WriteAllBytes(path, bytes);
            tally.Run(label, () =>
            {
                var file = ModelFile.Read(path);
                Assert.Equal(ModelIntegrityStatus.Verified, file.Integrity);
                if (file.IsClassifier)
                {
                    file.ReadClassifier();
                }
                else
                {
                    file.ReadSequenceToSequence();
                }

                return ZipMutations.SameContent(original, bytes, ModelIntegrity.SealEntryName);
            }, path, changeIsDetectable: true, validRewrite: false, Budget(bytes), ParserTimeout);
        }

        Report(tally);
    }

    [Fact]
    public void Fuzz_ModelZip_ThroughLoadVerified_NoChangedContentLoadsWhenSealed()
    {
        var sealedZip = File.ReadAllBytes(_models.ClassifierZip);
        var unsealedZip = File.ReadAllBytes(_models.UnsealedZip);
        var mutator = new Mutator(20240506);
        var tally = new FuzzTally("model zip (LoadVerified)");
        string path = Path.Combine(_models.Folder, "fuzz-load.zip");
        var ml = new MLContext(seed: 1);
        for (int i = 0; i < 500; i++)
        {
            bool sealedCase = i % 5 != 4;
            byte[] original = sealedCase ? sealedZip : unsealedZip;
            var (label, bytes, rewrite) = ZipMutation(mutator, original);
            File.WriteAllBytes(path, bytes);
            tally.Run((sealedCase ? "sealed: " : "unsealed: ") + label, () =>
            {
                ml.Model.LoadVerified(path, out _);
                return ZipMutations.SameContent(original, bytes, ModelIntegrity.SealEntryName);
            }, path, changeIsDetectable: sealedCase || !rewrite, validRewrite: rewrite, maxAllocatedBytes: null, LoadTimeout);
        }

        Report(tally);
    }

    [Fact]
    public void Fuzz_Checkpoint_EndsInCleanErrorsOrTheOriginalState()
    {
        byte[] original = File.ReadAllBytes(_models.CheckpointFile);
        int scalars;
        using (var zip = System.IO.Compression.ZipFile.OpenRead(_models.CheckpointFile))
        using (var weights = zip.GetEntry("weights.npy")!.Open())
        {
            scalars = NpyFile.Read(weights).ToSingle().Length;
        }

        string expected = Describe(Checkpoint.Read(_models.CheckpointFile, scalars));
        Assert.Contains("plan", expected, StringComparison.Ordinal);
        var mutator = new Mutator(20240508);
        var tally = new FuzzTally("checkpoint");
        string path = Path.Combine(_models.Folder, "fuzz.ckpt");
        for (int i = 0; i < 1500; i++)
        {
            var (label, bytes, rewrite) = ZipMutation(mutator, original);
            File.WriteAllBytes(path, bytes);

            // Array entries carry a SHA-256 in the manifest and every entry a CRC-32: only a rewrite that edits the manifest
            // itself (a valid zip with a valid CRC, as a person editing the JSON would make) may load other content.
            tally.Run(label, () => Describe(Checkpoint.Read(path, scalars)) == expected, path,
                changeIsDetectable: !rewrite, validRewrite: rewrite, Budget(bytes), ParserTimeout);
        }

        Report(tally);
    }

    [Fact]
    public void Fuzz_GloVe_EndsInCleanErrorsOrTheOriginalVectors()
    {
        string glove = Path.Combine(Sentiment.Repository(), "datasets", "glove", "glove.sentiment.100d.txt");
        byte[] original = Encoding.UTF8.GetBytes(string.Join('\n', File.ReadLines(glove).Take(60)) + "\n");
        string path = Path.Combine(_models.Folder, "fuzz.glove.txt");
        File.WriteAllBytes(path, original);
        var expected = PretrainedEmbeddings.Load(path);
        string[] words = [.. File.ReadLines(path).Select(l => l[..l.IndexOf(' ', StringComparison.Ordinal)])];
        var mutator = new Mutator(20240507);
        var tally = new FuzzTally("GloVe text");
        for (int i = 0; i < 1500; i++)
        {
            var (label, bytes) = mutator.Random.Next(5) < 3 ? mutator.Bytes(original) : TextMutation(mutator.Random, original);
            File.WriteAllBytes(path, bytes);
            tally.Run(label, () => SameVectors(expected, PretrainedEmbeddings.Load(path), words), path,
                changeIsDetectable: false, validRewrite: false, Budget(bytes), ParserTimeout);
        }

        Report(tally);
    }

    private static (string Label, byte[] Bytes, bool Rewrite) ZipMutation(Mutator mutator, byte[] original)
    {
        switch (mutator.Random.Next(10))
        {
            case < 5:
                var (label, bytes) = mutator.Bytes(original);
                return (label, bytes, false);
            case < 7:
                var (raw, edited) = ZipMutations.RawDirectory(original, mutator.Random);
                return (raw, edited, false);
            default:
                var (rewrite, rewritten) = ZipMutations.Rewrite(original, mutator.Random, out bool changes);
                return (rewrite, rewritten, changes);
        }
    }

    private static (string Label, byte[] Bytes) TextMutation(Random random, byte[] original)
    {
        var lines = Encoding.UTF8.GetString(original).Split('\n').ToList();
        int i = random.Next(lines.Count - 1), j = random.Next(lines.Count - 1);
        switch (random.Next(8))
        {
            case 0:
                (lines[i], lines[j]) = (lines[j], lines[i]);
                return ($"swap lines {i} and {j}", Join(lines));
            case 1:
                lines.RemoveAt(i);
                return ($"delete line {i}", Join(lines));
            case 2:
                lines.Insert(j, lines[i]);
                return ($"repeat line {i}", Join(lines));
            case 3:
                string[] bad = ["nan", "inf", "-inf", "1e999", "x", "0,5", "--1", "\0"];
                var fields = lines[i].Split(' ');
                string value = bad[random.Next(bad.Length)];
                fields[1 + random.Next(fields.Length - 1)] = value;
                lines[i] = string.Join(' ', fields);
                return ($"value '{value}' on line {i}", Join(lines));
            case 4:
                lines.Insert(0, random.Next(2) == 0 ? $"{lines.Count - 1} 100" : $"{random.Next(1, 1000)} {random.Next(0, 200)}");
                return ("word2vec header added", Join(lines));
            case 5:
                lines.Insert(i, new string('a', random.Next(2) == 0 ? (1 << 20) + 1 : 5000));
                return ($"very long line at {i}", Join(lines));
            case 6:
                byte[] b = Join(lines);
                int at = random.Next(b.Length);
                byte[] invalid = random.Next(2) == 0 ? [0xC3, 0x28] : [0xFF];
                return ($"invalid UTF-8 at {at}", [.. b[..at], .. invalid, .. b[at..]]);
            default:
                lines[i] = lines[i].Replace(' ', '\t');
                return ($"tabs on line {i}", Join(lines));
        }
    }

    private static byte[] Join(List<string> lines) => Encoding.UTF8.GetBytes(string.Join('\n', lines));

    /// <summary>What a reader may allocate for a file: 32 MiB plus 64 bytes per byte of the file.</summary>
    private static long Budget(byte[] bytes) => (32L << 20) + (64L * bytes.Length);

    private static byte[] NpyEntry(string npz, string entry)
    {
        using var archive = System.IO.Compression.ZipFile.OpenRead(npz);
        using var stream = archive.GetEntry(entry)!.Open();
        var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    /// <summary>A checkpoint's whole content as text: its manifest and a digest of every array.</summary>
    private static string Describe(Checkpoint c)
    {
        static string Digest(float[]? values) => values is null ? "none" : Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())));
        string plan = c.Plan is null ? "none" : string.Join(";", c.Plan.Select(b => string.Join(",", b)));
        return $"{System.Text.Json.JsonSerializer.Serialize(c.State)} weights {Digest(c.Weights)} m {Digest(c.AdamFirst)} v {Digest(c.AdamSecond)} best {Digest(c.BestWeights)} plan {plan}";
    }

    private static bool SameArray(NpyArray a, NpyArray b)
    {
        if (a.DataType != b.DataType || !a.Shape.SequenceEqual(b.Shape))
        {
            return false;
        }

        var x = new MemoryStream();
        var y = new MemoryStream();
        NpyFile.Write(x, a);
        NpyFile.Write(y, b);
        return x.ToArray().AsSpan().SequenceEqual(y.ToArray());
    }

    private static bool SameArrays(IReadOnlyDictionary<string, NpyArray> a, IReadOnlyDictionary<string, NpyArray> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var other) && SameArray(kv.Value, other));

    private static bool SameVectors(PretrainedEmbeddings a, PretrainedEmbeddings b, string[] words) =>
        a.Count == b.Count && a.Dimension == b.Dimension
        && words.All(w => b.TryGetVector(w, out var v) && a.TryGetVector(w, out var u) && u.Span.SequenceEqual(v.Span));

    private void FuzzGraph(string kind, byte[] original, int count, int seed, Func<byte[], OnnxModel> read)
    {
        byte[] canonical = OnnxModel.Parse(original).ToBytes();
        var lengths = ProtobufLengths.Find(original);
        Assert.True(lengths.Count > 50, $"found only {lengths.Count} protobuf lengths");
        var mutator = new Mutator(seed);
        var tally = new FuzzTally(kind);
        for (int i = 0; i < count; i++)
        {
            var (label, bytes) = mutator.Random.Next(10) < 7 ? mutator.Bytes(original) : mutator.ProtobufLength(original, lengths);
            tally.Run(label, () => read(bytes).ToBytes().AsSpan().SequenceEqual(canonical), "", changeIsDetectable: false, validRewrite: false, Budget(bytes), ParserTimeout);
        }

        Report(tally);
    }

    private void Report(FuzzTally tally)
    {
        _output.WriteLine(tally.Summary());
        foreach (string failure in tally.FailureSamples)
        {
            _output.WriteLine("  " + failure);
        }

        Assert.True(tally.Failures == 0, $"{tally.Summary()}{Environment.NewLine}{string.Join(Environment.NewLine, tally.FailureSamples)}");
    }

    /// <summary>A stream that cannot seek or tell its length, as a network or zip stream.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }
    }
}
