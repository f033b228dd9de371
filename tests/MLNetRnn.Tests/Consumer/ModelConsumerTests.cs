using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRnn.Classification;
using MLNetRnn.Layers;
using MLNetRnn.SequenceToSequence;
using MLNetRnn.Tests.SequenceToSequence;
using MLNetRnn.Tests.TestSupport;

namespace MLNetRnn.Tests.Consumer;

/// <summary>
/// Models saved by <c>mlContext.Model.Save</c> from our pipelines, loaded by examples/ModelConsumer: a separate process
/// whose project references only Microsoft.ML, Microsoft.ML.OnnxTransformer and Microsoft.ML.OnnxRuntime.
/// </summary>
public sealed class ModelConsumerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mlnetrnn-consumer-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<RecurrentCellType, int, bool> Classifiers()
    {
        var data = new TheoryData<RecurrentCellType, int, bool>();
        foreach (var cell in Enum.GetValues<RecurrentCellType>())
        {
            foreach (int layers in new[] { 1, 2 })
            {
                foreach (bool bidirectional in new[] { false, true })
                {
                    data.Add(cell, layers, bidirectional);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Classifiers))]
    public void Classifier_PlainMLNetApp_GivesTheEnginesProbabilities(RecurrentCellType cell, int layers, bool bidirectional)
    {
        var ml = new MLContext(seed: 1);
        var train = Synthetic.Load(ml, 120, seed: 1);
        var options = new SequenceClassificationOptions
        {
            FeatureColumnName = "Ids", NumberOfLayers = layers, Bidirectional = bidirectional, EmbeddingSize = 6, HiddenSize = 5, Epochs = 1,
        };
        var trainers = ml.MulticlassClassification.Trainers;
        var trainer = cell switch
        {
            RecurrentCellType.SimpleRnn => trainers.Rnn(options),
            RecurrentCellType.Gru => trainers.Gru(options),
            _ => trainers.Lstm(options),
        };
        var model = Sentiment.Prefix(ml).Append(trainer).Fit(train);
        string zip = Path.Combine(_dir, "classifier.zip");
        ml.Model.Save(model, train.Schema, zip);

        // Ragged rows (1 to 12 words, unknown words, an empty text), scored by the other process.
        string[] texts = [.. Synthetic.Rows(40, seed: 77).Select(r => r.Text), "zebra seven quokka", string.Empty, "seven"];
        string file = Path.Combine(_dir, "texts.tsv");
        File.WriteAllLines(file, ["Text\tRow", .. texts.Select((t, i) => $"{t}\t{i}")]); // a second column, so the empty text is not a blank line
        var rows = ModelConsumerProcess.Score(zip, file, "Score");

        var classifier = model.LastTransformer;
        var ids = MLNetRnn.DataViews.ColumnReader.TokenIds(
            Sentiment.Prefix(ml).Fit(train).Transform(ml.Data.LoadFromEnumerable(texts.Select(t => new Review { Text = t }))), "Ids");
        var engine = classifier.Predict(ids);
        Assert.Equal(texts.Length, rows.Length);
        for (int i = 0; i < texts.Length; i++)
        {
            float[] consumer = [.. rows[i].GetProperty("Score").EnumerateArray().Select(e => e.GetSingle())];
            Compare.Close(consumer, engine[i], 1e-5, $"row {i} '{texts[i]}'");
        }
    }

    [Theory]
    [InlineData(false)] // a small embedding learnt from scratch
    [InlineData(true)]  // the CLI's defaults: the built-in GloVe vectors, their 20,000 words in the vocabulary
    public void CliTrainedClassifier_PlainMLNetApp_GivesTheEnginesProbabilitiesAndLabels(bool builtInVectors)
    {
        string zip = Path.Combine(_dir, "cli.zip");
        string[] sizes = builtInVectors ? [] : ["--embedding", "8", "--hidden", "8"];
        var (code, _, stderr) = MLNetRnn.Tests.Cli.CliProcess.Run(["train", "classify", "--data", Sentiment.Dataset("train.tsv"), "--model", zip,
            "--epochs", "1", "--bidirectional", "--cell", "gru", .. sizes]);
        Assert.True(code == 0, stderr);

        var rows = ModelConsumerProcess.Score(zip, Sentiment.Dataset("test.tsv"), "Score", "PredictedLabel");

        var ml = new MLContext(seed: 1);
        var scored = ml.Model.Load(zip, out _).Transform(ml.Data.LoadFromTextFile<Review>(Sentiment.Dataset("test.tsv"), hasHeader: true));
        var (network, labels, _) = MLNetRnn.Classification.ClassifierOnnx.Read(MLNetRnn.Onnx.ModelZip.Read(zip).Find(MLNetRnn.Onnx.OnnxMetadata.ClassifierKind)!);
        int[][] ids = MLNetRnn.DataViews.ColumnReader.TokenIds(scored, "Ids");
        Assert.Equal(299, rows.Length);
        for (int i = 0; i < ids.Length; i++)
        {
            var expected = new float[labels.Length];
            network.Forward(MLNetRnn.Training.SequenceBatch.Create(ids, [i]), false, default, expected);
            float[] consumer = [.. rows[i].GetProperty("Score").EnumerateArray().Select(e => e.GetSingle())];
            Compare.Close(consumer, expected, 1e-5, $"row {i}");
            Assert.Equal(labels[Array.IndexOf(expected, expected.Max())], rows[i].GetProperty("PredictedLabel").GetString());
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void EncoderDecoder_PlainMLNetApp_DecodesTheCmuDictTestWordsAsTheEngine(int beam)
    {
        var ml = new MLContext(seed: 1);
        string data = Path.Combine(Sentiment.Repository(), "datasets", "cmudict");
        var train = ml.Data.TakeRows(ml.Data.LoadFromTextFile<SequenceToSequencePipelineTests.Pair>(Path.Combine(data, "train.tsv"), hasHeader: true), 1500);
        var options = new SequenceToSequenceOptions { EmbeddingSize = 16, HiddenSize = 24, Epochs = 2, BatchSize = 32, BeamSize = beam, MaxOutputLength = 30 };
        var model = SequenceToSequencePipelineTests.Trained.Pipeline(ml, options).Fit(train);
        string zip = Path.Combine(_dir, "g2p.zip");
        ml.Model.Save(model, train.Schema, zip);

        string testFile = Path.Combine(data, "test.tsv");
        var rows = ModelConsumerProcess.Score(zip, testFile, "PredictedTokens", "Score");

        var test = ml.Data.LoadFromTextFile<SequenceToSequencePipelineTests.Pair>(testFile, hasHeader: true);
        int[][] ids = MLNetRnn.DataViews.ColumnReader.TokenIds(model.Transform(test), "SourceIds");
        var engine = model.LastTransformer.DecodeAll(ids, beam);
        Assert.Equal(2000, rows.Length);
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.Equal(engine[i].Tokens, rows[i].GetProperty("PredictedTokens").EnumerateArray().Select(e => e.GetString()!));
            Assert.Equal(engine[i].Score, rows[i].GetProperty("Score")[0].GetSingle(), 1e-5f);
        }
    }
}
