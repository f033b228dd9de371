using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;

namespace MLNetRnn.Files;

/// <summary>
/// Writes and checks the seal of a model .zip (layout in <see cref="ModelIntegrity"/>): the deterministic rewrite of the zip
/// ML.NET saved, with a fixed timestamp and the same entry order and content (the data blocks of binary data views put in
/// one order by <see cref="IdvBlockOrder"/>), plus <see cref="EntryName"/>.
/// </summary>
internal static class ModelSeal
{
    public const string EntryName = "MLNetRnn/integrity.json";

    /// <summary>Our folder in the zip: nothing but the seal may be in it.</summary>
    public const string Folder = "MLNetRnn/";

    /// <summary>The zip comment of a sealed model, so a removed or renamed seal entry is noticed.</summary>
    public const string Marker = "MLNetRnn sealed model: MLNetRnn/integrity.json holds the SHA-256 and size of every other entry.";

    private const string Format = "mlnetrnn.integrity";
    private const int Version = 1;
    private const string Algorithm = "SHA-256";

    /// <summary>The timestamp of every entry (the earliest a zip can store), so equal models give equal bytes.</summary>
    private static readonly DateTimeOffset Timestamp = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Rewrites the zip ML.NET saved (<paramref name="saved"/>) to <paramref name="destination"/>, sealed.</summary>
    /// <exception cref="InvalidOperationException">ML.NET's zip already has an entry in <see cref="Folder"/>, or breaks a rule the reader enforces.</exception>
    public static void Write(Stream saved, Stream destination)
    {
        var listed = new List<(string Name, long Size, string Sha256)>();
        try
        {
            using var source = UntrustedZip.Open(saved, "The zip ML.NET saved");
            using var target = new ZipArchive(destination, ZipArchiveMode.Create, leaveOpen: true) { Comment = Marker };
            foreach (var entry in source.Entries)
            {
                if (entry.FullName.StartsWith(Folder, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"The zip ML.NET saved already has an entry '{entry.FullName}' in MLNetRnn's folder '{Folder}'.");
                }

                byte[] bytes = source.ReadAllBytes(entry);
                if (entry.FullName.EndsWith(".idv", StringComparison.OrdinalIgnoreCase))
                {
                    bytes = IdvBlockOrder.Canonical(bytes); // ML.NET's binary saver writes blocks in the order its threads finish
                }

                Add(target, entry.FullName, bytes);
                listed.Add((entry.FullName, bytes.LongLength, Convert.ToHexStringLower(SHA256.HashData(bytes))));
            }

            Add(target, EntryName, Serialize(listed));
        }
        catch (InvalidDataException e)
        {
            throw new InvalidOperationException($"ML.NET saved a zip MLNetRnn cannot seal: {e.Message}", e);
        }
    }

    /// <summary>Checks every entry of <paramref name="zip"/> and, when it is sealed, the seal.</summary>
    /// <exception cref="InvalidDataException">An entry is damaged, or the zip is sealed and does not match its seal; the message names the entry.</exception>
    public static ModelIntegrityStatus Verify(UntrustedZip zip)
    {
        ZipArchiveEntry? seal = null;
        var actual = new Dictionary<string, (long Size, string Sha256)>(StringComparer.Ordinal);
        foreach (var entry in zip.Entries)
        {
            if (entry.FullName == EntryName)
            {
                seal = entry;
                continue;
            }

            if (entry.FullName.Replace('\\', '/').StartsWith(Folder, StringComparison.Ordinal))
            {
                throw new InvalidDataException($"{zip.Where(entry)} is not a component this version of MLNetRnn writes (its folder '{Folder}' holds only '{EntryName}'); the model was changed, or needs a newer MLNetRnn.");
            }

            actual[entry.FullName] = Hash(zip, entry);
        }

        if (seal is null)
        {
            return zip.Comment == Marker
                ? throw new InvalidDataException($"{zip.Source} says it is a sealed MLNetRnn model (zip comment) but has no seal entry '{EntryName}': the seal was removed or renamed. Save the model again, or get a fresh copy.")
                : ModelIntegrityStatus.Unsealed;
        }

        var expected = ReadSeal(zip, seal);
        foreach (var (name, size, sha256) in expected)
        {
            if (!actual.Remove(name, out var found))
            {
                throw new InvalidDataException($"{zip.Source}: entry '{name}', listed in the seal, is missing; the model was changed after it was saved. Save it again, or get a fresh copy.");
            }

            if (found.Size != size || found.Sha256 != sha256)
            {
                throw new InvalidDataException($"{zip.Source}: entry '{name}' was changed after the model was saved (the seal records {size} bytes with SHA-256 {sha256[..12]}…, the file has {found.Size} bytes with {found.Sha256[..12]}…). Save the model again, or get a fresh copy.");
            }
        }

        if (actual.Count > 0)
        {
            throw new InvalidDataException($"{zip.Source}: entry '{actual.Keys.First()}' is not in the seal; it was added after the model was saved. Save the model again, or get a fresh copy.");
        }

        return ModelIntegrityStatus.Verified;
    }

    private static (long Size, string Sha256) Hash(UntrustedZip zip, ZipArchiveEntry entry)
    {
        using var stream = zip.OpenEntry(entry);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        long size = 0;
        int got;
        while ((got = stream.Read(buffer)) > 0)
        {
            sha.AppendData(buffer, 0, got);
            size += got;
        }

        return (size, Convert.ToHexStringLower(sha.GetHashAndReset()));
    }

    /// <summary>Parses the seal, which must be exactly what <see cref="Serialize"/> writes for the entries it lists.</summary>
    private static List<(string Name, long Size, string Sha256)> ReadSeal(UntrustedZip zip, ZipArchiveEntry seal)
    {
        byte[] bytes = zip.ReadAllBytes(seal, FileLimits.MaxSealBytes);
        var listed = new List<(string, long, string)>();
        try
        {
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            string? format = root.GetProperty("format").GetString();
            int version = root.GetProperty("version").GetInt32();
            if (format != Format || version != Version || root.GetProperty("algorithm").GetString() != Algorithm)
            {
                throw new InvalidDataException($"{zip.Where(seal)} is a seal of format '{OnnxShown(format)}' version {version}, which this version of MLNetRnn does not know (it reads '{Format}' version {Version}); update MLNetRnn or get a fresh copy.");
            }

            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in root.GetProperty("entries").EnumerateArray())
            {
                string name = item.GetProperty("name").GetString() ?? "";
                if (!names.Add(name))
                {
                    throw new InvalidDataException($"{zip.Where(seal)} lists entry '{OnnxShown(name)}' twice; the seal is damaged.");
                }

                string sha256 = item.GetProperty("sha256").GetString() ?? "";
                if (sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigitLower))
                {
                    throw new InvalidDataException($"{zip.Where(seal)} gives entry '{OnnxShown(name)}' the SHA-256 '{OnnxShown(sha256)}', not 64 lower-case hex digits; the seal is damaged.");
                }

                listed.Add((name, item.GetProperty("size").GetInt64(), sha256));
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new InvalidDataException($"{zip.Where(seal)} is not a valid seal ({e.Message}); the model is damaged. Save it again, or get a fresh copy.", e);
        }

        if (!Serialize(listed).AsSpan().SequenceEqual(bytes))
        {
            throw new InvalidDataException($"{zip.Where(seal)} is not the seal MLNetRnn writes for the entries it lists (edited or damaged). Save the model again, or get a fresh copy.");
        }

        return listed;
    }

    private static string OnnxShown(string? text) => Onnx.OnnxTensor.Shown(text ?? "");

    /// <summary>The seal: compact JSON, properties in a fixed order (the checker compares bytes).</summary>
    private static byte[] Serialize(List<(string Name, long Size, string Sha256)> entries)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("format", Format);
            json.WriteNumber("version", Version);
            json.WriteString("algorithm", Algorithm);
            json.WriteStartArray("entries");
            foreach (var (name, size, sha256) in entries)
            {
                json.WriteStartObject();
                json.WriteString("name", name);
                json.WriteNumber("size", size);
                json.WriteString("sha256", sha256);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void Add(ZipArchive target, string name, byte[] bytes)
    {
        var entry = target.CreateEntry(name, CompressionLevel.Optimal);
        entry.LastWriteTime = Timestamp;
        using var stream = entry.Open();
        stream.Write(bytes);
    }
}
