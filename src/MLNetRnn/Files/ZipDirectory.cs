using System.Buffers.Binary;

namespace MLNetRnn.Files;

/// <summary>
/// Reads a zip archive's end record and central directory itself, below <c>ZipArchive</c>, to check what <c>ZipArchive</c>
/// does not: every entry's local header exists and repeats the central directory's name byte for byte (a damaged or
/// edited name is not covered by the CRC), and no entry's data overlaps another's or the directory (the overlapping
/// entries of a zip bomb).
/// </summary>
/// <remarks>
/// Layout read (APPNOTE 6.3; little-endian): end of central directory <c>PK\5\6</c> (22 bytes + comment) with entry count,
/// directory size and offset, or their zip64 versions behind <c>PK\6\7</c>/<c>PK\6\6</c>; per entry a central header
/// <c>PK\1\2</c> (46 bytes + name + extra + comment: method at 10, CRC at 16, sizes at 20/24, lengths at 28/30/32, local
/// offset at 42; 0xFFFFFFFF values in the zip64 extra field 0x0001) and a local header <c>PK\3\4</c> (30 bytes + name +
/// extra; lengths at 26/28) right before the entry's data.
/// </remarks>
internal static class ZipDirectory
{
    private const uint EndSignature = 0x06054b50, Zip64EndSignature = 0x06064b50, Zip64LocatorSignature = 0x07064b50;
    private const uint CentralSignature = 0x02014b50, LocalSignature = 0x04034b50;
    private const int EndLength = 22, CentralLength = 46, LocalLength = 30;

    /// <summary>Checks the archive in <paramref name="stream"/> (seekable); returns the number of entries.</summary>
    /// <param name="stream">The archive.</param>
    /// <param name="source">How messages start: what is not valid, for example <c>'model.zip' is not a valid zip archive</c>.</param>
    /// <exception cref="InvalidDataException">The directory is damaged; the message starts with <paramref name="source"/>.</exception>
    public static int Check(Stream stream, string source)
    {
        long length = stream.Length;
        long end = FindEnd(stream, length, source);
        Span<byte> record = stackalloc byte[EndLength];
        ReadAt(stream, end, record, source);
        long entries = BinaryPrimitives.ReadUInt16LittleEndian(record[10..]);
        long directorySize = BinaryPrimitives.ReadUInt32LittleEndian(record[12..]);
        long directoryOffset = BinaryPrimitives.ReadUInt32LittleEndian(record[16..]);
        long directoryEnd = end;
        if (entries == 0xFFFF || directorySize == 0xFFFFFFFF || directoryOffset == 0xFFFFFFFF)
        {
            (entries, directorySize, directoryOffset, directoryEnd) = ReadZip64End(stream, end, source);
        }

        if (entries > FileLimits.MaxZipEntries)
        {
            throw Error(source, $"the archive declares {entries} entries, more than the {FileLimits.MaxZipEntries} this reader accepts");
        }

        if (directoryOffset < 0 || directorySize < 0 || directoryOffset > directoryEnd || directorySize != directoryEnd - directoryOffset)
        {
            throw Error(source, $"the central directory ({directorySize} bytes at offset {directoryOffset}) does not end where the end record starts ({directoryEnd})");
        }

        var directory = new byte[directorySize];
        ReadAt(stream, directoryOffset, directory, source);
        var spans = new List<(long Start, long End, string Name)>((int)entries);
        int position = 0;
        for (long i = 0; i < entries; i++)
        {
            spans.Add(ReadCentralHeader(stream, directory, ref position, directoryOffset, source));
        }

        if (position != directory.Length)
        {
            throw Error(source, $"the central directory has {directory.Length - position} bytes after its {entries} entries");
        }

        spans.Sort((a, b) => a.Start.CompareTo(b.Start));
        for (int i = 0; i < spans.Count; i++)
        {
            long limit = i + 1 < spans.Count ? spans[i + 1].Start : directoryOffset;
            if (spans[i].End > limit)
            {
                throw Error(source, $"entry '{spans[i].Name}' overlaps {(i + 1 < spans.Count ? $"entry '{spans[i + 1].Name}'" : "the central directory")} (a damaged archive or a zip bomb)");
            }
        }

        return (int)entries;
    }

    private static (long Start, long End, string Name) ReadCentralHeader(Stream stream, byte[] directory, ref int position, long directoryOffset, string source)
    {
        if (directory.Length - position < CentralLength || BinaryPrimitives.ReadUInt32LittleEndian(directory.AsSpan(position)) != CentralSignature)
        {
            throw Error(source, $"the central directory is damaged at offset {directoryOffset + position} (no entry header there)");
        }

        var header = directory.AsSpan(position, CentralLength);
        long compressed = BinaryPrimitives.ReadUInt32LittleEndian(header[20..]);
        long uncompressed = BinaryPrimitives.ReadUInt32LittleEndian(header[24..]);
        int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(header[28..]);
        int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(header[30..]);
        int commentLength = BinaryPrimitives.ReadUInt16LittleEndian(header[32..]);
        long localOffset = BinaryPrimitives.ReadUInt32LittleEndian(header[42..]);
        int variable = nameLength + extraLength + commentLength;
        if (directory.Length - position - CentralLength < variable)
        {
            throw Error(source, $"the central directory entry at offset {directoryOffset + position} runs past the directory's end");
        }

        var name = directory.AsSpan(position + CentralLength, nameLength);
        string shown = System.Text.Encoding.UTF8.GetString(name);
        var extra = directory.AsSpan(position + CentralLength + nameLength, extraLength);
        if (compressed == 0xFFFFFFFF || uncompressed == 0xFFFFFFFF || localOffset == 0xFFFFFFFF)
        {
            ReadZip64Extra(extra, ref uncompressed, ref compressed, ref localOffset, shown, source);
        }

        position += CentralLength + variable;
        if (localOffset > directoryOffset - LocalLength)
        {
            throw Error(source, $"entry '{shown}' points at offset {localOffset}, outside the data before the central directory");
        }

        Span<byte> local = stackalloc byte[LocalLength];
        ReadAt(stream, localOffset, local, source);
        if (BinaryPrimitives.ReadUInt32LittleEndian(local) != LocalSignature)
        {
            throw Error(source, $"entry '{shown}' has no local header at offset {localOffset}");
        }

        int localNameLength = BinaryPrimitives.ReadUInt16LittleEndian(local[26..]);
        int localExtraLength = BinaryPrimitives.ReadUInt16LittleEndian(local[28..]);
        var localName = new byte[localNameLength];
        if (localOffset + LocalLength + localNameLength <= directoryOffset)
        {
            ReadAt(stream, localOffset + LocalLength, localName, source);
        }

        if (!localName.AsSpan().SequenceEqual(name))
        {
            throw Error(source, $"entry '{shown}' is named '{System.Text.Encoding.UTF8.GetString(localName)}' in its local header; one of the two names was changed");
        }

        long dataStart = localOffset + LocalLength + localNameLength + localExtraLength;
        return (localOffset, dataStart + compressed, shown);
    }

    private static void ReadZip64Extra(ReadOnlySpan<byte> extra, ref long uncompressed, ref long compressed, ref long localOffset, string name, string source)
    {
        while (extra.Length >= 4)
        {
            int id = BinaryPrimitives.ReadUInt16LittleEndian(extra);
            int size = BinaryPrimitives.ReadUInt16LittleEndian(extra[2..]);
            if (size > extra.Length - 4)
            {
                break;
            }

            var data = extra.Slice(4, size);
            if (id == 0x0001)
            {
                uncompressed = Next(ref data, uncompressed, name, source);
                compressed = Next(ref data, compressed, name, source);
                localOffset = Next(ref data, localOffset, name, source);
                return;
            }

            extra = extra[(4 + size)..];
        }

        throw Error(source, $"entry '{name}' has 32-bit size fields set to 0xFFFFFFFF but no zip64 extra field with the real values");
    }

    /// <summary>The zip64 value replacing a 0xFFFFFFFF field (the fields present appear in a fixed order).</summary>
    private static long Next(ref ReadOnlySpan<byte> data, long field, string name, string source)
    {
        if (field != 0xFFFFFFFF)
        {
            return field;
        }

        if (data.Length < 8)
        {
            throw Error(source, $"entry '{name}' has a zip64 extra field too short for its sizes");
        }

        ulong value = BinaryPrimitives.ReadUInt64LittleEndian(data);
        data = data[8..];
        return value > long.MaxValue / 2 ? throw Error(source, $"entry '{name}' declares a size or offset of {value} bytes") : (long)value;
    }

    private static long FindEnd(Stream stream, long length, string source)
    {
        if (length < EndLength)
        {
            throw Error(source, $"it has {length} bytes, fewer than the 22 of an empty zip archive");
        }

        int tail = (int)Math.Min(length, EndLength + ushort.MaxValue);
        var bytes = new byte[tail];
        ReadAt(stream, length - tail, bytes, source);
        for (int i = tail - EndLength; i >= 0; i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(i)) == EndSignature)
            {
                int commentLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(i + 20));
                if (i + EndLength + commentLength > tail)
                {
                    throw Error(source, $"the end record's comment ({commentLength} bytes) runs past the end of the file");
                }

                return length - tail + i;
            }
        }

        throw Error(source, "it has no zip end record (PK\\5\\6): it is not a zip archive, or it is truncated");
    }

    private static (long Entries, long Size, long Offset, long DirectoryEnd) ReadZip64End(Stream stream, long end, string source)
    {
        Span<byte> locator = stackalloc byte[20];
        if (end < 20)
        {
            throw Error(source, "the end record asks for zip64 but there is no zip64 locator");
        }

        ReadAt(stream, end - 20, locator, source);
        if (BinaryPrimitives.ReadUInt32LittleEndian(locator) != Zip64LocatorSignature)
        {
            throw Error(source, "the end record asks for zip64 but there is no zip64 locator");
        }

        ulong recordOffset = BinaryPrimitives.ReadUInt64LittleEndian(locator[8..]);
        Span<byte> record = stackalloc byte[56];
        if (recordOffset > (ulong)(end - 20 - 56))
        {
            throw Error(source, $"the zip64 end record offset {recordOffset} is outside the file");
        }

        ReadAt(stream, (long)recordOffset, record, source);
        if (BinaryPrimitives.ReadUInt32LittleEndian(record) != Zip64EndSignature)
        {
            throw Error(source, $"there is no zip64 end record at offset {recordOffset}");
        }

        ulong entries = BinaryPrimitives.ReadUInt64LittleEndian(record[32..]);
        ulong size = BinaryPrimitives.ReadUInt64LittleEndian(record[40..]);
        ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(record[48..]);
        if (entries > FileLimits.MaxZipEntries || size > long.MaxValue / 2 || offset > long.MaxValue / 2)
        {
            throw Error(source, $"the zip64 end record declares {entries} entries, a {size}-byte directory at offset {offset}");
        }

        return ((long)entries, (long)size, (long)offset, (long)recordOffset);
    }

    private static void ReadAt(Stream stream, long offset, Span<byte> buffer, string source)
    {
        if (offset < 0 || offset > stream.Length - buffer.Length)
        {
            throw Error(source, $"a record at offset {offset} ({buffer.Length} bytes) runs past the end of the file; it is truncated");
        }

        stream.Position = offset;
        stream.ReadExactly(buffer);
    }

    private static InvalidDataException Error(string source, string problem) =>
        new($"{source}: {problem}. Get a fresh copy of the file.");
}
