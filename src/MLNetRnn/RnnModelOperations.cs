using Microsoft.ML;

namespace MLNetRnn;

/// <summary>Saving on ML.NET's <c>mlContext.Model</c> catalog without ever leaving a half-written file.</summary>
public static class RnnModelOperations
{
    /// <summary>
    /// Saves a model as ML.NET's <c>Model.Save</c> does, but to a temporary file in the target folder first, flushed to
    /// disk and then renamed over <paramref name="path"/>: a crash, a full disk or an exception while saving leaves the
    /// previous file (if any) as it was.
    /// </summary>
    /// <param name="catalog">ML.NET's model operations (<c>mlContext.Model</c>).</param>
    /// <param name="model">The fitted model.</param>
    /// <param name="inputSchema">The schema of the data the model reads (as for <c>Model.Save</c>).</param>
    /// <param name="path">The .zip to write; its folder must exist.</param>
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

        Tensors.NpyFile.WriteFileAtomically(full, stream => catalog.Save(model, inputSchema, stream));
    }
}
