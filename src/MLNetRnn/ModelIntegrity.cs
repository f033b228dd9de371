using MLNetRnn.Files;

namespace MLNetRnn;

/// <summary>
/// Checks that a model .zip is what <see cref="RnnModelOperations.SaveAtomically"/> wrote: a structurally sound zip whose
/// entries all match the SHA-256 digests and sizes in its seal entry, <see cref="SealEntryName"/>.
/// </summary>
/// <remarks>
/// <para>Seal layout: the entry <c>MLNetRnn/integrity.json</c>, last in the zip, is compact UTF-8 JSON
/// <c>{"format":"mlnetrnn.integrity","version":1,"algorithm":"SHA-256","entries":[{"name":…,"size":…,"sha256":…},…]}</c>
/// listing every other entry in zip order (SHA-256 as 64 lower-case hex digits, size in uncompressed bytes). The zip's
/// comment says the model is sealed, so removing or renaming the seal entry is detected too. Every entry is stored with the
/// timestamp 1980-01-01 00:00 and the data blocks of ML.NET's binary value maps (<c>.idv</c>) are put in one order (ML.NET's
/// saver writes them in the order its threads finish), so saving the same model twice gives byte-identical files (same OS
/// and .NET version).</para>
/// <para>Checked for every zip, sealed or not, before anything is trusted: the zip's directory and local headers agree,
/// entries do not overlap, names are safe (no <c>..</c> segment, absolute path or drive letter, <c>\</c> read as <c>/</c>)
/// and unique, declared sizes are within caps (2 GiB − 1 per entry, 8 GiB in all, ratio ≤ 1,100:1), each entry's data
/// has exactly its declared size and CRC-32, and no entry under <c>MLNetRnn/</c> other than the seal exists.</para>
/// <para>The seal detects damage and edits; it is not a signature: whoever can write the file can also write a new seal.</para>
/// </remarks>
public static class ModelIntegrity
{
    /// <summary>The name of the seal entry.</summary>
    public const string SealEntryName = ModelSeal.EntryName;

    /// <summary>Verifies the model .zip at <paramref name="path"/>.</summary>
    /// <param name="path">The model file.</param>
    /// <returns><see cref="ModelIntegrityStatus.Verified"/> for a sealed zip whose entries all match; <see cref="ModelIntegrityStatus.Unsealed"/> for a sound zip without a seal.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null, empty or white space.</exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="InvalidDataException">
    /// The file is not a sound zip, or it is sealed and an entry was changed, added, removed or renamed; the message names
    /// the file and the entry, and says what to do.
    /// </exception>
    public static ModelIntegrityStatus Verify(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Model file '{Path.GetFullPath(path)}' does not exist; check the path.", path);
        }

        using var zip = UntrustedZip.Open(path, "model .zip");
        return ModelSeal.Verify(zip);
    }
}
