using Microsoft.ML;
using MLNetRnn.DataViews;

namespace MLNetRnn.Benchmarks.MLNetPath;

/// <summary>
/// The data of <c>mlnet-path</c>: the sentiment training file, tokenized and mapped to ids once by
/// <c>MapValueToKey("Label") → TokenizeWords("Tokens", "Text") → MapTokensToIds("Ids", "Tokens")</c> and cached in memory
/// (<c>ml.Data.Cache</c>, Label and Ids prefetched), plus the same columns read into arrays for the engine-only path with
/// the reader the trainer itself uses.
/// </summary>
public sealed class SentimentWorkload
{
    /// <summary>The key label column.</summary>
    public const string LabelColumn = "Label";

    /// <summary>The token-key column the trainer reads.</summary>
    public const string IdsColumn = "Ids";

    private SentimentWorkload(MLContext context, IDataView rawText, IDataView ids, int[][] sequences, int[] targets, int vocabularySize, int classCount)
    {
        Context = context;
        RawText = rawText;
        Ids = ids;
        Sequences = sequences;
        Targets = targets;
        VocabularySize = vocabularySize;
        ClassCount = classCount;
        TokensPerEpoch = sequences.Sum(s => (long)s.Length);
    }

    /// <summary>Gets the context every path is made with.</summary>
    public MLContext Context { get; }

    /// <summary>Gets the raw rows (Text, Label), cached in memory: the input of the full pipeline.</summary>
    public IDataView RawText { get; }

    /// <summary>Gets the tokenized rows (Label key, Ids key vector, and the earlier columns), cached in memory and read
    /// once already: the input of the ML.NET path.</summary>
    public IDataView Ids { get; }

    /// <summary>Gets each row's token ids (id = key + 1), as the trainer reads them.</summary>
    public int[][] Sequences { get; }

    /// <summary>Gets each row's class (key − 1).</summary>
    public int[] Targets { get; }

    /// <summary>Gets V: the keys plus <c>&lt;PAD&gt;</c> and <c>&lt;UNK&gt;</c>.</summary>
    public int VocabularySize { get; }

    /// <summary>Gets C.</summary>
    public int ClassCount { get; }

    /// <summary>Gets the real tokens of one epoch (the sum of the rows' lengths).</summary>
    public long TokensPerEpoch { get; }

    /// <summary>Gets the row count.</summary>
    public int Rows => Sequences.Length;

    /// <summary>The steps before the trainer.</summary>
    /// <param name="ml">The context.</param>
    /// <returns>The estimator chain.</returns>
    public static IEstimator<ITransformer> Prefix(MLContext ml)
    {
        ArgumentNullException.ThrowIfNull(ml);
        return ml.Transforms.Conversion.MapValueToKey(LabelColumn)
            .Append(ml.Transforms.Text.TokenizeWords("Tokens", "Text"))
            .Append(ml.Transforms.Text.MapTokensToIds(IdsColumn, "Tokens"));
    }

    /// <summary>Loads, tokenizes, caches and reads the file.</summary>
    /// <param name="path">A tab-separated file with a <c>Text	Label</c> header.</param>
    /// <returns>The workload.</returns>
    public static SentimentWorkload Load(string path)
    {
        var ml = new MLContext(seed: 1);
        var raw = ml.Data.Cache(ml.Data.LoadFromTextFile<SentimentRow>(path, hasHeader: true));
        var ids = ml.Data.Cache(Prefix(ml).Fit(raw).Transform(raw), LabelColumn, IdsColumn);
        int[][] sequences = ColumnReader.TokenIds(ids, IdsColumn); // this pass fills the cache
        int[] targets = ColumnReader.Classes(ids, LabelColumn);
        int vocabulary = Columns.KeyValues(ids.Schema[IdsColumn]).Length + 2; // <PAD>, <UNK>, then the keys, as the trainer builds it
        int classes = Columns.RequireLabelKey(ids.Schema, LabelColumn);
        return new SentimentWorkload(ml, raw, ids, sequences, targets, vocabulary, classes);
    }

    /// <summary>Finds <c>datasets/sentiment/train.tsv</c> above the current and program directories.</summary>
    /// <returns>The path, or null.</returns>
    public static string? FindTrainingFile()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "datasets", "sentiment", "train.tsv");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
