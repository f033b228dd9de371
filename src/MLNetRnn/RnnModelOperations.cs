using Microsoft.ML;
using MLNetRnn.Files;

namespace MLNetRnn;

/// <summary>
/// Saving and loading on ML.NET's <c>mlContext.Model</c> catalog: saves that never leave a half-written file and give
/// byte-identical, sealed zips; loads that check the zip (and its seal) before ML.NET reads it.
/// </summary>
public static class RnnModelOperations
{
    /// <summary>
    /// Saves a model as ML.NET's <c>Model.Save</c> does, sealed and deterministic, to a temporary file in the target folder
    /// first, flushed to disk and then renamed over <paramref name="path"/>: a crash, a full disk or an exception while
    /// saving leaves the previous file (if any) as it was.
    /// </summary>
    /// <remarks>
    /// The zip ML.NET writes is rewritten with the same entries in the same order and content, every entry stamped
    /// 1980-01-01 00:00, so the same model gives byte-identical files (on the same OS and .NET version), and sealed: an entry
    /// <see cref="ModelIntegrity.SealEntryName"/> records the SHA-256 and size of every other entry (layout in
    /// <see cref="ModelIntegrity"/>). Any ML.NET app still loads it with <c>Model.Load</c>; <see cref="LoadVerified"/> and
    /// <see cref="ModelIntegrity.Verify(string)"/> check the seal.
    /// </remarks>
    /// <param name="catalog">ML.NET's model operations (<c>mlContext.Model</c>).</param>
    /// <param name="model">The fitted model.</param>
    /// <param name="inputSchema">The schema of the data the model reads (as for <c>Model.Save</c>).</param>
    /// <param name="path">The .zip to write; its folder must exist.</param>
    /// <exception cref="ArgumentNullException"><paramref name="catalog"/> or <paramref name="model"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null, empty or white space.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    /// <exception cref="IOException">Writing or renaming failed; the previous file is unchanged and no temporary file is left.</exception>
    public static void SaveAtomically(this ModelOperationsCatalog catalog, ITransformer model, DataViewSchema inputSchema, string path)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The folder of '{full}' does not exist; create it first.");
        }

        Tensors.NpyFile.WriteFileAtomically(full, stream =>
        {
            using var saved = new MemoryStream();
            catalog.Save(model, inputSchema, saved);
            saved.Position = 0;
            ModelSeal.Write(saved, stream);
        });
    }

    /// <summary>
    /// Loads a model as ML.NET's <c>Model.Load</c> does, after checking the file as untrusted input: the zip's structure,
    /// names, sizes and CRCs, and, when it was saved by <see cref="SaveAtomically"/>, its seal (see <see cref="ModelIntegrity"/>).
    /// </summary>
    /// <remarks>
    /// The check and the load read the same open file, so the file cannot be swapped in between. A zip without a seal
    /// (saved by ML.NET's own <c>Model.Save</c>) loads too; call <see cref="ModelIntegrity.Verify(string)"/> to know which it was.
    /// </remarks>
    /// <param name="catalog">ML.NET's model operations (<c>mlContext.Model</c>).</param>
    /// <param name="path">The model .zip.</param>
    /// <param name="inputSchema">The schema of the data the model was saved with.</param>
    /// <returns>The loaded model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="catalog"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null, empty or white space.</exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="InvalidDataException">
    /// The file is not a sound zip, does not match its seal, or ML.NET cannot load it (ML.NET's exception is the inner
    /// exception); the message names the file (and the entry) and says what to do.
    /// </exception>
    public static ITransformer LoadVerified(this ModelOperationsCatalog catalog, string path, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Model file '{Path.GetFullPath(path)}' does not exist; check the path.", path);
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        ModelIntegrityStatus integrity;
        using (var zip = UntrustedZip.Open(stream, $"'{path}'", "model .zip"))
        {
            integrity = ModelSeal.Verify(zip);
        }

        stream.Position = 0;
        try
        {
            return catalog.Load(stream, out inputSchema);
        }
        catch (Exception e)
        {
            string advice = integrity == ModelIntegrityStatus.Verified
                ? "its MLNetRnn seal verified, so the file is as it was saved: load it with the ML.NET and MLNetRnn versions that saved it"
                : "it has no MLNetRnn seal, so it may be damaged or not an ML.NET model: get a fresh copy, or save it again with SaveAtomically";
            throw new InvalidDataException($"ML.NET cannot load '{path}' ({e.GetType().Name}: {e.Message}); {advice}.", e);
        }
    }
}
