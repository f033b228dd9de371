using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Tokenizers;
using MLNetRnn.Classification;
using MLNetRnn.Tests.TestSupport;

namespace MLNetRnn.Tests.Transforms;

/// <summary>
/// Subword tokenization with Microsoft.ML.Tokenizers as a pipeline step (Tiktoken from its Data package, BPE from
/// vocabulary and merges files, WordPiece from a vocab.txt), and how a subword model is served: from the token column on.
/// </summary>
public sealed class SubwordTokenizingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mlnetrnn-subword-").FullName;
    private readonly MLContext _ml = new(seed: 1);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Tiktoken_TokensAreTheTokenizersStrings()
    {
        var tokenizer = TiktokenTokenizer.CreateForEncoding("cl100k_base");
        var data = _ml.Data.LoadFromEnumerable(new[] { new Review { Text = "Hello, wörld! don't 🙂" } });
        var tokens = RoundTrip.Tokens(_ml.Transforms.Text.TokenizeSubwords("Tokens", "Text", tokenizer).Fit(data).Transform(data), "Tokens");
        Assert.Equal(tokenizer.EncodeToTokens("Hello, wörld! don't 🙂", out _).Select(t => t.Value), tokens[0]);
        Assert.Equal(["Hello", ",", " w", "ör", "ld", "!", " don", "'t", " 🙂"], tokens[0]);
    }

    [Fact]
    public void Bpe_FromVocabularyAndMergesFiles()
    {
        string vocab = Path.Combine(_dir, "vocab.json"), merges = Path.Combine(_dir, "merges.txt");
        File.WriteAllText(vocab, """{"l": 0, "o": 1, "w": 2, "e": 3, "r": 4, "lo": 5, "low": 6, "er": 7}""");
        File.WriteAllText(merges, "#version: 0.2\nl o\nlo w\ne r\n");
        var step = _ml.Transforms.Text.TokenizeSubwords("Tokens", "Text", BpeTokenizer.Create(vocab, merges));
        var data = _ml.Data.LoadFromEnumerable(new[] { new Review { Text = "lower low" } });
        Assert.Equal(["low", "er", "low"], RoundTrip.Tokens(step.Fit(data).Transform(data), "Tokens")[0]);
    }

    [Fact]
    public void WordPiece_FromAVocabTxt()
    {
        string vocab = Path.Combine(_dir, "vocab.txt");
        File.WriteAllLines(vocab, ["[UNK]", "[CLS]", "[SEP]", "play", "##ing", "##ed", "hello"]);
        var step = _ml.Transforms.Text.TokenizeSubwords("Tokens", "Text", WordPieceTokenizer.Create(vocab));
        var data = _ml.Data.LoadFromEnumerable(new[] { new Review { Text = "playing hello played xyz" } });
        Assert.Equal(["play", "##ing", "hello", "play", "##ed", "[UNK]"], RoundTrip.Tokens(step.Fit(data).Transform(data), "Tokens")[0]);
    }

    [Fact]
    public void SubwordPipeline_Trains_AndIsServedFromTheTokenColumn()
    {
        var tokenizer = TiktokenTokenizer.CreateForEncoding("cl100k_base");
        var train = Synthetic.Load(_ml, 300, seed: 1);
        var test = Synthetic.Load(_ml, 100, seed: 2);
        var tokenize = _ml.Transforms.Conversion.MapValueToKey("Label").Append(_ml.Transforms.Text.TokenizeSubwords("Tokens", "Text", tokenizer)).Fit(train);
        var options = new SequenceClassificationOptions { FeatureColumnName = "Ids", EmbeddingSize = 16, HiddenSize = 16, Epochs = 12, LearningRate = 0.01f };
        var served = _ml.Transforms.Text.MapTokensToIds("Ids", "Tokens").Append(_ml.MulticlassClassification.Trainers.Gru(options)).Fit(tokenize.Transform(train));

        var metrics = _ml.MulticlassClassification.Evaluate(served.Transform(tokenize.Transform(test)));
        Assert.True(metrics.MicroAccuracy > 0.9, $"accuracy {metrics.MicroAccuracy:F3}");

        // The saved model starts at the token column: ML.NET components only, loaded by a context without MLNetRnn's help.
        var tokensSchema = tokenize.Transform(train).Schema;
        var (loaded, path) = RoundTrip.SaveAndLoad(_ml, served, tokensSchema);
        try
        {
            var tokenized = tokenize.Transform(test);
            RoundTrip.AssertSameScores(served.Transform(tokenized), loaded.Transform(tokenized), "Score");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void SubwordStep_CannotBeSaved_AndMLNetSaysSo()
    {
        var data = _ml.Data.LoadFromEnumerable(new[] { new Review { Text = "a b" } });
        var model = _ml.Transforms.Text.TokenizeSubwords("Tokens", "Text", TiktokenTokenizer.CreateForEncoding("cl100k_base")).Fit(data);
        var e = Assert.ThrowsAny<InvalidOperationException>(() => _ml.Model.Save(model, data.Schema, Path.Combine(_dir, "subword.zip")));
        Assert.Contains("contract", e.Message, StringComparison.OrdinalIgnoreCase);
    }
}
