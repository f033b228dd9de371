using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRnn.Layers;
using MLNetRnn.Tagging;
using MLNetRnn.Tests.TestSupport;
using MLNetRnn.Text;
using Xunit.Abstractions;

namespace MLNetRnn.Tests.Tagging;

/// <summary>
/// The tagger in an MLContext pipeline on Brown part-of-speech data (a seeded subset, 2 epochs): it beats the
/// most-frequent-tag-per-word baseline, and a zip saved with ML.NET and loaded with plain ML.NET gives the engine's tags
/// (arg-max, and Viterbi inside the ONNX graph for the CRF head).
/// </summary>
public sealed class TaggingPipelineTests : IClassFixture<TaggingPipelineTests.Trained>
{
    private readonly Trained _trained;
    private readonly ITestOutputHelper _output;

    public TaggingPipelineTests(Trained trained, ITestOutputHelper output) => (_trained, _output) = (trained, output);

    [Fact]
    public void Fit_BeatsTheMostFrequentTagBaselineOnBrownValidation()
    {
        var t = _trained;
        double baseline = MostFrequentTagAccuracy(t.TrainRows, t.ValidationRows);
        var metrics = t.Ml.Tagging.Evaluate(t.Model.Transform(t.Ml.Data.LoadFromEnumerable(t.ValidationRows)));
        _output.WriteLine($"Brown POS, {t.TrainRows.Length} training sentences, 2 epochs ({t.FitSeconds:F1} s): validation accuracy {metrics.TokenAccuracy:P2}, most-frequent-tag baseline {baseline:P2}");
        Assert.Equal(t.ValidationRows.Sum(r => r.Tags.Length), metrics.Tokens);
        Assert.True(metrics.TokenAccuracy > baseline, $"tagger {metrics.TokenAccuracy:P2} vs baseline {baseline:P2}");
        var tagger = t.Model.LastTransformer;
        Assert.Equal(2, tagger.TrainingHistory.Count);
        var kept = tagger.TrainingHistory.Last(h => h.IsBest); // early stopping keeps the best epoch's weights
        Assert.Equal(metrics.TokenAccuracy, kept.ValidationAccuracy!.Value, 9); // the loop's score is the evaluator's
    }

    [Fact]
    public void SaveLoad_PlainMLNetGivesTheEnginesTags()
    {
        var t = _trained;
        AssertReloadedEqualsEngine(t.Ml, t.Model, t.TestRows);
    }

    [Fact]
    public void SaveLoad_CrfViterbiInsideTheGraphGivesTheEnginesTags()
    {
        var ml = new MLContext(seed: 1);
        var rows = _trained.TrainRows.Take(300).ToArray();
        var options = new SequenceTaggingOptions { FeatureColumnName = "Ids", Crf = true, EmbeddingSize = 16, HiddenSize = 16, Epochs = 1, Seed = 3 };
        var model = ml.Transforms.Text.MapTokensToIds("Ids", "Tokens").Append(ml.Tagging.Trainers.Gru(options)).Fit(ml.Data.LoadFromEnumerable(rows));
        var test = _trained.TestRows.Take(200).Append(new TaggedRow { Tokens = ["Yes"], Tags = ["INTJ"] }).ToArray(); // a one-token sentence: zero-step loops
        AssertReloadedEqualsEngine(ml, model, test);
        Assert.Contains("crf.transitions", (model.LastTransformer).Tensors.Select(x => x.Name));
    }

    [Fact]
    public void PredictionEngine_OnTheLoadedZipTagsOneSentence()
    {
        var t = _trained;
        var (loaded, path) = RoundTrip.SaveAndLoad(t.Ml, t.Model, t.Ml.Data.LoadFromEnumerable(t.TestRows).Schema);
        File.Delete(path);
        var engine = new MLContext(seed: 2).Model.CreatePredictionEngine<TaggedRow, TagPrediction>(loaded);
        var row = t.TestRows[0];
        var expected = (t.Model.LastTransformer).PredictTags(t.Model.Take(t.Model.Count() - 1).Aggregate(
            t.Ml.Data.LoadFromEnumerable(new[] { row }), (data, step) => step.Transform(data)))[0];
        Assert.Equal(expected, engine.Predict(row).PredictedTags);
    }

    [Fact]
    public void SaveAtomically_IsByteIdenticalAndLoadsVerified()
    {
        var t = _trained;
        var data = t.Ml.Data.LoadFromEnumerable(t.TestRows.Take(50));
        string first = Path.Combine(Path.GetTempPath(), $"mlnetrnn-tagger-{Guid.NewGuid():N}.zip"), second = first + ".2.zip";
        try
        {
            t.Ml.Model.SaveAtomically(t.Model, data.Schema, first);
            t.Ml.Model.SaveAtomically(t.Model, data.Schema, second);
            Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
            var loaded = new MLContext(seed: 3).Model.LoadVerified(first, out _);
            Assert.Equal(RoundTrip.Tokens(t.Model.Transform(data), "PredictedTags"), RoundTrip.Tokens(loaded.Transform(data), "PredictedTags"));
        }
        finally
        {
            File.Delete(first);
            File.Delete(second);
        }
    }

    [Fact]
    public void Fit_ThrowsNamingTheRowWhenTokenAndTagCountsDiffer()
    {
        var ml = new MLContext(seed: 1);
        TaggedRow[] rows = [new() { Tokens = ["a", "b"], Tags = ["X", "Y"] }, new() { Tokens = ["a", "b", "c"], Tags = ["X", "Y"] }];
        var e = Assert.Throws<ArgumentException>(() => ml.Transforms.Text.MapTokensToIds("Ids", "Tokens")
            .Append(ml.Tagging.Trainers.Lstm(featureColumnName: "Ids", epochs: 1)).Fit(ml.Data.LoadFromEnumerable(rows)));
        Assert.Contains("Row 1 of the training data has 3 tokens in column 'Ids' but 2 tags in column 'Tags'", e.Message);
    }

    [Fact]
    public void GetOutputSchema_AddsAStringVectorBeforeFitAndRejectsWrongColumns()
    {
        var ml = new MLContext(seed: 1);
                var pipeline = ml.Transforms.Text.MapTokensToIds("Ids", "Tokens").Append(ml.Tagging.Trainers.Rnn(featureColumnName: "Ids"));
        var predicted = pipeline.GetOutputSchema(Classification.ClassificationPipelineTests.ShapeOf<TaggedRow>(ml)).First(c => c.Name == "PredictedTags");
        Assert.Equal(SchemaShape.Column.VectorKind.VariableVector, predicted.Kind);
        Assert.Equal(TextDataViewType.Instance, predicted.ItemType);
        var e = Assert.Throws<ArgumentException>(() => ml.Tagging.Trainers.Lstm(featureColumnName: "Tokens").GetOutputSchema(Classification.ClassificationPipelineTests.ShapeOf<TaggedRow>(ml)));
        Assert.Contains("Column 'Tokens' (token ids) must be a vector of keys", e.Message);
        e = Assert.Throws<ArgumentException>(() => ml.Tagging.Trainers.Lstm(tagColumnName: "Ids", featureColumnName: "Ids").GetOutputSchema(pipeline.GetOutputSchema(Classification.ClassificationPipelineTests.ShapeOf<TaggedRow>(ml))));
        Assert.Contains("Column 'Ids' (tags) must be a vector of String", e.Message);
    }

    private static void AssertReloadedEqualsEngine(MLContext ml, TransformerChain<SequenceTaggingModel> model, TaggedRow[] rows)
    {
        var data = ml.Data.LoadFromEnumerable(rows);
        var tagger = model.LastTransformer;
        var ids = model.Take(model.Count() - 1).Aggregate(data, (view, step) => step.Transform(view));
        string[][] engine = tagger.PredictTags(ids);
        var (loaded, path) = RoundTrip.SaveAndLoad(ml, model, data.Schema);
        try
        {
            string[][] onnx = RoundTrip.Tokens(loaded.Transform(data), "PredictedTags");
            Assert.Equal(rows.Length, onnx.Length);
            for (int r = 0; r < rows.Length; r++)
            {
                Assert.Equal(rows[r].Tokens.Length, onnx[r].Length);
                Assert.True(engine[r].SequenceEqual(onnx[r]), $"Row {r}: engine [{string.Join(' ', engine[r])}] vs ONNX [{string.Join(' ', onnx[r])}].");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Each word's most frequent training tag (ties: the ordinally first tag), and for unseen words the most frequent tag overall.</summary>
    private static double MostFrequentTagAccuracy(TaggedRow[] train, TaggedRow[] test)
    {
        var pairs = train.SelectMany(r => r.Tokens.Zip(r.Tags)).ToArray();
        string overall = pairs.GroupBy(p => p.Second).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First().Key;
        var best = pairs.GroupBy(p => p.First, StringComparer.Ordinal).ToDictionary(g => g.Key,
            g => g.GroupBy(p => p.Second).OrderByDescending(x => x.Count()).ThenBy(x => x.Key, StringComparer.Ordinal).First().Key, StringComparer.Ordinal);
        var tokens = test.SelectMany(r => r.Tokens.Zip(r.Tags)).ToArray();
        return (double)tokens.Count(p => (best.TryGetValue(p.First, out var tag) ? tag : overall) == p.Second) / tokens.Length;
    }

    public sealed class TaggedRow
    {
        public string[] Tokens { get; set; } = [];

        public string[] Tags { get; set; } = [];
    }

    public sealed class TagPrediction
    {
        public string[] PredictedTags { get; set; } = [];
    }

    /// <summary>A bidirectional LSTM tagger fitted once on the first 3,000 Brown training sentences for 2 epochs.</summary>
    public sealed class Trained
    {
        public Trained()
        {
            TaggedRow[] Load(string split, int count) => [.. ConllReader.Load(Path.Combine(Sentiment.Repository(), "datasets", "brown", "pos", split + ".conll"))
                .Take(count).Select(s => new TaggedRow { Tokens = [.. s.Tokens], Tags = [.. s.Tags] })];
            TrainRows = Load("train", 3000);
            ValidationRows = Load("validation", 1000);
            TestRows = Load("test", 500);
            var train = Ml.Data.LoadFromEnumerable(TrainRows);
            var ids = Ml.Transforms.Text.MapTokensToIds("Ids", "Tokens", minCount: 2);
            var validation = ids.Fit(train).Transform(Ml.Data.LoadFromEnumerable(ValidationRows));
            var options = new SequenceTaggingOptions
            {
                FeatureColumnName = "Ids", EmbeddingSize = 64, HiddenSize = 64, Epochs = 2, BatchSize = 16, LearningRate = 0.01f, Seed = 20240501,
                ValidationSet = validation, EarlyStoppingPatience = 2,
            };
            var clock = Stopwatch.StartNew();
            Model = ids.Append(Ml.Tagging.Trainers.Lstm(options)).Fit(train);
            FitSeconds = clock.Elapsed.TotalSeconds;
        }

        public MLContext Ml { get; } = new(seed: 1);

        public TaggedRow[] TrainRows { get; }

        public TaggedRow[] ValidationRows { get; }

        public TaggedRow[] TestRows { get; }

        public TransformerChain<SequenceTaggingModel> Model { get; }

        public double FitSeconds { get; }
    }
}
