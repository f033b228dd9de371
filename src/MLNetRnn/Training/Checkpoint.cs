using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using MLNetRnn.Files;
using MLNetRnn.Tensors;

namespace MLNetRnn.Training;

// S = the store's scalar count, N = rows in the epoch's batch plan.

/// <summary>
/// Everything <see cref="EpochLoop"/> needs to continue a run exactly where it stopped, and its file format: a zip with
/// <c>checkpoint.json</c> (format, task, fingerprints of the settings and the data, position, optimizer and
/// early-stopping state, random generator states, history, and the SHA-256 and size of every other entry) and
/// <c>.npy</c> entries: <c>weights</c> (S), <c>adam_m</c> (S), <c>adam_v</c> (S), <c>best</c> (S, when kept),
/// <c>plan_rows</c> (N) and <c>plan_sizes</c> (batches) for a checkpoint taken inside an epoch. Entries carry a fixed
/// timestamp; only the timings in the manifest differ between two runs that reach the same state.
/// </summary>
internal sealed class Checkpoint
{
    internal const string Format = "mlnetrnn-checkpoint";
    internal const int FormatVersion = 1;
    private const string ManifestEntry = "checkpoint.json";
    private const string CheckedKey = "MLNetRnn.Checkpoint";
    private const long ManifestCap = 64L << 20;
    private static readonly DateTimeOffset Timestamp = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] ArrayEntries = ["weights.npy", "adam_m.npy", "adam_v.npy", "best.npy", "plan_rows.npy", "plan_sizes.npy"];

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = true,
    };

    public required Manifest State { get; init; }

    public required float[] Weights { get; init; }

    public required float[] AdamFirst { get; init; }

    public required float[] AdamSecond { get; init; }

    public float[]? BestWeights { get; init; }

    /// <summary>Gets the current epoch's batches (row indices), or null at an epoch boundary.</summary>
    public int[][]? Plan { get; init; }

    /// <summary>Writes the checkpoint to <paramref name="path"/> through a temporary file and a rename.</summary>
    public void Save(string path) => NpyFile.WriteFileAtomically(path, Write);

    /// <summary>
    /// Reads and verifies a checkpoint of a store of <paramref name="scalars"/> values: the format, every entry's SHA-256
    /// and size, and array shapes. Fingerprints are checked by the caller, who knows the run.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a checkpoint, is damaged, or belongs to a network of another size.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="identify"/> refused the checkpoint.</exception>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="scalars">The size of the store it must fit.</param>
    /// <param name="identify">Checks the manifest's task, settings and data digest first, so a checkpoint of another run is
    /// refused for that reason rather than for its size.</param>
    public static Checkpoint Read(string path, int scalars, Action<Manifest>? identify = null)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Checkpoint '{System.IO.Path.GetFullPath(path)}' does not exist; check the path, or start without resuming.", path);
        }

        try
        {
            using var zip = UntrustedZip.Open(path, "checkpoint"); // names, sizes, overlaps and CRC-32 checked before anything is read
            var entries = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
            foreach (var entry in zip.Entries)
            {
                if (entry.FullName != ManifestEntry && !ArrayEntries.Contains(entry.FullName))
                {
                    throw Damaged(path, $"it has an unexpected entry '{entry.FullName}'");
                }

                if (!entries.TryAdd(entry.FullName, entry))
                {
                    throw Damaged(path, $"entry '{entry.FullName}' appears twice");
                }
            }

            if (!entries.TryGetValue(ManifestEntry, out var manifestEntry))
            {
                throw Damaged(path, $"it has no '{ManifestEntry}' (is it a checkpoint?)");
            }

            var manifest = JsonSerializer.Deserialize<Manifest>(zip.ReadAllBytes(manifestEntry, ManifestCap), Json)
                ?? throw Damaged(path, $"'{ManifestEntry}' is empty");
            if (manifest.Format != Format || manifest.Version != FormatVersion)
            {
                throw Damaged(path, $"its format is '{manifest.Format}' version {manifest.Version}, this library reads '{Format}' version {FormatVersion}");
            }

            identify?.Invoke(manifest);
            manifest.Check(path, scalars);
            var digests = manifest.Entries ?? [];
            foreach (string name in entries.Keys.Where(n => n != ManifestEntry).Concat(digests.Keys).Distinct())
            {
                if (!entries.ContainsKey(name) || !digests.ContainsKey(name))
                {
                    throw Damaged(path, $"entry '{name}' is {(entries.ContainsKey(name) ? "not listed in the manifest" : "listed in the manifest but missing")}");
                }
            }

            byte[] Array(string name)
            {
                var digest = digests[name];
                if (digest.Size < 0 || digest.Size > (16L * scalars) + (1L << 20))
                {
                    throw Damaged(path, $"entry '{name}' claims {digest.Size} bytes, more than a checkpoint of {scalars} weights holds");
                }

                byte[] bytes = zip.ReadAllBytes(entries[name], digest.Size);
                if (bytes.Length != digest.Size || !Convert.ToHexStringLower(SHA256.HashData(bytes)).Equals(digest.Sha256, StringComparison.Ordinal))
                {
                    throw Damaged(path, $"entry '{name}' does not match its SHA-256 in the manifest");
                }

                return bytes;
            }

            float[] Floats(string name)
            {
                var array = NpyFile.Read(new MemoryStream(Array(name)));
                float[] values = array.ToSingle();
                if (values.Length != scalars)
                {
                    throw Checked(new InvalidDataException($"Checkpoint '{path}' holds {values.Length} values in '{name}' but the network has {scalars}; it was written for another architecture or vocabulary."));
                }

                return values;
            }

            int[][]? plan = null;
            if (entries.ContainsKey("plan_rows.npy"))
            {
                int[] rows = NpyFile.Read(new MemoryStream(Array("plan_rows.npy"))).ToInt32();
                int[] sizes = NpyFile.Read(new MemoryStream(Array("plan_sizes.npy"))).ToInt32();
                if (sizes.Any(s => s <= 0) || sizes.Sum(s => (long)s) != rows.Length)
                {
                    throw Damaged(path, "its batch plan does not add up");
                }

                plan = new int[sizes.Length][];
                int offset = 0;
                for (int b = 0; b < sizes.Length; b++)
                {
                    plan[b] = rows[offset..(offset + sizes[b])];
                    offset += sizes[b];
                }
            }

            return new Checkpoint
            {
                State = manifest,
                Weights = Floats("weights.npy"),
                AdamFirst = Floats("adam_m.npy"),
                AdamSecond = Floats("adam_v.npy"),
                BestWeights = entries.ContainsKey("best.npy") ? Floats("best.npy") : null,
                Plan = plan,
            };
        }
        catch (InvalidDataException e) when (e.Data.Contains(CheckedKey))
        {
            throw;
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or EndOfStreamException or FormatException or OverflowException
            or ArgumentException or NotSupportedException)
        {
            throw Checked(new InvalidDataException(
                $"Checkpoint '{path}' cannot be read ({e.Message.TrimEnd('.')}); it is damaged or not a checkpoint. Use another checkpoint or start without resuming.", e));
        }
    }

    private void Write(Stream stream)
    {
        var digests = new SortedDictionary<string, EntryDigest>(StringComparer.Ordinal);
        var arrays = new List<(string Name, byte[] Bytes)>
        {
            ("weights.npy", Npy(NpyArray.FromSingle(Weights, Weights.Length))),
            ("adam_m.npy", Npy(NpyArray.FromSingle(AdamFirst, AdamFirst.Length))),
            ("adam_v.npy", Npy(NpyArray.FromSingle(AdamSecond, AdamSecond.Length))),
        };
        if (BestWeights is not null)
        {
            arrays.Add(("best.npy", Npy(NpyArray.FromSingle(BestWeights, BestWeights.Length))));
        }

        if (Plan is not null)
        {
            int[] rows = [.. Plan.SelectMany(b => b)];
            int[] sizes = [.. Plan.Select(b => b.Length)];
            arrays.Add(("plan_rows.npy", Npy(NpyArray.FromInt32(rows, rows.Length))));
            arrays.Add(("plan_sizes.npy", Npy(NpyArray.FromInt32(sizes, sizes.Length))));
        }

        foreach (var (name, bytes) in arrays)
        {
            digests[name] = new EntryDigest(Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes.Length);
        }

        byte[] manifest = JsonSerializer.SerializeToUtf8Bytes(State with { Entries = new Dictionary<string, EntryDigest>(digests) }, Json);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        Add(zip, ManifestEntry, manifest, CompressionLevel.Optimal);
        foreach (var (name, bytes) in arrays)
        {
            Add(zip, name, bytes, CompressionLevel.NoCompression);
        }
    }

    private static void Add(ZipArchive zip, string name, byte[] bytes, CompressionLevel level)
    {
        var entry = zip.CreateEntry(name, level);
        entry.LastWriteTime = Timestamp;
        using var s = entry.Open();
        s.Write(bytes);
    }

    private static byte[] Npy(NpyArray array)
    {
        using var buffer = new MemoryStream();
        NpyFile.Write(buffer, array);
        return buffer.ToArray();
    }

    private static InvalidDataException Damaged(string path, string what) =>
        Checked(new($"Checkpoint '{path}' is damaged or not a checkpoint: {what}. Use another checkpoint or start without resuming."));

    /// <summary>Marks an exception whose message already says what is wrong and what to do, so it is not wrapped again.</summary>
    private static InvalidDataException Checked(InvalidDataException e)
    {
        e.Data[CheckedKey] = true;
        return e;
    }

    /// <summary>The SHA-256 (lower-case hex) and byte size of one entry.</summary>
    internal sealed record EntryDigest(string Sha256, long Size);

    /// <summary>One finished epoch's report, as stored.</summary>
    internal sealed record HistoryItem(int Epoch, int Epochs, double TrainingLoss, double? ValidationLoss, double? ValidationAccuracy,
        double TokensPerSecond, double ElapsedSeconds, bool IsBest)
    {
        public static HistoryItem Of(TrainingProgress p) => new(p.Epoch, p.Epochs, p.TrainingLoss, p.ValidationLoss, p.ValidationAccuracy,
            p.TokensPerSecond, p.Elapsed.TotalSeconds, p.IsBest);

        public TrainingProgress ToProgress() => new(Epoch, Epochs, TrainingLoss, ValidationLoss, ValidationAccuracy, TokensPerSecond,
            TimeSpan.FromSeconds(ElapsedSeconds), IsBest);
    }

    /// <summary>The JSON part: where the run is, and everything that is not a large array.</summary>
    internal sealed record Manifest
    {
        public string Format { get; init; } = Checkpoint.Format;

        public int Version { get; init; } = FormatVersion;

        public required string Task { get; init; }

        /// <summary>The settings that shape the result, as text, so a mismatch can be named.</summary>
        public required string Settings { get; init; }

        /// <summary>SHA-256 of the training (and validation) rows the run reads.</summary>
        public required string DataSha256 { get; init; }

        public required int Scalars { get; init; }

        /// <summary>The epoch to run next (or the one in progress), from 1.</summary>
        public required int Epoch { get; init; }

        /// <summary>Batches of <see cref="Epoch"/> already done: 0 at an epoch boundary.</summary>
        public required int Step { get; init; }

        public required bool Finished { get; init; }

        public required long OptimizerSteps { get; init; }

        public required float LearningRate { get; init; }

        public required int SkippedBatches { get; init; }

        public required double EpochLossSum { get; init; }

        public required long EpochUnits { get; init; }

        public required long Tokens { get; init; }

        public required double TrainingSeconds { get; init; }

        public required double ElapsedSeconds { get; init; }

        public double? BestLoss { get; init; }

        public int BestEpoch { get; init; }

        public bool ShouldStop { get; init; }

        /// <summary>Each random stream's xoshiro256** state as four hex words, in the trainer's fixed order.</summary>
        public required string[][] Randoms { get; init; }

        public required HistoryItem[] History { get; init; }

        public Dictionary<string, EntryDigest>? Entries { get; init; }

        public static string[] Words((ulong, ulong, ulong, ulong) s) =>
            [.. new[] { s.Item1, s.Item2, s.Item3, s.Item4 }.Select(w => w.ToString("x16", CultureInfo.InvariantCulture))];

        public static (ulong, ulong, ulong, ulong) State(string[] words)
        {
            var w = words.Select(x => ulong.Parse(x, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture)).ToArray();
            return (w[0], w[1], w[2], w[3]);
        }

        /// <summary>Checks the fields a damaged or foreign manifest could get wrong before anything is allocated from them.</summary>
        public void Check(string path, int scalars)
        {
            if (Scalars != scalars)
            {
                throw Checked(new InvalidDataException($"Checkpoint '{path}' is for a network of {Scalars} weights but this one has {scalars}; it was written for another architecture or vocabulary. Resume with the settings and data it was written with."));
            }

            if (Epoch < 1 || Step < 0 || OptimizerSteps < 0 || SkippedBatches < 0 || EpochUnits < 0 || Tokens < 0
                || !(LearningRate > 0f && float.IsFinite(LearningRate)) || Randoms is null || History is null
                || Randoms.Any(r => r is null || r.Length != 4 || r.Any(x => x is null || x.Length != 16 || !ulong.TryParse(x, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out _))))
            {
                throw Damaged(path, "its manifest has values out of range");
            }
        }
    }
}
