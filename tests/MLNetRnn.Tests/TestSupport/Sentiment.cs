using MLNetRnn.Data;
using MLNetRnn.Models;
using MLNetRnn.Pipeline;

namespace MLNetRnn.Tests.TestSupport;

/// <summary>Rows of the shipped sentiment dataset, and a small pipeline that fits in a second or two.</summary>
public sealed class Review
{
    public string Text { get; set; } = string.Empty;

    public string Label { get; set; } = string.Empty;
}

public sealed class ReviewPrediction
{
    public string PredictedLabel { get; set; } = string.Empty;

    public float[] Score { get; set; } = [];
}

internal static class Sentiment
{
    public static string Dataset(string file)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MLNetRnn.sln")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir?.FullName ?? throw new DirectoryNotFoundException("MLNetRnn.sln not found above the test folder."), "datasets", "sentiment", file);
    }

    public static DataView Load(RnnContext ctx, string file, int take = int.MaxValue)
    {
        var data = ctx.Data.LoadFromTextFile<Review>(Dataset(file), hasHeader: true);
        return take >= data.RowCount ? data : data.SelectRows(Enumerable.Range(0, take).ToArray());
    }

    public static EstimatorChain<SequenceClassificationModel> Pipeline(RnnContext ctx, SequenceClassificationOptions? options = null) =>
        ctx.Transforms.Text.TokenizeIntoWords("Tokens", "Text")
            .Append(ctx.Transforms.Text.MapTokensToIds("Ids", "Tokens", maxVocabularySize: 2000))
            .Append(ctx.SequenceClassification.Trainers.Lstm(options ?? new SequenceClassificationOptions { EmbeddingSize = 16, HiddenSize = 16, Epochs = 2 }));
}
