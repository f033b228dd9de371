using System.Buffers.Binary;
using System.Text;

namespace MLNetRnn.Tests.Reliability;

/// <summary>
/// Seeded byte-level mutations of a real file: truncation, bit flips, overwritten / inserted / deleted / repeated byte
/// runs. Offsets favour the first 256 and last 1,024 bytes, where headers and zip directories are.
/// </summary>
internal sealed class Mutator
{
    public Mutator(int seed) => Random = new Random(seed);

    public Random Random { get; }

    /// <summary>One random byte-level mutation; the label says which.</summary>
    public (string Label, byte[] Bytes) Bytes(byte[] original)
    {
        byte[] b = (byte[])original.Clone();
        int at = Offset(b.Length);
        switch (Random.Next(7))
        {
            case 0:
                return ($"truncate at {at}", b[..at]);
            case 1:
            case 2:
                int flips = Random.Next(1, 4);
                var where = new List<int>();
                for (int i = 0; i < flips; i++)
                {
                    int o = i == 0 ? at : Offset(b.Length);
                    int bit = Random.Next(8);
                    b[o] ^= (byte)(1 << bit);
                    where.Add(o);
                }

                return ($"flip bits at {string.Join(",", where)}", b);
            case 3:
                int length = Math.Min(Random.Next(1, 17), b.Length - at);
                byte fill = (byte)(Random.Next(3) switch { 0 => 0x00, 1 => 0xFF, _ => Random.Next(256) });
                bool random = Random.Next(2) == 0;
                for (int i = 0; i < length; i++)
                {
                    b[at + i] = random ? (byte)Random.Next(256) : fill;
                }

                return ($"overwrite {length} bytes at {at}", b);
            case 4:
                var inserted = new byte[Random.Next(1, 9)];
                Random.NextBytes(inserted);
                return ($"insert {inserted.Length} bytes at {at}", [.. b[..at], .. inserted, .. b[at..]]);
            case 5:
                int cut = Math.Min(Random.Next(1, 33), b.Length - at);
                return ($"delete {cut} bytes at {at}", [.. b[..at], .. b[(at + cut)..]]);
            default:
                int run = Math.Min(Random.Next(1, 65), b.Length - at);
                return ($"repeat {run} bytes at {at}", [.. b[..(at + run)], .. b[at..]]);
        }
    }

    /// <summary>Sets the length varint at (offset, width) of a protobuf to a huge value, or to one past what remains.</summary>
    public (string Label, byte[] Bytes) ProtobufLength(byte[] original, IReadOnlyList<(int Offset, int Width)> lengths)
    {
        byte[] b = (byte[])original.Clone();
        var (offset, width) = lengths[Random.Next(lengths.Count)];
        if (Random.Next(2) == 0)
        {
            for (int i = 0; i < width - 1; i++)
            {
                b[offset + i] = 0xFF;
            }

            b[offset + width - 1] = 0x7F;
            return ($"protobuf length at {offset} set to 2^{7 * width} - 1", b);
        }

        // Keep the width: add 1..127 to the low 7 bits (mod 128) with the continuation bit kept.
        byte low = b[offset];
        b[offset] = (byte)((low & 0x80) | ((low + Random.Next(1, 128)) & 0x7F));
        return ($"protobuf length at {offset} changed", b);
    }

    /// <summary>An edit of a .npy header's dict (shape, dtype, order, nesting) or of its length field; the data is kept.</summary>
    public (string Label, byte[] Bytes) NpyHeader(byte[] original)
    {
        int major = original[6];
        int prefix = major == 1 ? 10 : 12;
        int length = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(original.AsSpan(8)) : (int)BinaryPrimitives.ReadUInt32LittleEndian(original.AsSpan(8));
        string header = Encoding.Latin1.GetString(original, prefix, length);
        byte[] data = original[(prefix + length)..];
        int open = header.IndexOf("'shape': (", StringComparison.Ordinal) + 10;
        int close = header.IndexOf(')', open);
        string shape = header[open..close];
        string[] dims = shape.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        (string label, string edited) = Random.Next(10) switch
        {
            0 => ("shape enlarged ×2", Replace(header, open, close, string.Join(", ", dims.Select(d => (long.Parse(d) * 2).ToString())) + (dims.Length == 1 ? "," : ""))),
            1 => ("first dimension + 1", Replace(header, open, close, string.Join(", ", dims.Select((d, i) => i == 0 ? (long.Parse(d) + 1).ToString() : d)) + (dims.Length == 1 ? "," : ""))),
            2 => ("shape (2147483647,)", Replace(header, open, close, "2147483647,")),
            3 => ("shape (1073741824, 1073741824)", Replace(header, open, close, "1073741824, 1073741824")),
            4 => ("shape 2^62", Replace(header, open, close, "4611686018427387904,")),
            5 => ("shape smaller", Replace(header, open, close, "1,")),
            6 => ("deep nesting", Replace(header, open, close, new string('(', 5000) + new string(')', 5000))),
            7 => ("dtype <f8", header.Replace("'<f4'", "'<f8'").Replace("'<i8'", "'<f4'")),
            8 => ("fortran order", header.Replace("False", "True")),
            _ => ("negative dimension", Replace(header, open, close, "-3,")),
        };
        if (Random.Next(6) == 0)
        {
            // The length field lies instead (the dict is kept).
            byte[] b = (byte[])original.Clone();
            uint lie = (uint)(Random.Next(2) == 0 ? 0xFFFF : Random.Next(0, length + 64));
            if (major == 1)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(8), (ushort)lie);
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(8), lie);
            }

            return ($"header length field {lie}", b);
        }

        // Rebuild the header padded to a multiple of 64 like NumPy, version 1.0 (2.0 if it no longer fits).
        string dict = edited.TrimEnd(' ', '\n');
        bool v1 = dict.Length + 1 + 10 <= ushort.MaxValue;
        int p = v1 ? 10 : 12;
        int total = (p + dict.Length + 1 + 63) / 64 * 64;
        byte[] result = new byte[total + data.Length];
        original.AsSpan(0, 6).CopyTo(result);
        result[6] = v1 ? (byte)1 : (byte)2;
        if (v1)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(result.AsSpan(8), (ushort)(total - p));
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(8), (uint)(total - p));
        }

        Encoding.Latin1.GetBytes(dict).CopyTo(result, p);
        result.AsSpan(p + dict.Length, total - p - dict.Length).Fill((byte)' ');
        result[total - 1] = (byte)'\n';
        data.CopyTo(result, total);
        return (label, result);
    }

    private static string Replace(string text, int start, int end, string with) => text[..start] + with + text[end..];

    private int Offset(int length)
    {
        if (length <= 1)
        {
            return 0;
        }

        return Random.Next(3) switch
        {
            0 => Random.Next(Math.Min(256, length)),
            1 => length - 1 - Random.Next(Math.Min(1024, length)),
            _ => Random.Next(length),
        };
    }
}
