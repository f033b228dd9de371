using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRnn.Classification;

namespace MLNetRnn.Tests.TestSupport;

/// <summary>Rows of the shipped sentiment dataset, and a small pipeline that fits in a second or two.</summary>
public sealed class Review
{
    [LoadColumn(0)]
    public string Text { get; set; } = string.Empty;

    [LoadColumn(1)]
    public string Label { get; set; } = string.Empty;
}

public sealed class ReviewPrediction
{
    public string PredictedLabel { get; set; } = string.Empty;

    public float[] Score { get; set; } = [];
}

internal static class Sentiment
{
    public static string Repository()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MLNetRnn.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new DirectoryNotFoundException("MLNetRnn.sln not found above the test folder.");
    }

    public static string Dataset(string file) => Path.Combine(Repository(), "datasets", "sentiment", file);

    public static IDataView Load(MLContext ml, string file, int take = int.MaxValue)
    {
        var data = ml.Data.LoadFromTextFile<Review>(Dataset(file), hasHeader: true);
        return take == int.MaxValue ? data : ml.Data.TakeRows(data, take);
    }

    /// <summary>Label key, word tokens, ids: the steps before a classifier.</summary>
    public static IEstimator<ITransformer> Prefix(MLContext ml) =>
        ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.Text.TokenizeWords("Tokens", "Text"))
            .Append(ml.Transforms.Text.MapTokensToIds("Ids", "Tokens", maxVocabularySize: 2000));

    public static IEstimator<ITransformer> Pipeline(MLContext ml, SequenceClassificationOptions? options = null) =>
        Prefix(ml).Append(ml.MulticlassClassification.Trainers.Lstm(options ?? new SequenceClassificationOptions { FeatureColumnName = "Ids", EmbeddingSize = 16, HiddenSize = 16, Epochs = 2 }))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
}
