using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRnn.Classification;
using MLNetRnn.Tests.TestSupport;

namespace MLNetRnn.Tests.Reliability;

/// <summary>
/// Issue 12, bad data: an empty or whitespace-only text has no tokens and is read as one <c>&lt;UNK&gt;</c> (id 1), in
/// training, in the training-time model's prediction engine and in the saved zip loaded with plain <c>Model.Load</c>.
/// </summary>
public sealed class EmptyTextTests : IClassFixture<EmptyTextTests.Trained>
{
    private static readonly string[] Blank = ["", " ", "   \t  ", "\r\n", "\u00a0\u2003"]; // no-break and em space are whitespace too

    private readonly Trained _trained;

    public EmptyTextTests(Trained trained) => _trained = trained;

    [Fact]
    public void Fit_AcceptsRowsWhoseTextIsEmptyOrWhitespace()
    {
        var scored = _trained.Model.Transform(_trained.Train);
        Assert.Equal(_trained.Rows.Length, scored.GetColumn<string>("PredictedLabel").Count());
    }

    [Fact]
    public void EmptyAndWhitespaceText_HasNoTokensAndReadsAsTheSingleUnknownId()
    {
        var data = _trained.Ml.Data.LoadFromEnumerable(Blank.Select(t => new Review { Text = t, Label = "no" }));
        var output = _trained.Model.Transform(data);
        Assert.All(RoundTrip.Tokens(output, "Tokens"), Assert.Empty);
        Assert.All(DataViews.ColumnReader.TokenIds(output, "Ids"), ids => Assert.Equal([1], ids)); // <UNK> = 1
    }

    [Fact]
    public void EmptyAndWhitespaceText_PredictsAsAnUnknownWord_InTheEngineAndTheSavedModel()
    {
        var engine = _trained.Ml.Model.CreatePredictionEngine<Review, ReviewPrediction>(_trained.Model);
        float[] unknownWord = engine.Predict(new Review { Text = "zzzzunseen" }).Score; // one token, not in the vocabulary: ids [1]
        var (loaded, path) = RoundTrip.SaveAndLoad(_trained.Ml, _trained.Model, _trained.Train.Schema);
        try
        {
            var loadedEngine = new MLContext(seed: 11).Model.CreatePredictionEngine<Review, ReviewPrediction>(loaded);
            foreach (string text in Blank)
            {
                var trainingTime = engine.Predict(new Review { Text = text });
                var reloaded = loadedEngine.Predict(new Review { Text = text });
                Assert.Equal(unknownWord, trainingTime.Score);
                Assert.Equal(trainingTime.Score, reloaded.Score);
                Assert.Equal(trainingTime.PredictedLabel, reloaded.PredictedLabel);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A small classifier trained on the "seven" task plus rows whose text is empty or whitespace.</summary>
    public sealed class Trained
    {
        public Trained()
        {
            Ml = new MLContext(seed: 1);
            Rows = [.. Synthetic.Rows(120, seed: 5), .. Blank.Select((t, i) => new Review { Text = t, Label = i % 2 == 0 ? "yes" : "no" })];
            Train = Ml.Data.LoadFromEnumerable(Rows);
            var options = new SequenceClassificationOptions { FeatureColumnName = "Ids", EmbeddingSize = 8, HiddenSize = 8, Epochs = 2, Seed = 3 };
            Model = Sentiment.Pipeline(Ml, options).Fit(Train);
        }

        public MLContext Ml { get; }

        public Review[] Rows { get; }

        public IDataView Train { get; }

        public ITransformer Model { get; }
    }
}
