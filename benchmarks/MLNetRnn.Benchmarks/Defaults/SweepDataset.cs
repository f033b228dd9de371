namespace MLNetRnn.Benchmarks.Defaults;

/// <summary>A dataset of the sweep: a folder with <c>train.tsv</c>, <c>validation.tsv</c>, <c>test.tsv</c> (header <c>Text\tLabel</c>) and its token level.</summary>
/// <param name="Name">Short name for the tables.</param>
/// <param name="Folder">The folder, relative to the repository root.</param>
/// <param name="Characters">Character level (<c>--level char</c>) instead of words.</param>
public sealed record SweepDataset(string Name, string Folder, bool Characters)
{
    /// <summary>The four tasks of issue 9: the UCI sentiment sources one at a time, and first names → gender by characters.</summary>
    public static IReadOnlyList<SweepDataset> All { get; } =
    [
        new("amazon", "datasets/sentiment/amazon", false),
        new("imdb", "datasets/sentiment/imdb", false),
        new("yelp", "datasets/sentiment/yelp", false),
        new("names", "datasets/names", true),
    ];

    /// <summary>The path of one split under <paramref name="root"/>.</summary>
    public string File(string root, string split) => Path.Combine(root, Folder, split + ".tsv");
}
