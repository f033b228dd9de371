using System.Buffers.Binary;
using System.Text;

namespace MLNetRnn.Files;

/// <summary>
/// Puts the data blocks of an ML.NET binary data view (<c>.idv</c>, as ML.NET writes the value maps inside a model zip) in
/// one fixed order, so that saving the same model twice gives the same bytes.
/// </summary>
/// <remarks>
/// <para>Why: ML.NET's <c>BinarySaver</c> compresses each column's blocks on its own thread and writes every block as soon as
/// it is ready, so two saves of the same data can store the same blocks in another order (the per-column lookup tables
/// record where each block went). The content a reader gets is the same; the bytes are not.</para>
/// <para>What: the file's layout (ML.NET's <c>docs/code/IdvFileFormat.md</c>, version 1.1.1.4 and later) is a 256-byte
/// header, the data blocks, then lookup tables, metadata and the table of contents. The blocks are rewritten in the order
/// (block index, column index), each lookup table entry gets its block's new offset, and every other byte stays. Only a
/// file whose blocks exactly tile one region after the header is rewritten; anything else (another version, metadata
/// blocks among the data blocks, a file that does not parse) is returned unchanged, which is always safe.</para>
/// </remarks>
internal static class IdvBlockOrder
{
    private const ulong Signature = 0x00425644004C4D43;
    private const ulong FirstVersion = 0x0001000100010004;
    private const int HeaderBytes = 256;

    /// <summary>Returns <paramref name="idv"/> with its blocks in the fixed order, or <paramref name="idv"/> itself when it cannot tell.</summary>
    public static byte[] Canonical(byte[] idv)
    {
        try
        {
            return Reorder(idv) ?? idv;
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or IndexOutOfRangeException or OverflowException or DecoderFallbackException or ArgumentException)
        {
            return idv;
        }
    }

    private static byte[]? Reorder(byte[] idv)
    {
        if (idv.Length < HeaderBytes + 8 || BinaryPrimitives.ReadUInt64LittleEndian(idv) != Signature)
        {
            return null;
        }

        ulong version = BinaryPrimitives.ReadUInt64LittleEndian(idv.AsSpan(8));
        long tocOffset = BinaryPrimitives.ReadInt64LittleEndian(idv.AsSpan(24));
        long rowCount = BinaryPrimitives.ReadInt64LittleEndian(idv.AsSpan(40));
        int columns = BinaryPrimitives.ReadInt32LittleEndian(idv.AsSpan(48));
        if (version < FirstVersion || tocOffset < HeaderBytes || tocOffset >= idv.Length || rowCount < 0 || columns is < 1 or > 100_000)
        {
            return null;
        }

        // Table of contents: per column name, codec name, codec parameters, compression, rows per block, lookup offset, metadata offset.
        var blocks = new List<(int Block, int Column, long LookupEntry, long Offset, int Length)>();
        int at = checked((int)tocOffset);
        for (int c = 0; c < columns; c++)
        {
            SkipString(idv, ref at); // column name
            SkipString(idv, ref at); // codec load name
            int parameters = Leb128(idv, ref at); // codec parameterization
            at = checked(at + parameters);
            at += 1; // compression kind
            int rowsPerBlock = Leb128(idv, ref at);
            long lookup = BinaryPrimitives.ReadInt64LittleEndian(idv.AsSpan(at, 8));
            at += 16; // lookup table offset, metadata table of contents offset
            if (rowsPerBlock < 1 || lookup < HeaderBytes)
            {
                return null;
            }

            long count = (rowCount + rowsPerBlock - 1) / rowsPerBlock;
            if (lookup + (count * 16) > idv.Length)
            {
                return null;
            }

            for (int b = 0; b < count; b++)
            {
                long entry = lookup + (16L * b);
                long offset = BinaryPrimitives.ReadInt64LittleEndian(idv.AsSpan(checked((int)entry), 8));
                int length = BinaryPrimitives.ReadInt32LittleEndian(idv.AsSpan(checked((int)entry + 8), 4));
                blocks.Add((b, c, entry, offset, length));
            }
        }

        if (blocks.Count < 2)
        {
            return null;
        }

        // The blocks must tile [256, end) exactly, as BinarySaver writes them, and lie before every lookup table.
        var byOffset = blocks.OrderBy(x => x.Offset).ToList();
        long next = HeaderBytes;
        foreach (var block in byOffset)
        {
            if (block.Offset != next || block.Length < 0)
            {
                return null;
            }

            next += block.Length;
        }

        if (next > blocks.Min(x => x.LookupEntry) || next > tocOffset)
        {
            return null;
        }

        byte[] result = (byte[])idv.Clone();
        long write = HeaderBytes;
        foreach (var block in blocks.OrderBy(x => x.Block).ThenBy(x => x.Column))
        {
            idv.AsSpan(checked((int)block.Offset), block.Length).CopyTo(result.AsSpan(checked((int)write)));
            BinaryPrimitives.WriteInt64LittleEndian(result.AsSpan(checked((int)block.LookupEntry), 8), write);
            write += block.Length;
        }

        return result;
    }

    private static void SkipString(byte[] bytes, ref int at)
    {
        int length = Leb128(bytes, ref at);
        at = checked(at + length);
        if (at > bytes.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(bytes), "string past the end");
        }
    }

    private static int Leb128(byte[] bytes, ref int at)
    {
        long value = 0;
        for (int shift = 0; shift < 35; shift += 7)
        {
            byte b = bytes[at++];
            value |= (long)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return checked((int)value);
            }
        }

        throw new OverflowException("LEB128 integer longer than 5 bytes");
    }
}
