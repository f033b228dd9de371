// Sentiment classification with the ML.NET-style pipeline: load the shipped UCI sentences, tokenize, map words to ids,
// train a bidirectional LSTM whose embedding starts from GloVe, evaluate on the held-out test split, save one .zip,
// load it back and predict with a thread-safe prediction engine.
//
// Run from the repository root:  dotnet run --project examples/SentimentClassification -c Release
using MLNetRnn.Data;
using MLNetRnn.Models;
using MLNetRnn.Pipeline;

string root = args.Length > 0 ? args[0] : ".";
string data = Path.Combine(root, "datasets", "sentiment");
string glove = Path.Combine(root, "datasets", "glove", "glove.sentiment.100d.txt");
string modelPath = Path.Combine(root, "artifacts", "sentiment.zip");
Directory.CreateDirectory(Path.GetDirectoryName(modelPath)!);

var ctx = new RnnContext(seed: 1);
var train = ctx.Data.LoadFromTextFile<Review>(Path.Combine(data, "train.tsv"), hasHeader: true);
var validation = ctx.Data.LoadFromTextFile<Review>(Path.Combine(data, "validation.tsv"), hasHeader: true);
var test = ctx.Data.LoadFromTextFile<Review>(Path.Combine(data, "test.tsv"), hasHeader: true);
Console.WriteLine($"train {train.RowCount}, validation {validation.RowCount}, test {test.RowCount} sentences");

var options = new SequenceClassificationOptions
{
    LabelColumnName = nameof(Review.Label),
    FeatureColumnName = "Ids",
    EmbeddingSize = 100,                 // GloVe 6B 100d
    PretrainedEmbeddingsPath = glove,
    HiddenSize = 64,
    Bidirectional = true,
    Pooling = SequencePooling.Max,
    Dropout = 0.5f,
    Epochs = 15,
    BatchSize = 32,
    LearningRate = 0.002f,
    ClipNorm = 1f,
    ValidationSet = validation,          // early stopping on validation loss, best weights restored
    EarlyStoppingPatience = 3,
    Progress = new ConsoleProgress(),
};
var pipeline = ctx.Transforms.Text.TokenizeIntoWords("Tokens", nameof(Review.Text))
    .Append(ctx.Transforms.Text.MapTokensToIds("Ids", "Tokens", maxVocabularySize: 20000))
    .Append(ctx.SequenceClassification.Trainers.Lstm(options));

var model = pipeline.Fit(train);
var metrics = ctx.SequenceClassification.Evaluate(model.Transform(test), labelColumnName: nameof(Review.Label));
Console.WriteLine();
Console.WriteLine(metrics);

ctx.Model.Save(model, train.Schema, modelPath);
Console.WriteLine($"saved {Path.GetFullPath(modelPath)}");

// An app would do just this: load the file and predict, from as many threads as it likes.
var engine = ctx.Model.CreatePredictionEngine<Review, ReviewPrediction>(ctx.Model.Load(modelPath));
foreach (string text in new[] { "The food was delicious and the staff were lovely.", "Worst phone I have ever owned.", "Not bad at all!" })
{
    var prediction = engine.Predict(new Review { Text = text });
    Console.WriteLine($"{prediction.PredictedLabel,-9} {prediction.Score.Max():P0}  {text}");
}

/// <summary>A row of the dataset files (header <c>Text	Label</c>).</summary>
internal sealed class Review
{
    public string Text { get; set; } = string.Empty;

    public string Label { get; set; } = string.Empty;
}

/// <summary>What the prediction engine fills in.</summary>
internal sealed class ReviewPrediction
{
    public string PredictedLabel { get; set; } = string.Empty;

    public float[] Score { get; set; } = [];
}

/// <summary>Prints one line per epoch.</summary>
internal sealed class ConsoleProgress : IProgress<MLNetRnn.Training.TrainingProgress>
{
    public void Report(MLNetRnn.Training.TrainingProgress p) =>
        Console.WriteLine($"epoch {p.Epoch,2}/{p.Epochs}: loss {p.TrainingLoss:F4}, validation loss {p.ValidationLoss:F4}, accuracy {p.ValidationAccuracy:P1}, {p.TokensPerSecond:N0} tokens/s{(p.IsBest ? "  (best so far)" : string.Empty)}");
}
