using System.IO.Compression;

namespace MLNetRnn.Files;

/// <summary>
/// A zip archive opened as hostile input. Before any entry is read it checks the directory (<see cref="ZipDirectory"/>),
/// the entry names (no empty names, NUL, absolute paths, drive letters or <c>..</c> segments, with <c>\</c> read as
/// <c>/</c>; no name twice) and the declared sizes (<see cref="FileLimits"/>: per entry, in total, and the compression
/// ratio). Entries are then read through <see cref="ZipEntryStream"/>, which enforces the declared size and the CRC-32.
/// Every problem is an <see cref="InvalidDataException"/> whose message starts with the archive and names the entry.
/// </summary>
internal sealed class UntrustedZip : IDisposable
{
    private readonly ZipArchive _archive;
    private readonly Stream? _owned;

    private UntrustedZip(ZipArchive archive, Stream? owned, string source, string kind)
    {
        _archive = archive;
        _owned = owned;
        Source = source;
        Kind = kind;
        Entries = archive.Entries;
    }

    /// <summary>Gets how messages name the archive: <c>'path'</c>, or a description of the stream.</summary>
    public string Source { get; }

    /// <summary>Gets what the archive should be, as messages say it (<c>zip archive</c>, <c>.npz (zip) archive</c>).</summary>
    public string Kind { get; }

    /// <summary>Gets the entries in central-directory order.</summary>
    public IReadOnlyList<ZipArchiveEntry> Entries { get; }

    /// <summary>Gets the archive comment (empty when there is none).</summary>
    public string Comment => _archive.Comment;

    /// <summary>Opens and checks the archive at <paramref name="path"/>.</summary>
    /// <exception cref="IOException">The file cannot be opened (for example <see cref="FileNotFoundException"/>).</exception>
    /// <exception cref="InvalidDataException">It is not a zip archive or breaks a rule; the message names the file.</exception>
    public static UntrustedZip Open(string path, string kind = "zip archive")
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            return Open(stream, $"'{path}'", kind, owned: true);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Opens and checks the archive in <paramref name="stream"/>; it is buffered in memory when it cannot seek.</summary>
    /// <param name="stream">The archive; left open unless <paramref name="owned"/>.</param>
    /// <param name="source">How messages name the archive.</param>
    /// <param name="kind">What the archive should be, as messages say it.</param>
    /// <param name="owned">Whether disposing the result disposes <paramref name="stream"/>.</param>
    /// <exception cref="InvalidDataException">It is not a zip archive or breaks a rule; the message starts with <paramref name="source"/>.</exception>
    public static UntrustedZip Open(Stream stream, string source, string kind = "zip archive", bool owned = false)
    {
        Stream? buffered = stream.CanSeek ? null : Buffer(stream, source);
        Stream seekable = buffered ?? stream;
        int declared = ZipDirectory.Check(seekable, $"{source} is not a valid {kind}");
        seekable.Position = 0;
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(seekable, ZipArchiveMode.Read, leaveOpen: !owned && buffered is null);
            _ = archive.Entries.Count;
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException or ArgumentException or EndOfStreamException or IndexOutOfRangeException or OverflowException)
        {
            buffered?.Dispose();
            throw new InvalidDataException($"{source} is not a valid {kind} ({e.Message}). Get a fresh copy of the file.", e);
        }

        var zip = new UntrustedZip(archive, owned ? stream : null, source, kind);
        try
        {
            zip.CheckEntries(declared);
            return zip;
        }
        catch
        {
            zip._archive.Dispose();
            throw;
        }
    }

    /// <summary>Gets the message prefix naming an entry.</summary>
    public string Where(ZipArchiveEntry entry) => $"{Source}, entry '{entry.FullName}',";

    /// <summary>Opens an entry for reading through the declared-size and CRC checks.</summary>
    /// <exception cref="InvalidDataException">The entry cannot be opened; the message names it.</exception>
    public ZipEntryStream OpenEntry(ZipArchiveEntry entry)
    {
        string where = Where(entry);
        try
        {
            return new ZipEntryStream(entry.Open(), entry.Length, entry.Crc32, where);
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException or ArgumentException or EndOfStreamException or IndexOutOfRangeException)
        {
            throw new InvalidDataException($"{where} cannot be opened ({e.Message}); the archive is damaged. Get a fresh copy of the file.", e);
        }
    }

    /// <summary>Reads a whole entry, exactly its declared size, CRC checked.</summary>
    /// <param name="entry">The entry.</param>
    /// <param name="maxBytes">The largest size the caller accepts for this entry.</param>
    /// <exception cref="InvalidDataException">The entry is larger than <paramref name="maxBytes"/>, or damaged; the message names it.</exception>
    public byte[] ReadAllBytes(ZipArchiveEntry entry, long maxBytes = FileLimits.MaxZipEntryBytes)
    {
        long limit = Math.Min(maxBytes, Array.MaxLength);
        if (entry.Length > limit)
        {
            throw new InvalidDataException($"{Where(entry)} declares {entry.Length} bytes, more than the {limit} this reader accepts; the archive is damaged or hostile.");
        }

        var bytes = new byte[entry.Length];
        using var stream = OpenEntry(entry);
        stream.ReadExactly(bytes);
        return bytes;
    }

    public void Dispose()
    {
        _archive.Dispose();
        _owned?.Dispose();
    }

    private static MemoryStream Buffer(Stream stream, string source)
    {
        var memory = new MemoryStream();
        var chunk = new byte[1 << 16];
        int got;
        while ((got = stream.Read(chunk)) > 0)
        {
            if (memory.Length + got > FileLimits.MaxBufferedArchiveBytes)
            {
                throw new InvalidDataException($"{source} is longer than the {FileLimits.MaxBufferedArchiveBytes} bytes a zip archive read from a stream that cannot seek may have.");
            }

            memory.Write(chunk, 0, got);
        }

        memory.Position = 0;
        return memory;
    }

    private void CheckEntries(int declared)
    {
        if (Entries.Count != declared)
        {
            throw new InvalidDataException($"{Source} is not a valid {Kind}: its directory lists {declared} entries but {Entries.Count} were read. Get a fresh copy of the file.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        long total = 0;
        foreach (var entry in Entries)
        {
            string name = entry.FullName;
            if (NameProblem(name) is { } problem)
            {
                throw new InvalidDataException($"{Where(entry)} is refused: {problem}. A model or tensor archive never has such names; the file is damaged or hostile.");
            }

            if (!names.Add(name.Replace('\\', '/')))
            {
                throw new InvalidDataException($"{Where(entry)} appears twice; every entry name must be unique (a reader could pick either copy). The file is damaged or hostile.");
            }

            if (entry.Length < 0 || entry.Length > FileLimits.MaxZipEntryBytes)
            {
                throw new InvalidDataException($"{Where(entry)} declares {entry.Length} uncompressed bytes, more than the {FileLimits.MaxZipEntryBytes} one entry may have; the file is damaged or a zip bomb.");
            }

            if (entry.Length > FileLimits.RatioFreeBytes && entry.Length > entry.CompressedLength * FileLimits.MaxCompressionRatio)
            {
                throw new InvalidDataException($"{Where(entry)} declares {entry.Length} bytes from {entry.CompressedLength} compressed, a ratio above the {FileLimits.MaxCompressionRatio}:1 deflate can reach; the file is damaged or a zip bomb.");
            }

            total += entry.Length;
            if (total > FileLimits.MaxZipTotalBytes)
            {
                throw new InvalidDataException($"{Source} declares more than {FileLimits.MaxZipTotalBytes} uncompressed bytes in all (at entry '{name}'); the file is damaged or a zip bomb.");
            }
        }
    }

    /// <summary>Why an entry name is refused, or null.</summary>
    internal static string? NameProblem(string name)
    {
        if (name.Length == 0)
        {
            return "the name is empty";
        }

        if (name.Contains('\0', StringComparison.Ordinal))
        {
            return "the name contains a NUL character";
        }

        string normalized = name.Replace('\\', '/');
        if (normalized[0] == '/')
        {
            return "the name is an absolute path";
        }

        if (normalized.Length >= 2 && normalized[1] == ':' && char.IsAsciiLetter(normalized[0]))
        {
            return "the name starts with a drive letter";
        }

        return Array.Exists(normalized.Split('/'), segment => segment == "..")
            ? "the name has a '..' segment (path traversal)"
            : null;
    }
}
