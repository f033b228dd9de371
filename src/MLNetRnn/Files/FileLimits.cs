namespace MLNetRnn.Files;

/// <summary>
/// The size caps every reader of untrusted files checks before it allocates or loops by what a file claims. One place, so
/// the README and the messages quote the same numbers. Above a cap a file is refused with <see cref="InvalidDataException"/>.
/// </summary>
internal static class FileLimits
{
    /// <summary>Entries in one zip archive (a model zip has about 30, a PyTorch state dict a few hundred).</summary>
    public const int MaxZipEntries = 10_000;

    /// <summary>Declared uncompressed size of one zip entry: 2 GiB − 1, the most an ONNX graph (protobuf) or a .NET array of bytes holds.</summary>
    public const long MaxZipEntryBytes = int.MaxValue;

    /// <summary>Declared uncompressed size of all entries of one zip archive together: 8 GiB.</summary>
    public const long MaxZipTotalBytes = 8L << 30;

    /// <summary>
    /// Declared uncompressed size over compressed size of one entry. Deflate cannot exceed about 1,032:1, so a larger ratio
    /// is a lie in the header or a zip bomb. Entries up to <see cref="RatioFreeBytes"/> are exempt.
    /// </summary>
    public const long MaxCompressionRatio = 1_100;

    /// <summary>Entries this small are never refused for their compression ratio.</summary>
    public const long RatioFreeBytes = 64 << 10;

    /// <summary>An archive read from a stream that cannot seek is buffered in memory up to this size (2 GiB − 1).</summary>
    public const long MaxBufferedArchiveBytes = int.MaxValue;

    /// <summary>The seal entry of a model zip (<c>MLNetRnn/integrity.json</c>) is at most 16 MiB.</summary>
    public const long MaxSealBytes = 16 << 20;

    /// <summary>Nesting of ONNX subgraphs (Loop bodies inside Loop bodies …).</summary>
    public const int MaxOnnxGraphDepth = 16;

    /// <summary>Dimensions of one ONNX tensor (NumPy 2's limit for arrays; our graphs use at most 4).</summary>
    public const int MaxDimensions = 64;

    /// <summary>Nesting of brackets in a .npy header (a real header nests two deep).</summary>
    public const int MaxNpyHeaderNesting = 8;

    /// <summary>Characters in one line of a word-vector text file (a 300-dimensional GloVe line has about 3,000).</summary>
    public const int MaxWordVectorLineChars = 1 << 20;

    /// <summary>Characters in one line of a CoNLL-style tagged file (a token and a few tags; CoNLL-U lines stay far below).</summary>
    public const int MaxConllLineChars = 1 << 16;

    /// <summary>Beam size a saved encoder–decoder may ask for.</summary>
    public const int MaxBeamSize = 1_000;

    /// <summary>Longest output, in tokens, a saved encoder–decoder may ask for.</summary>
    public const int MaxOutputLength = 100_000;
}
