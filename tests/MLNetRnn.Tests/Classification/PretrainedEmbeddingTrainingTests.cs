using Microsoft.ML;
using MLNetRnn.Classification;
using MLNetRnn.Tests.TestSupport;

namespace MLNetRnn.Tests.Classification;

/// <summary>Training with a GloVe-text file: vectors are applied, coverage is reported, and freezing keeps them fixed.</summary>
public sealed class PretrainedEmbeddingTrainingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mlnetrnn-glove-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Fit_AppliesVectorsAndFreezingKeepsThem(bool freeze)
    {
        float[] good = [0.5f, -1.25f, 2f, 0f], bad = [-0.75f, 0.25f, 1f, 3.5f];
        string glove = Path.Combine(_dir, "vectors.txt");
        File.WriteAllLines(glove, ["good " + string.Join(' ', good), "bad " + string.Join(' ', bad), "unused 1 2 3 4"]);
        var ml = new MLContext(seed: 2);
        var train = Sentiment.Load(ml, "train.tsv", take: 100);
        var options = new SequenceClassificationOptions { FeatureColumnName = "Ids", EmbeddingSize = 4, HiddenSize = 4, Epochs = 2, PretrainedEmbeddingsPath = glove, FreezeEmbeddings = freeze };
        var trainer = ml.MulticlassClassification.Trainers.Lstm(options);

        var classifier = Sentiment.Prefix(ml).Append(trainer).Fit(train).LastTransformer;

        Assert.Equal(2, trainer.PretrainedReport!.Found);
        Assert.Equal(classifier.Vocabulary.Count - 1 - 2, trainer.PretrainedReport.Missing);
        var graph = MLNetRnn.Onnx.OnnxModel.Parse(classifier.GetOnnxModel()).Graph;
        float[] weights = graph.Initializer("embedding.weight")!.Floats!;
        int id = classifier.Vocabulary.ToList().IndexOf("good");
        float[] goodRow = weights.AsSpan(id * 4, 4).ToArray();
        if (freeze)
        {
            Assert.Equal(good, goodRow);
        }
        else
        {
            Assert.NotEqual(good, goodRow); // trained away from the start
            Assert.True(goodRow.Zip(good).Max(p => Math.Abs(p.First - p.Second)) < 0.5f, "training starts from the GloVe vector");
        }
    }

    [Fact]
    public void Fit_WrongDimensionSaysWhichSizeToUse()
    {
        string glove = Path.Combine(_dir, "vectors3.txt");
        File.WriteAllLines(glove, ["good 1 2 3"]);
        var ml = new MLContext(seed: 2);
        var train = Sentiment.Load(ml, "train.tsv", take: 40);
        var options = new SequenceClassificationOptions { FeatureColumnName = "Ids", EmbeddingSize = 4, HiddenSize = 4, Epochs = 1, PretrainedEmbeddingsPath = glove };

        var e = Assert.Throws<ArgumentException>(() => Sentiment.Pipeline(ml, options).Fit(train));

        Assert.Contains("dimension 3, but EmbeddingSize is 4", e.Message);
    }

    [Fact]
    public void Fit_VectorsInMemory_WithTheirWordsInTheVocabulary_GiveUnseenWordsTheirVectors()
    {
        string glove = Path.Combine(_dir, "vectors-memory.txt");
        File.WriteAllLines(glove, ["good 0.5 -1.25 2 0", "zyzzyva 1 2 3 4"]); // "zyzzyva" is in no training text
        var vectors = MLNetRnn.Text.PretrainedEmbeddings.Load(glove);
        var ml = new MLContext(seed: 2);
        var train = Sentiment.Load(ml, "train.tsv", take: 60);
        var options = new SequenceClassificationOptions { FeatureColumnName = "Ids", EmbeddingSize = 4, HiddenSize = 4, Epochs = 1, PretrainedEmbeddings = vectors, FreezeEmbeddings = true };
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.Text.TokenizeWords("Tokens", "Text"))
            .Append(ml.Transforms.Text.MapTokensToIds("Ids", "Tokens", additionalTokens: vectors.Words))
            .Append(ml.MulticlassClassification.Trainers.Lstm(options));

        var classifier = pipeline.Fit(train).LastTransformer;

        var vocabulary = classifier.Vocabulary.ToList();
        Assert.Equal("zyzzyva", vocabulary[^1]); // after every training word
        float[] weights = MLNetRnn.Onnx.OnnxModel.Parse(classifier.GetOnnxModel()).Graph.Initializer("embedding.weight")!.Floats!;
        Assert.Equal([1f, 2f, 3f, 4f], weights.AsSpan((vocabulary.Count - 1) * 4, 4).ToArray());
    }

    [Fact]
    public void Validate_BothVectorSources_OrAnotherSize_AreNamed()
    {
        string glove = Path.Combine(_dir, "vectors-two.txt");
        File.WriteAllLines(glove, ["good 1 2"]);
        var vectors = MLNetRnn.Text.PretrainedEmbeddings.Load(glove);
        var both = new SequenceClassificationOptions { EmbeddingSize = 2, PretrainedEmbeddings = vectors, PretrainedEmbeddingsPath = glove };
        Assert.Contains("set only one", Assert.Throws<ArgumentException>(both.Validate).Message, StringComparison.Ordinal);
        var size = new SequenceClassificationOptions { EmbeddingSize = 8, PretrainedEmbeddings = vectors };
        Assert.Contains("dimension 2, but EmbeddingSize is 8", Assert.Throws<ArgumentException>(size.Validate).Message, StringComparison.Ordinal);
    }
}
