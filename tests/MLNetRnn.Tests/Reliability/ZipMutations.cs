using System.Buffers.Binary;
using System.IO.Compression;

namespace MLNetRnn.Tests.Reliability;

/// <summary>
/// Zip-level mutations of a real archive: entries swapped, renamed (to a traversal path, a duplicate, another folder…),
/// duplicated, deleted, added, reordered, or their content changed, written again with <see cref="ZipArchive"/>; and raw
/// edits of the central directory and end record (declared sizes made huge, CRC, offsets, counts).
/// </summary>
internal static class ZipMutations
{
    /// <summary>The entries of a zip: name and content, in order, and the archive comment.</summary>
    public static (List<(string Name, byte[] Bytes)> Entries, string Comment) Entries(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        var entries = new List<(string, byte[])>();
        foreach (var entry in archive.Entries)
        {
            using var stream = entry.Open();
            var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            entries.Add((entry.FullName, buffer.ToArray()));
        }

        return (entries, archive.Comment);
    }

    /// <summary>Whether two zips hold the same entries (name to content), whatever their order; entries named <paramref name="ignore"/> are left out.</summary>
    public static bool SameContent(byte[] a, byte[] b, string? ignore = null)
    {
        try
        {
            var x = Entries(a).Entries.Where(e => e.Name != ignore).OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
            var y = Entries(b).Entries.Where(e => e.Name != ignore).OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
            return x.Count == y.Count && x.Zip(y).All(p => p.First.Name == p.Second.Name && p.First.Bytes.AsSpan().SequenceEqual(p.Second.Bytes));
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    /// <summary>One entry-level rewrite. <paramref name="changesContent"/> says whether a name or content of the set changed.</summary>
    public static (string Label, byte[] Bytes) Rewrite(byte[] zip, Random random, out bool changesContent)
    {
        var (entries, comment) = Entries(zip);
        int i = random.Next(entries.Count), j = random.Next(entries.Count);
        string label;
        changesContent = true;
        switch (random.Next(9))
        {
            case 0:
                (entries[i], entries[j]) = ((entries[i].Name, entries[j].Bytes), (entries[j].Name, entries[i].Bytes));
                label = $"swap contents of '{entries[i].Name}' and '{entries[j].Name}'";
                changesContent = i != j && !entries[i].Bytes.AsSpan().SequenceEqual(entries[j].Bytes);
                break;
            case 1:
                string[] names = ["../" + entries[i].Name, "/" + entries[i].Name, "C:/" + entries[i].Name, "..\\..\\evil", entries[i].Name.Replace('/', '\\'),
                    entries[j].Name, entries[i].Name + "x", "MLNetRnn/" + Path.GetFileName(entries[i].Name), "other/" + entries[i].Name];
                string to = names[random.Next(names.Length)];
                label = $"rename '{entries[i].Name}' to '{to}'";
                changesContent = to != entries[i].Name;
                entries[i] = (to, entries[i].Bytes);
                break;
            case 2:
                entries.Insert(j, entries[i]);
                label = $"duplicate '{entries[i].Name}'";
                break;
            case 3:
                label = $"delete '{entries[i].Name}'";
                entries.RemoveAt(i);
                break;
            case 4:
                var extra = new byte[random.Next(0, 64)];
                random.NextBytes(extra);
                string name = random.Next(2) == 0 ? "extra.bin" : entries[i].Name[..(entries[i].Name.LastIndexOf('/') + 1)] + "Extra";
                entries.Insert(j, (name, extra));
                label = $"add '{name}'";
                break;
            case 5:
                var shuffled = entries.OrderBy(_ => random.Next()).ToList();
                entries.Clear();
                entries.AddRange(shuffled);
                label = "reorder entries";
                changesContent = false;
                break;
            case 6:
                comment = random.Next(2) == 0 ? string.Empty : "edited comment";
                label = "change the archive comment";
                changesContent = false;
                break;
            default:
                var bytes = (byte[])entries[i].Bytes.Clone();
                if (bytes.Length == 0)
                {
                    bytes = [1];
                }
                else
                {
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                }

                entries[i] = (entries[i].Name, bytes);
                label = $"change one bit of '{entries[i].Name}' (valid CRC)";
                break;
        }

        return (label, Write(entries, comment));
    }

    /// <summary>A raw edit of a central directory header or of the end record.</summary>
    public static (string Label, byte[] Bytes) RawDirectory(byte[] zip, Random random)
    {
        byte[] b = (byte[])zip.Clone();
        var headers = Signatures(b, 0x02014b50);
        int end = Signatures(b, 0x06054b50).Last();
        if (random.Next(5) == 0)
        {
            (int field, int width, string what) = random.Next(3) switch { 0 => (10, 2, "entry count"), 1 => (12, 4, "directory size"), _ => (16, 4, "directory offset") };
            Set(b, end + field, width, random);
            return ($"end record {what} edited", b);
        }

        int h = headers[random.Next(headers.Count)];
        (int offset, int size, string name) = random.Next(6) switch
        {
            0 => (24, 4, "declared uncompressed size"),
            1 => (20, 4, "compressed size"),
            2 => (16, 4, "CRC"),
            3 => (42, 4, "local header offset"),
            4 => (28, 2, "name length"),
            _ => (10, 2, "compression method"),
        };
        Set(b, h + offset, size, random);
        return ($"central directory {name} at {h} edited", b);
    }

    public static byte[] Write(IEnumerable<(string Name, byte[] Bytes)> entries, string comment)
    {
        var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            if (!string.IsNullOrEmpty(comment))
            {
                archive.Comment = comment;
            }

            foreach (var (name, bytes) in entries)
            {
                using var stream = archive.CreateEntry(name, CompressionLevel.Optimal).Open();
                stream.Write(bytes);
            }
        }

        return buffer.ToArray();
    }

    private static void Set(byte[] b, int at, int width, Random random)
    {
        uint value = random.Next(4) switch
        {
            0 => width == 2 ? 0xFFFFu : 0xFFFFFFFFu,
            1 => width == 2 ? 0x7FFFu : 0x7FFFFFF0u,
            2 => (uint)random.Next(0, 1 << 16),
            _ => (width == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(at)) : BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(at))) + (uint)random.Next(1, 100),
        };
        if (width == 2)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(at), (ushort)value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(at), value);
        }
    }

    private static List<int> Signatures(byte[] b, uint signature)
    {
        var found = new List<int>();
        for (int i = 0; i + 4 <= b.Length; i++)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(i)) == signature)
            {
                found.Add(i);
            }
        }

        return found;
    }
}
