// MLNetRnn quick start, a .NET 10 file-based app: trains a bidirectional LSTM sentiment classifier on the shipped UCI
// sentences in an ML.NET pipeline, then prints ML.NET's test accuracy and one prediction. From the repository root:
//
//   dotnet run examples/quickstart.cs
//
// The first run also builds the library (under a minute); training takes about ten seconds.
#:project ../src/MLNetRnn/MLNetRnn.csproj
// File-based apps default to PublishAot=true, which turns on the AOT analyzers; ML.NET's reflection-based loading and
// prediction engine would warn, and this repository treats warnings as errors.
#:property PublishAot=false

using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRnn;                 // the catalog extensions: TokenizeWords, MapTokensToIds, Trainers.Lstm
using MLNetRnn.Classification;  // SequenceClassificationOptions, SequencePooling

// The repository root is the parent of this file's folder, wherever `dotnet run` is started from.
string root = AppContext.GetData("EntryPointFileDirectoryPath") is string here ? Path.Combine(here, "..") : ".";
string data = Path.Combine(root, "datasets", "sentiment");

var ml = new MLContext(seed: 1);
var train = ml.Data.LoadFromTextFile<Review>(Path.Combine(data, "train.tsv"), hasHeader: true);
var test = ml.Data.LoadFromTextFile<Review>(Path.Combine(data, "test.tsv"), hasHeader: true);

var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")                              // ML.NET
    .Append(ml.Transforms.Text.TokenizeWords("Tokens", "Text"))                             // MLNetRnn: words and punctuation
    .Append(ml.Transforms.Text.MapTokensToIds("Ids", "Tokens", maxVocabularySize: 5000))    // MLNetRnn: vocabulary, <PAD>/<UNK>
    .Append(ml.MulticlassClassification.Trainers.Lstm(new SequenceClassificationOptions      // MLNetRnn: the network
    {
        FeatureColumnName = "Ids",
        EmbeddingSize = 100,                                                                  // starts from GloVe 6B 100d
        PretrainedEmbeddingsPath = Path.Combine(root, "datasets", "glove", "glove.sentiment.100d.txt"),
        HiddenSize = 32,
        Bidirectional = true,
        Pooling = SequencePooling.Max,
        Dropout = 0.5f,
        Epochs = 5,
    }))
    .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));                      // ML.NET

var started = DateTime.UtcNow;
var model = pipeline.Fit(train);
Console.WriteLine($"trained in {(DateTime.UtcNow - started).TotalSeconds:F1} s");
var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));                 // ML.NET's evaluator
Console.WriteLine($"test accuracy: {metrics.MicroAccuracy:F3} (log-loss {metrics.LogLoss:F3})");

var engine = ml.Model.CreatePredictionEngine<Review, Prediction>(model);
var review = new Review { Text = "The food was great and the staff were friendly." };
var prediction = engine.Predict(review);
Console.WriteLine($"prediction: \"{review.Text}\" -> {prediction.PredictedLabel} (p = {prediction.Score.Max():F3})");

/// <summary>A row of datasets/sentiment/*.tsv: the sentence and its label.</summary>
public sealed class Review
{
    /// <summary>Gets or sets the sentence.</summary>
    [LoadColumn(0)]
    public string Text { get; set; } = "";

    /// <summary>Gets or sets the label, "positive" or "negative".</summary>
    [LoadColumn(1)]
    public string Label { get; set; } = "";
}

/// <summary>What the model adds to a row: the predicted label and the class probabilities.</summary>
public sealed class Prediction
{
    /// <summary>Gets or sets the predicted label.</summary>
    public string PredictedLabel { get; set; } = "";

    /// <summary>Gets or sets the class probabilities, in the label's key order.</summary>
    public float[] Score { get; set; } = [];
}
