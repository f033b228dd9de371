using MLNetRnn.Data;
using MLNetRnn.Models;
using MLNetRnn.Pipeline;
using MLNetRnn.Tests.TestSupport;
using MLNetRnn.Transforms;

namespace MLNetRnn.Tests.Pipeline;

/// <summary>The classification pipeline end to end on real sentences: fit, transform, evaluate, save, load, predict.</summary>
public sealed class SequenceClassificationPipelineTests
{
    [Fact]
    public void FitSaveLoad_ReloadedModelGivesIdenticalProbabilities()
    {
        var ctx = new RnnContext(seed: 1);
        var train = Sentiment.Load(ctx, "train.tsv", take: 300);
        var test = Sentiment.Load(ctx, "test.tsv", take: 60);
        var model = Sentiment.Pipeline(ctx).Fit(train);
        var before = model.Transform(test);

        var (loaded, path) = RoundTrip.SaveAndLoad(ctx, model, train);
        try
        {
            var after = loaded.Transform(test);
            RoundTrip.AssertSameColumn(before, after, "Score");
            RoundTrip.AssertSameColumn(before, after, "PredictedLabel");
            var metrics = ctx.SequenceClassification.Evaluate(after);
            Assert.Equal(60, metrics.Count);
            Assert.Equal(["negative", "positive"], metrics.Labels);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Fit_SameSeedGivesSameModelBytesAndDifferentSeedDoesNot()
    {
        byte[] Train(int seed)
        {
            var ctx = new RnnContext(seed);
            var train = Sentiment.Load(ctx, "train.tsv", take: 120);
            var model = Sentiment.Pipeline(ctx, new SequenceClassificationOptions { EmbeddingSize = 8, HiddenSize = 8, Epochs = 2, Dropout = 0.2f, Bidirectional = true }).Fit(train);
            string path = Path.Combine(Path.GetTempPath(), $"mlnetrnn-seed-{Guid.NewGuid():N}.zip");
            ctx.Model.Save(model, train.Schema, path);
            byte[] bytes = File.ReadAllBytes(path);
            File.Delete(path);
            return bytes;
        }

        Assert.Equal(Train(7), Train(7));
        Assert.NotEqual(Train(7), Train(8));
    }

    [Fact]
    public void Transform_UnknownWordsMapToUnk()
    {
        var ctx = new RnnContext(seed: 1);
        var data = ctx.Data.LoadFromEnumerable(new[] { new Review { Text = "good movie", Label = "positive" }, new Review { Text = "bad movie", Label = "negative" } });
        var tokens = ctx.Transforms.Text.TokenizeIntoWords("Tokens", "Text").Fit(data);
        var ids = ctx.Transforms.Text.MapTokensToIds("Ids", "Tokens").Fit(tokens.Transform(data));
        var unseen = ctx.Data.LoadFromEnumerable(new[] { new Review { Text = "Zyzzyva movie!", Label = "positive" } });

        int[] result = ids.Transform(tokens.Transform(unseen)).GetColumn<int[]>("Ids")[0];

        Assert.Equal([1, ids.Vocabulary.GetId("movie"), 1], result); // "zyzzyva" and "!" are unknown
        Assert.Equal("<UNK>", ids.Vocabulary[1]);
    }

    [Fact]
    public void Fit_WrongTextColumnTypeFailsBeforeTraining()
    {
        var ctx = new RnnContext(seed: 1);
        var data = ctx.Data.LoadFromEnumerable(new[] { new NumericRow { Text = 1.5f, Label = "a" } });
        var progress = new Progress();
        var pipeline = Sentiment.Pipeline(ctx, new SequenceClassificationOptions { Progress = progress });

        var e = Assert.Throws<ArgumentException>(() => pipeline.Fit(data));

        Assert.Contains("Column 'Text' must be String, got Single", e.Message);
        Assert.Equal(0, progress.Reports);
    }

    [Fact]
    public void Fit_MissingLabelColumnFailsBeforeTraining()
    {
        var ctx = new RnnContext(seed: 1);
        var data = ctx.Data.LoadFromEnumerable(new[] { new TextOnly { Text = "fine" } });
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Sentiment.Pipeline(ctx).Fit(data));
        Assert.Contains("Column 'Label' not found", e.Message);
    }

    [Fact]
    public void Evaluate_UnseenLabelIsAClearError()
    {
        var ctx = new RnnContext(seed: 1);
        var train = Sentiment.Load(ctx, "train.tsv", take: 80);
        var model = Sentiment.Pipeline(ctx, new SequenceClassificationOptions { EmbeddingSize = 8, HiddenSize = 8, Epochs = 1 }).Fit(train);
        var odd = ctx.Data.LoadFromEnumerable(new[] { new Review { Text = "meh", Label = "neutral" } });

        var e = Assert.Throws<ArgumentException>(() => ctx.SequenceClassification.Evaluate(model.Transform(odd)));

        Assert.Contains("Label 'neutral' in row 0", e.Message);
        Assert.Contains("negative, positive", e.Message);
    }

    [Fact]
    public void Fit_ValidationSetStopsEarlyAndReportsProgress()
    {
        var ctx = new RnnContext(seed: 3);
        var train = Sentiment.Load(ctx, "train.tsv", take: 200);
        var validation = Sentiment.Load(ctx, "validation.tsv", take: 60);
        var progress = new Progress();
        var options = new SequenceClassificationOptions
        {
            EmbeddingSize = 16, HiddenSize = 16, Epochs = 40, LearningRate = 0.02f, ValidationSet = validation, EarlyStoppingPatience = 2, Progress = progress,
        };

        Sentiment.Pipeline(ctx, options).Fit(train);

        Assert.InRange(progress.Reports, 3, 39); // a high learning rate overfits 200 rows quickly, so patience runs out
        Assert.All(progress.Items, p => Assert.NotNull(p.ValidationLoss));
        Assert.All(progress.Items, p => Assert.True(p.TokensPerSecond > 0));
        Assert.Contains(progress.Items, p => p.IsBest);
    }

    [Fact]
    public void PredictionEngine_EightThreadsGiveTheSameAnswersAsOne()
    {
        var ctx = new RnnContext(seed: 1);
        var train = Sentiment.Load(ctx, "train.tsv", take: 200);
        var model = Sentiment.Pipeline(ctx).Fit(train);
        var engine = ctx.Model.CreatePredictionEngine<Review, ReviewPrediction>(model);
        var inputs = Sentiment.Load(ctx, "test.tsv").GetColumn<string>("Text").Take(80).Select(t => new Review { Text = t }).ToArray();
        var serial = inputs.Select(r => engine.Predict(r).Score).ToArray();

        var parallel = new float[inputs.Length][];
        Parallel.For(0, inputs.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => parallel[i] = engine.Predict(inputs[i]).Score);

        for (int i = 0; i < inputs.Length; i++)
        {
            Assert.Equal(serial[i], parallel[i]);
        }
    }

    private sealed class Progress : IProgress<MLNetRnn.Training.TrainingProgress>
    {
        public List<MLNetRnn.Training.TrainingProgress> Items { get; } = [];

        public int Reports => Items.Count;

        public void Report(MLNetRnn.Training.TrainingProgress value) => Items.Add(value);
    }

    public sealed class NumericRow
    {
        public float Text { get; set; }

        public string Label { get; set; } = string.Empty;
    }

    public sealed class TextOnly
    {
        public string Text { get; set; } = string.Empty;
    }
}
