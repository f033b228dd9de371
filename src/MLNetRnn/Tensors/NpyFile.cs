using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace MLNetRnn.Tensors;

/// <summary>
/// Reads and writes single arrays in NumPy's <c>.npy</c> format, so tensors move between .NET and
/// <c>numpy.load</c> / <c>numpy.save</c> unchanged.
/// </summary>
/// <remarks>
/// Byte layout (NumPy format versions 1.0, 2.0 and 3.0; all integers little-endian):
/// <code>
/// offset 0    6 bytes   magic 0x93 'N' 'U' 'M' 'P' 'Y'
/// offset 6    2 bytes   major, minor version: 1.0, 2.0 or 3.0
/// offset 8    u16 (1.0) or u32 (2.0, 3.0)   header length HL
/// offset 10/12  HL bytes  Python dict literal, e.g. {'descr': '&lt;f4', 'fortran_order': False, 'shape': (3, 4), }
///                         padded with spaces and ending in '\n' so the data starts at a multiple of 64
///                         (Latin-1 text for 1.0 and 2.0, UTF-8 for 3.0)
/// then        Count * item size bytes of elements, little-endian, row-major (C order)
/// </code>
/// Supported element types are <c>&lt;f4</c>, <c>&lt;f8</c>, <c>&lt;i4</c>, <c>&lt;i8</c> and <c>|b1</c> (see
/// <see cref="NpyDataType"/>); the byte-order prefix may also be <c>=</c>, <c>|</c> or absent. Writing uses
/// version 1.0, or 2.0 when the header does not fit in 65,535 bytes.
/// </remarks>
public static class NpyFile
{
    private const int Alignment = 64;
    private const int MaxHeaderLength = 1 << 20;
    private const int ChunkBytes = 1 << 16;
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads one array from a <c>.npy</c> file.</summary>
    /// <param name="path">Path of the file.</param>
    /// <returns>The array stored in the file.</returns>
    /// <remarks>The file is read as untrusted input: nothing is allocated by the sizes it declares before they are checked
    /// against the file's real length, and bytes after the array's data are refused (a header edited to a smaller shape).</remarks>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="IOException">The file cannot be opened or read (for example <see cref="FileNotFoundException"/>).</exception>
    /// <exception cref="InvalidDataException">
    /// The file is not a well-formed <c>.npy</c> file, or uses a feature this reader does not support (see
    /// <see cref="Read(Stream)"/>); the message names <paramref name="path"/>.
    /// </exception>
    public static NpyArray Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, ChunkBytes);
        return ReadWhole(stream, $"'{path}'");
    }

    /// <summary>Reads a stream that holds exactly one array (a file, a zip entry); <paramref name="source"/> names it in messages.</summary>
    /// <exception cref="InvalidDataException">The bytes are not exactly one well-formed, supported array.</exception>
    internal static NpyArray ReadWhole(Stream stream, string source)
    {
        try
        {
            long? available = stream.CanSeek ? stream.Length - stream.Position : (stream as Files.ZipEntryStream)?.Remaining;
            NpyArray array = Read(stream, available);
            long trailing = stream.CanSeek ? stream.Length - stream.Position : (stream as Files.ZipEntryStream)?.Remaining ?? 0;
            if (trailing > 0)
            {
                throw new InvalidDataException(
                    $"{trailing} bytes follow the array's data (shape {NpyArray.FormatShape(array.Shape)} of {NpyHeader.Descriptor(array.DataType)}); the header or the data was changed.");
            }

            return array;
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith(source, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"Cannot read {source}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Reads one array from <paramref name="stream"/>, leaving the stream positioned just after the array's data.
    /// </summary>
    /// <param name="stream">A readable stream positioned at the magic bytes; need not be seekable.</param>
    /// <returns>The array read.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not readable.</exception>
    /// <remarks>
    /// Untrusted input: on a seekable stream the sizes the header declares are checked against the remaining length before
    /// anything is allocated; on other streams the array grows as data arrives, so memory never exceeds twice the bytes
    /// really read. The header is at most 1 MiB and nests brackets at most 8 deep.
    /// </remarks>
    /// <exception cref="InvalidDataException">
    /// The stream does not start with the <c>\x93NUMPY</c> magic, the header is truncated or malformed, or the data is
    /// shorter than the shape needs (the message gives expected and actual byte counts); or the file uses a feature this
    /// reader does not support: a format version other than 1.0, 2.0 or 3.0, a dtype other than
    /// <c>&lt;f4 &lt;f8 &lt;i4 &lt;i8 |b1</c> (including big-endian types), Fortran order, or more elements than a .NET
    /// array holds (the message says which, and how to convert the array).
    /// </exception>
    public static NpyArray Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream must be readable.", nameof(stream));
        }

        return Read(stream, stream.CanSeek ? stream.Length - stream.Position : null);
    }

    /// <summary>Reads one array; <paramref name="available"/> is how many bytes the stream still holds, when known.</summary>
    private static NpyArray Read(Stream stream, long? available)
    {
        Span<byte> prefix = stackalloc byte[12];
        int got = stream.ReadAtLeast(prefix[..8], 8, throwOnEndOfStream: false);
        if (got < Magic.Length || !prefix[..Magic.Length].SequenceEqual(Magic))
        {
            string found = got == 0 ? "an empty stream" : "bytes " + Convert.ToHexString(prefix[..got]);
            string hint = got >= 2 && prefix[0] == 'P' && prefix[1] == 'K' ? " It looks like a zip archive; read .npz files with NpzFile.Read." : "";
            throw new InvalidDataException(
                $"This is not a .npy file: it must start with the magic bytes \\x93NUMPY (hex 934E554D5059), found {found}.{hint}");
        }

        if (got < 8)
        {
            throw new InvalidDataException($"The .npy file is truncated: expected 8 bytes of magic and version, got {got}.");
        }

        byte major = prefix[6], minor = prefix[7];
        if (major is < 1 or > 3 || minor != 0)
        {
            throw new InvalidDataException(
                $"The .npy format version {major}.{minor} is not supported; supported versions are 1.0, 2.0 and 3.0.");
        }

        Span<byte> lengthBytes = prefix.Slice(8, major == 1 ? 2 : 4);
        ReadExactly(stream, lengthBytes, "header length");
        long headerLength = major == 1
            ? BinaryPrimitives.ReadUInt16LittleEndian(lengthBytes)
            : BinaryPrimitives.ReadUInt32LittleEndian(lengthBytes);
        if (headerLength > MaxHeaderLength)
        {
            throw new InvalidDataException(
                $"The .npy header length is {headerLength} bytes, more than the {MaxHeaderLength} this reader accepts; the file is probably corrupt.");
        }

        long prefixLength = major == 1 ? 10 : 12;
        if (available is long total && headerLength > total - prefixLength)
        {
            throw new InvalidDataException($"The .npy header is truncated: expected {headerLength} bytes, got {Math.Max(0, total - prefixLength)}.");
        }

        var headerBytes = new byte[headerLength];
        ReadExactly(stream, headerBytes, "header");
        string header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes);
        (NpyDataType dataType, int[] shape) = NpyHeader.Parse(header);

        long count = NpyArray.CountElements(shape);
        if (count < 0 || count > Array.MaxLength)
        {
            throw new InvalidDataException(
                $"The .npy array has shape {NpyArray.FormatShape(shape)}, more than the {Array.MaxLength} elements a .NET array can hold.");
        }

        long expected = count * NpyHeader.ItemSize(dataType);
        if (available is long all && all - prefixLength - headerLength < expected)
        {
            throw TruncatedData(expected, all - prefixLength - headerLength, dataType, shape);
        }

        Array data = dataType switch
        {
            NpyDataType.Float32 => ReadElements<float>(stream, count, available is not null, dataType, shape),
            NpyDataType.Float64 => ReadElements<double>(stream, count, available is not null, dataType, shape),
            NpyDataType.Int32 => ReadElements<int>(stream, count, available is not null, dataType, shape),
            NpyDataType.Int64 => ReadElements<long>(stream, count, available is not null, dataType, shape),
            _ => Array.ConvertAll(ReadElements<byte>(stream, count, available is not null, dataType, shape), b => b != 0),
        };
        return new NpyArray(data, dataType, shape);
    }

    /// <summary>
    /// Writes <paramref name="array"/> to a <c>.npy</c> file, replacing any existing file. The data goes to a temporary
    /// file in the same folder that is then renamed over <paramref name="path"/>, so a crash never leaves a partial file.
    /// </summary>
    /// <param name="path">Path of the file to create or replace; its folder must exist.</param>
    /// <param name="array">The array to write.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null, empty or a root folder.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="array"/> is null.</exception>
    /// <exception cref="IOException">The file cannot be written or renamed (for example <see cref="DirectoryNotFoundException"/>).</exception>
    public static void Write(string path, NpyArray array)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(array);
        WriteFileAtomically(path, stream => Write(stream, array));
    }

    /// <summary>Writes <paramref name="array"/> to <paramref name="stream"/> in <c>.npy</c> format.</summary>
    /// <param name="stream">A writable stream; need not be seekable. It is left open.</param>
    /// <param name="array">The array to write.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> or <paramref name="array"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not writable.</exception>
    public static void Write(Stream stream, NpyArray array)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(array);
        if (!stream.CanWrite)
        {
            throw new ArgumentException("The stream must be writable.", nameof(stream));
        }

        byte[] header = Encoding.Latin1.GetBytes(NpyHeader.Format(array.DataType, array.Shape));
        bool version1 = PaddedLength(10, header.Length) - 10 <= ushort.MaxValue;
        int prefixLength = version1 ? 10 : 12;
        int headerLength = PaddedLength(prefixLength, header.Length) - prefixLength;

        var prefix = new byte[prefixLength + headerLength];
        Magic.CopyTo(prefix);
        prefix[6] = version1 ? (byte)1 : (byte)2;
        if (version1)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(prefix.AsSpan(8), (ushort)headerLength);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(prefix.AsSpan(8), (uint)headerLength);
        }

        header.CopyTo(prefix, prefixLength);
        prefix.AsSpan(prefixLength + header.Length).Fill((byte)' ');
        prefix[^1] = (byte)'\n';
        stream.Write(prefix);

        switch (array.Data)
        {
            case float[] f: WriteElements<float>(stream, f); break;
            case double[] d: WriteElements<double>(stream, d); break;
            case int[] i: WriteElements<int>(stream, i); break;
            case long[] l: WriteElements<long>(stream, l); break;
            default: WriteElements<bool>(stream, (bool[])array.Data); break;
        }
    }

    /// <summary>
    /// Writes a file through a temporary file in the same folder and a rename, deleting the temporary file on failure.
    /// </summary>
    internal static void WriteFileAtomically(string path, Action<Stream> write)
    {
        string fullPath = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"'{path}' is a root folder, not a file path.", nameof(path));
        string temporary = Path.Combine(folder, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, ChunkBytes))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }

            throw;
        }
    }

    /// <summary>Total length of prefix plus header plus '\n', rounded up to a multiple of 64.</summary>
    private static int PaddedLength(int prefixLength, int headerLength) =>
        (prefixLength + headerLength + 1 + Alignment - 1) / Alignment * Alignment;

    private static void ReadExactly(Stream stream, Span<byte> buffer, string part)
    {
        int got = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (got < buffer.Length)
        {
            throw new InvalidDataException($"The .npy {part} is truncated: expected {buffer.Length} bytes, got {got}.");
        }
    }

    /// <summary>
    /// Reads <paramref name="count"/> items. When the stream's length was checked (<paramref name="checkedLength"/>) the
    /// array is allocated at once; otherwise it grows as data arrives, so a header that lies costs at most twice the bytes read.
    /// </summary>
    private static T[] ReadElements<T>(Stream stream, long count, bool checkedLength, NpyDataType dataType, int[] shape)
        where T : unmanaged
    {
        int itemSize = Marshal.SizeOf<T>();
        int chunkItems = ChunkBytes / itemSize;
        var result = new T[checkedLength ? count : Math.Min(count, 16 * chunkItems)];
        long total = 0;
        for (int start = 0; start < count; start += chunkItems)
        {
            int items = (int)Math.Min(chunkItems, count - start);
            if (start + items > result.Length)
            {
                Array.Resize(ref result, (int)Math.Min(count, Math.Max(start + items, 2L * result.Length)));
            }

            Span<byte> bytes = MemoryMarshal.AsBytes(result.AsSpan(start, items));
            int got = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
            total += got;
            if (got < bytes.Length)
            {
                throw TruncatedData(count * itemSize, total, dataType, shape);
            }

            if (!BitConverter.IsLittleEndian)
            {
                ReverseItems(bytes, itemSize);
            }
        }

        return result;
    }

    private static void WriteElements<T>(Stream stream, T[] items)
        where T : unmanaged
    {
        int itemSize = Marshal.SizeOf<T>();
        byte[]? swapped = BitConverter.IsLittleEndian || itemSize == 1 ? null : new byte[ChunkBytes];
        for (int start = 0; start < items.Length; start += ChunkBytes / itemSize)
        {
            ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(items.AsSpan(start, Math.Min(ChunkBytes / itemSize, items.Length - start)));
            if (swapped is not null)
            {
                bytes.CopyTo(swapped);
                ReverseItems(swapped.AsSpan(0, bytes.Length), itemSize);
                bytes = swapped.AsSpan(0, bytes.Length);
            }

            stream.Write(bytes);
        }
    }

    /// <summary>Converts between little-endian and native order on big-endian machines.</summary>
    private static void ReverseItems(Span<byte> bytes, int itemSize)
    {
        for (int i = 0; i < bytes.Length; i += itemSize)
        {
            bytes.Slice(i, itemSize).Reverse();
        }
    }

    private static InvalidDataException TruncatedData(long expected, long actual, NpyDataType dataType, int[] shape) => new(
        $"The .npy data is truncated: expected {expected} bytes for shape {NpyArray.FormatShape(shape)} of "
        + $"{NpyHeader.Descriptor(dataType)}, got {actual}.");
}
