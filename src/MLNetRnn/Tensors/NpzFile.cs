using System.Collections.ObjectModel;
using System.IO.Compression;

namespace MLNetRnn.Tensors;

/// <summary>
/// Reads and writes named arrays in NumPy's <c>.npz</c> format, the zip archive made by <c>numpy.savez</c> and
/// <c>numpy.savez_compressed</c> and opened by <c>numpy.load</c>.
/// </summary>
/// <remarks>
/// Layout: a zip archive with one entry per array, named <c>key + ".npy"</c> and holding a complete <c>.npy</c> file
/// (see <see cref="NpyFile"/>). Entries are stored uncompressed like <c>numpy.savez</c>, or deflated like
/// <c>numpy.savez_compressed</c>. Keys are used verbatim and may contain dots and slashes, as PyTorch
/// <c>state_dict</c> names do (<c>rnn.weight_ih_l0</c> is stored as <c>rnn.weight_ih_l0.npy</c>).
/// </remarks>
public static class NpzFile
{
    private const string Extension = ".npy";

    /// <summary>Reads every array in a <c>.npz</c> file.</summary>
    /// <param name="path">Path of the archive.</param>
    /// <returns>The arrays keyed by entry name without the <c>.npy</c> suffix, in archive order.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="IOException">The file cannot be opened or read (for example <see cref="FileNotFoundException"/>).</exception>
    /// <remarks>The archive is read as untrusted input: see <see cref="Read(Stream)"/>.</remarks>
    /// <exception cref="InvalidDataException">
    /// The file is not a valid zip archive, breaks a rule of <see cref="Read(Stream)"/>, or an entry is not a valid or
    /// supported <c>.npy</c> file; the message names <paramref name="path"/> and the entry.
    /// </exception>
    public static IReadOnlyDictionary<string, NpyArray> Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return ReadArchive(stream, $"'{path}'");
    }

    /// <summary>Reads every array in a <c>.npz</c> archive from <paramref name="stream"/>.</summary>
    /// <param name="stream">A readable stream holding the archive; it is left open. Non-seekable streams are buffered in memory.</param>
    /// <returns>The arrays keyed by entry name without the <c>.npy</c> suffix, in archive order.</returns>
    /// <remarks>
    /// <para>Entries whose names do not end in <c>.npy</c> (for example a <c>manifest.json</c> next to the tensors) are skipped.</para>
    /// <para>The archive is read as untrusted input. Refused before anything is read: a damaged central directory, an
    /// entry whose local header repeats another name, entries whose data overlap, more than 10,000 entries, an entry name
    /// that is empty, absolute, has a drive letter or a <c>..</c> segment (<c>\</c> counts as <c>/</c>), a name used
    /// twice, an entry declaring more than 2 GiB − 1 bytes or a compression ratio above 1,100:1, more than 8 GiB in all.
    /// Each entry is then read through its declared size, which must match the data exactly, and its CRC-32, and must
    /// hold exactly one array (no bytes after the data).</para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not readable.</exception>
    /// <exception cref="InvalidDataException">
    /// The stream is not a valid zip archive, breaks one of the rules above, or an entry is not a valid or supported
    /// <c>.npy</c> file (see <see cref="NpyFile.Read(Stream)"/>); the message names the entry.
    /// </exception>
    public static IReadOnlyDictionary<string, NpyArray> Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream must be readable.", nameof(stream));
        }

        return ReadArchive(stream, "The stream");
    }

    /// <summary>
    /// Writes <paramref name="arrays"/> to a <c>.npz</c> file, replacing any existing file. The archive goes to a
    /// temporary file in the same folder that is then renamed over <paramref name="path"/>, so a crash never leaves a
    /// partial archive.
    /// </summary>
    /// <param name="path">Path of the file to create or replace; its folder must exist.</param>
    /// <param name="arrays">Keys and arrays, written in enumeration order as entries named <c>key + ".npy"</c>.</param>
    /// <param name="compress">
    /// <see langword="false"/> (default) stores entries uncompressed like <c>numpy.savez</c>; <see langword="true"/>
    /// deflates them like <c>numpy.savez_compressed</c>.
    /// </param>
    /// <exception cref="ArgumentException">
    /// <paramref name="path"/> is null, empty or a root folder, or <paramref name="arrays"/> has an empty key, a null array or a duplicate key.
    /// </exception>
    /// <exception cref="ArgumentNullException"><paramref name="arrays"/> is null.</exception>
    /// <exception cref="IOException">The file cannot be written or renamed (for example <see cref="DirectoryNotFoundException"/>).</exception>
    public static void Write(string path, IEnumerable<KeyValuePair<string, NpyArray>> arrays, bool compress = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        List<KeyValuePair<string, NpyArray>> entries = Validate(arrays);
        NpyFile.WriteFileAtomically(path, stream => WriteArchive(stream, entries, compress));
    }

    /// <summary>Writes <paramref name="arrays"/> to <paramref name="stream"/> as a <c>.npz</c> archive.</summary>
    /// <param name="stream">A writable stream; it is left open. Nothing is written if the arguments are invalid.</param>
    /// <param name="arrays">Keys and arrays, written in enumeration order as entries named <c>key + ".npy"</c>.</param>
    /// <param name="compress">
    /// <see langword="false"/> (default) stores entries uncompressed like <c>numpy.savez</c>; <see langword="true"/>
    /// deflates them like <c>numpy.savez_compressed</c>.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> or <paramref name="arrays"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="stream"/> is not writable, or <paramref name="arrays"/> has an empty key, a null array or a duplicate key.
    /// </exception>
    public static void Write(Stream stream, IEnumerable<KeyValuePair<string, NpyArray>> arrays, bool compress = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite)
        {
            throw new ArgumentException("The stream must be writable.", nameof(stream));
        }

        WriteArchive(stream, Validate(arrays), compress);
    }

    private static ReadOnlyDictionary<string, NpyArray> ReadArchive(Stream stream, string source)
    {
        using var archive = Files.UntrustedZip.Open(stream, source, ".npz (zip) archive");
        var arrays = new OrderedDictionary<string, NpyArray>(StringComparer.Ordinal);
        foreach (ZipArchiveEntry entry in archive.Entries)
        {
            if (!entry.FullName.EndsWith(Extension, StringComparison.Ordinal))
            {
                continue;
            }

            using var entryStream = archive.OpenEntry(entry);
            arrays.Add(entry.FullName[..^Extension.Length], NpyFile.ReadWhole(entryStream, $"{source}, entry '{entry.FullName}'"));
        }

        return new ReadOnlyDictionary<string, NpyArray>(arrays);
    }

    private static List<KeyValuePair<string, NpyArray>> Validate(IEnumerable<KeyValuePair<string, NpyArray>> arrays)
    {
        ArgumentNullException.ThrowIfNull(arrays);
        var entries = new List<KeyValuePair<string, NpyArray>>(arrays);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach ((string key, NpyArray array) in entries)
        {
            if (string.IsNullOrEmpty(key))
            {
                throw new ArgumentException("Array keys must be non-empty; numpy.load would name the entry '.npy'.", nameof(arrays));
            }

            if (array is null)
            {
                throw new ArgumentException($"The array for key '{key}' is null.", nameof(arrays));
            }

            if (!keys.Add(key))
            {
                throw new ArgumentException($"The key '{key}' appears more than once; each key becomes one zip entry and must be unique.", nameof(arrays));
            }
        }

        return entries;
    }

    private static void WriteArchive(Stream stream, List<KeyValuePair<string, NpyArray>> entries, bool compress)
    {
        CompressionLevel level = compress ? CompressionLevel.Optimal : CompressionLevel.NoCompression;
        using var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        foreach ((string key, NpyArray array) in entries)
        {
            using Stream entryStream = archive.CreateEntry(key + Extension, level).Open();
            NpyFile.Write(entryStream, array);
        }
    }
}
