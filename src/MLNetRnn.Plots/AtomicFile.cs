namespace MLNetRnn.Plots;

/// <summary>
/// Writes an image through the library's one temporary-file-and-rename writer (the one models and .npy files use), so a
/// crash or a full disk never leaves half an image, after checking the folder exists so the message says what to do.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/>, replacing any file there only once all bytes are on disk.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    public static void Write(string path, byte[] bytes)
    {
        string fullPath = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"'{path}' is a root folder, not a file path.", nameof(path));
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The folder of '{path}' ('{folder}') does not exist; create it or choose another path.");
        }

        Tensors.NpyFile.WriteFileAtomically(fullPath, stream => stream.Write(bytes));
    }
}
