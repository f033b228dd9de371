using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRnn.Classification;
using MLNetRnn.Layers;
using MLNetRnn.Tests.TestSupport;

namespace MLNetRnn.Tests.Classification;

/// <summary>
/// The recurrent classifier as an ML.NET multiclass trainer: real MLContext pipelines, ML.NET's evaluator,
/// cross-validation, Model.Save/Load and PredictionEngine, and the multiclass column conventions.
/// </summary>
public sealed class ClassificationPipelineTests : IClassFixture<ClassificationPipelineTests.Trained>
{
    private readonly Trained _trained;

    public ClassificationPipelineTests(Trained trained) => _trained = trained;

    [Fact]
    public void Fit_LearnsATaskWithAKnownAnswer_ScoredByMLNetsEvaluator()
    {
        var metrics = _trained.Ml.MulticlassClassification.Evaluate(_trained.Model.Transform(_trained.Test));
        Assert.True(metrics.MicroAccuracy >= 0.97, $"accuracy {metrics.MicroAccuracy:F3} on 'does the word seven occur'");
        Assert.True(metrics.LogLoss < 0.15, $"log-loss {metrics.LogLoss:F3}");
    }

    [Fact]
    public void Outputs_FollowTheMulticlassConvention()
    {
        var schema = _trained.Model.Transform(_trained.Test).Schema;
        var score = schema["Score"];
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 2), score.Type);
        VBuffer<ReadOnlyMemory<char>> slots = default;
        score.GetSlotNames(ref slots);
        VBuffer<ReadOnlyMemory<char>> labelKeys = default;
        schema["Label"].GetKeyValues(ref labelKeys);
        Assert.Equal(labelKeys.DenseValues().Select(m => m.ToString()), slots.DenseValues().Select(m => m.ToString()));
        Assert.Equal(schema["Label"].Type, schema["PredictedLabel"].Type); // a key of the label's key type
        VBuffer<ReadOnlyMemory<char>> predictedKeys = default;
        schema["PredictedLabel"].GetKeyValues(ref predictedKeys);
        Assert.Equal(labelKeys.DenseValues().Select(m => m.ToString()), predictedKeys.DenseValues().Select(m => m.ToString()));
    }

    [Fact]
    public void PredictedLabel_IsTheArgMaxOfScore()
    {
        var scored = _trained.WithTextLabels().Transform(_trained.Test); // PredictedLabel mapped back to text by ML.NET's MapKeyToValue
        var scores = RoundTrip.Scores(scored, "Score");
        VBuffer<ReadOnlyMemory<char>> slots = default;
        scored.Schema["Score"].GetSlotNames(ref slots);
        string[] names = [.. slots.DenseValues().Select(m => m.ToString())];
        string[] predicted = [.. scored.GetColumn<string>("PredictedLabel")];
        for (int i = 0; i < scores.Length; i++)
        {
            Assert.Equal(names[Array.IndexOf(scores[i], scores[i].Max())], predicted[i]);
        }
    }

    [Fact]
    public void Evaluate_AgreesWithAccuracyAndLogLossComputedByHand()
    {
        var scored = _trained.Model.Transform(_trained.Test);
        var metrics = _trained.Ml.MulticlassClassification.Evaluate(scored);
        var scores = RoundTrip.Scores(scored, "Score");
        uint[] labels = [.. scored.GetColumn<uint>("Label")];
        double correct = 0, logLoss = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            int truth = (int)labels[i] - 1;
            correct += Array.IndexOf(scores[i], scores[i].Max()) == truth ? 1 : 0;
            logLoss -= Math.Log(Math.Max(scores[i][truth], 1e-15));
        }

        Assert.Equal(correct / scores.Length, metrics.MicroAccuracy, 12);
        Assert.Equal(logLoss / scores.Length, metrics.LogLoss, 5);
    }

    [Fact]
    public void OnnxRuntime_GivesTheEnginesProbabilities()
    {
        var scored = _trained.Model.Transform(_trained.Test);
        var onnx = RoundTrip.Scores(scored, "Score");
        int[][] ids = MLNetRnn.DataViews.ColumnReader.TokenIds(scored, "Ids");
        var engine = _trained.Classifier.Predict(ids);
        for (int i = 0; i < ids.Length; i++)
        {
            Compare.Close(onnx[i], engine[i], 1e-5, $"row {i}");
        }
    }

    [Fact]
    public void SaveLoad_PredictionEngineGivesTheSameAnswers()
    {
        var (loaded, path) = RoundTrip.SaveAndLoad(_trained.Ml, _trained.WithTextLabels(), _trained.Train.Schema);
        try
        {
            RoundTrip.AssertSameScores(_trained.Model.Transform(_trained.Test), loaded.Transform(_trained.Test), "Score");
            var engine = new MLContext().Model.CreatePredictionEngine<Review, ReviewPrediction>(loaded);
            var yes = engine.Predict(new Review { Text = "the dog sees seven cats" });
            var no = engine.Predict(new Review { Text = "the dog sees three cats" });
            Assert.Equal("yes", yes.PredictedLabel);
            Assert.Equal("no", no.PredictedLabel);
            Assert.Equal(1.0, yes.Score.Sum(), 5);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Transform_UnknownWordsAndEmptyTextReadAsUnk_InOnnxAsInTheEngine()
    {
        var data = _trained.Ml.Data.LoadFromEnumerable(new[]
        {
            new Review { Text = "zebra quokka seven", Label = "yes" },
            new Review { Text = string.Empty, Label = "no" },
        });
        var scored = _trained.Model.Transform(data);
        uint[][] keys = [.. scored.GetColumn<VBuffer<uint>>("Ids").Select(v => v.DenseValues().ToArray())];
        Assert.Equal([0u, 0u], keys[0][..2]); // unknown words: ML.NET's missing key, id 1 = <UNK>
        Assert.Empty(keys[1]);
        int[][] ids = MLNetRnn.DataViews.ColumnReader.TokenIds(scored, "Ids");
        Assert.Equal([1], ids[1]); // an empty text is one <UNK>
        var engine = _trained.Classifier.Predict(ids);
        var onnx = RoundTrip.Scores(scored, "Score");
        for (int i = 0; i < 2; i++)
        {
            Compare.Close(onnx[i], engine[i], 1e-5, $"row {i}");
        }
    }

    [Fact]
    public void GetOutputSchema_BeforeFit_AddsScoreAndPredictedLabel()
    {
        var ml = new MLContext(seed: 1);
        var prefix = Sentiment.Prefix(ml);
        var trainer = ml.MulticlassClassification.Trainers.Lstm(labelColumnName: "Label", featureColumnName: "Ids");
        var shape = prefix.Append(trainer).GetOutputSchema(ShapeOf<Review>(ml));
        var score = shape.Single(c => c.Name == "Score");
        var predicted = shape.Single(c => c.Name == "PredictedLabel");
        Assert.Equal(SchemaShape.Column.VectorKind.Vector, score.Kind);
        Assert.Equal(NumberDataViewType.Single, score.ItemType);
        Assert.True(predicted.IsKey);
        Assert.Equal(SchemaShape.Column.VectorKind.Scalar, predicted.Kind);
    }

    [Fact]
    public void Fit_StringLabel_FailsBeforeTrainingWithTheFix()
    {
        var ml = new MLContext(seed: 1);
        var progress = new Progress();
        var pipeline = ml.Transforms.Text.TokenizeWords("Tokens", "Text").Append(ml.Transforms.Text.MapTokensToIds("Ids", "Tokens"))
            .Append(ml.MulticlassClassification.Trainers.Lstm(new SequenceClassificationOptions { FeatureColumnName = "Ids", Progress = progress }));

        var e = Assert.Throws<ArgumentException>(() => pipeline.Fit(Sentiment.Load(ml, "train.tsv", 20)));

        Assert.Contains("Column 'Label' (the label) must be a key: add ml.Transforms.Conversion.MapValueToKey(\"Label\")", e.Message);
        Assert.Empty(progress.Items);
    }

    [Fact]
    public void Fit_FeatureColumnOfStrings_SaysWhatItMustBe()
    {
        var ml = new MLContext(seed: 1);
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.Transforms.Text.TokenizeWords("Tokens", "Text"))
            .Append(ml.MulticlassClassification.Trainers.Gru(labelColumnName: "Label", featureColumnName: "Tokens"));

        var e = Assert.Throws<ArgumentException>(() => pipeline.Fit(Sentiment.Load(ml, "train.tsv", 20)));

        Assert.Contains("Column 'Tokens' (token ids) must be a vector of keys", e.Message);
        Assert.Contains("got Vector<String>", e.Message);
    }

    [Fact]
    public void Fit_ValidationSetInTheWrongFormat_SaysHowToTransformIt()
    {
        var ml = new MLContext(seed: 1);
        var train = Sentiment.Load(ml, "train.tsv", 60);
        var otherPrefix = Sentiment.Prefix(ml).Fit(Sentiment.Load(ml, "validation.tsv", 30)); // fitted on other data: other key types
        var options = new SequenceClassificationOptions { FeatureColumnName = "Ids", Epochs = 1, EmbeddingSize = 4, HiddenSize = 4, ValidationSet = otherPrefix.Transform(Sentiment.Load(ml, "validation.tsv", 30)) };

        var e = Assert.Throws<ArgumentException>(() => Sentiment.Pipeline(ml, options).Fit(train));

        Assert.Contains("prefix.Fit(train).Transform(validation)", e.Message);
    }

    [Fact]
    public void Fit_ValidationSetStopsEarlyAndReportsEveryEpoch()
    {
        var ml = new MLContext(seed: 1);
        var train = Sentiment.Load(ml, "train.tsv", 300); // a small real set: it overfits within a few epochs
        var prefix = Sentiment.Prefix(ml).Fit(train);
        var progress = new Progress();
        var options = new SequenceClassificationOptions
        {
            FeatureColumnName = "Ids", EmbeddingSize = 16, HiddenSize = 16, Bidirectional = false, Epochs = 40, LearningRate = 0.02f, EarlyStoppingPatience = 2,
            ValidationSet = prefix.Transform(Sentiment.Load(ml, "validation.tsv", 100)), Progress = progress,
        };
        var classifier = (SequenceClassificationModel)ml.MulticlassClassification.Trainers.Lstm(options).Fit(prefix.Transform(train));

        Assert.True(progress.Items.Count < 40, "early stopping ended training before the last epoch");
        Assert.Equal(progress.Items, classifier.TrainingHistory);
        Assert.All(progress.Items, p => Assert.NotNull(p.ValidationAccuracy));
        Assert.Equal(Enumerable.Range(1, progress.Items.Count), progress.Items.Select(p => p.Epoch));
        var summary = classifier.Summary(); // the public route to the layer table
        Assert.Equal(classifier.ParameterCount, summary.TotalParameters);
        Assert.Equal(4 * ((16 * (16 + 16)) + (2 * 16)), summary.Layers.Single(l => l.Name == "rnn.l0").Parameters);
    }

    [Fact]
    public void CrossValidate_RunsWithTheTrainer()
    {
        var ml = new MLContext(seed: 3);
        var data = Synthetic.Load(ml, 240, seed: 9);
        var pipeline = Sentiment.Prefix(ml).Append(ml.MulticlassClassification.Trainers.Gru(new SequenceClassificationOptions
        {
            FeatureColumnName = "Ids", EmbeddingSize = 8, HiddenSize = 16, Epochs = 8, LearningRate = 0.02f,
        }));

        var folds = ml.MulticlassClassification.CrossValidate(data, pipeline, numberOfFolds: 3);

        Assert.Equal(3, folds.Count);
        Assert.All(folds, f => Assert.True(f.Metrics.MicroAccuracy > 0.8, $"fold accuracy {f.Metrics.MicroAccuracy:F3}"));
    }

    [Fact]
    public void Fit_SameSeedSameWeights_OtherSeedOthers()
    {
        var ml = new MLContext(seed: 1);
        var train = Synthetic.Load(ml, 80, seed: 5);
        byte[] Onnx(int seed) => ((SequenceClassificationModel)Sentiment.Prefix(ml).Append(ml.MulticlassClassification.Trainers.Rnn(
            new SequenceClassificationOptions { FeatureColumnName = "Ids", EmbeddingSize = 4, HiddenSize = 4, Epochs = 2, Seed = seed })).Fit(train).LastTransformer).GetOnnxModel();

        Assert.Equal(Onnx(11), Onnx(11));
        Assert.NotEqual(Onnx(11), Onnx(12));
    }

    [Fact]
    public void PredictionEngine_OnePerThread_EightThreadsGiveTheSerialAnswers()
    {
        var ml = new MLContext(seed: 1);
        var texts = Synthetic.Rows(64, seed: 21).Select(r => r.Text).ToArray();
        var model = _trained.WithTextLabels();
        var serialEngine = ml.Model.CreatePredictionEngine<Review, ReviewPrediction>(model);
        float[][] serial = [.. texts.Select(t => serialEngine.Predict(new Review { Text = t }).Score.ToArray())];
        var parallel = new float[texts.Length][];
        Parallel.For(0, 8, worker =>
        {
            var engine = ml.Model.CreatePredictionEngine<Review, ReviewPrediction>(model); // ML.NET engines are per thread
            for (int i = worker; i < texts.Length; i += 8)
            {
                parallel[i] = engine.Predict(new Review { Text = texts[i] }).Score.ToArray();
            }
        });
        Assert.Equal(serial, parallel);
    }

    /// <summary>
    /// The shape of rows of <typeparamref name="TRow"/>. <c>SchemaShape</c> has no public way to be made from data;
    /// ML.NET's CustomMapping estimator describes its output rows with one, from nothing.
    /// </summary>
    internal static SchemaShape ShapeOf<TRow>(MLContext ml)
        where TRow : class, new() =>
        ml.Transforms.CustomMapping<NoColumns, TRow>((_, _) => { }, contractName: null).GetOutputSchema(new SchemaShape([]));

    internal sealed class NoColumns
    {
    }

    /// <summary>A pipeline trained once on the "seven" task and shared by the tests of this class.</summary>
    public sealed class Trained
    {
        public Trained()
        {
            Ml = new MLContext(seed: 1);
            Train = Synthetic.Load(Ml, 600, seed: 1);
            Test = Synthetic.Load(Ml, 200, seed: 2);
            var options = new SequenceClassificationOptions
            {
                FeatureColumnName = "Ids", EmbeddingSize = 16, HiddenSize = 16, Bidirectional = true, Epochs = 12, LearningRate = 0.01f, Seed = 3,
            };
            Model = Sentiment.Prefix(Ml).Append(Ml.MulticlassClassification.Trainers.Lstm(options)).Fit(Train);
        }

        public MLContext Ml { get; }

        public IDataView Train { get; }

        public IDataView Test { get; }

        public ITransformer Model { get; }

        public SequenceClassificationModel Classifier => ((IEnumerable<ITransformer>)Model).OfType<SequenceClassificationModel>().Single();

        /// <summary>The model with ML.NET's MapKeyToValue after it, as users append it to read labels as text.</summary>
        public ITransformer WithTextLabels() =>
            ((TransformerChain<SequenceClassificationModel>)Model).Append(Ml.Transforms.Conversion.MapKeyToValue("PredictedLabel").Fit(Model.Transform(Train)));
    }

    private sealed class Progress : IProgress<MLNetRnn.Training.TrainingProgress>
    {
        public List<MLNetRnn.Training.TrainingProgress> Items { get; } = [];

        public void Report(MLNetRnn.Training.TrainingProgress value) => Items.Add(value);
    }
}
