using Microsoft.ML;
using MLNetRnn.Classification;
using MLNetRnn.Tests.TestSupport;
using MLNetRnn.Text;

namespace MLNetRnn.Tests.Reliability;

/// <summary>
/// Issue 12, bad data: very long inputs. A 100,000-token text runs through a model with no limit, and with a
/// <c>maxTokens</c> limit the C# tokenizers, the ONNX tokenizer graph in the saved zip and the classifier's prediction
/// all keep the same first tokens.
/// </summary>
public sealed class MaxTokensTests : IClassFixture<MaxTokensTests.Trained>
{
    private const int Long = 100_000;
    private const int Limit = 64;

    private readonly Trained _trained;

    public MaxTokensTests(Trained trained) => _trained = trained;

    [Fact]
    public void WordTokenizer_KeepsTheFirstMaxTokens()
    {
        var tokenizer = new WordTokenizer(new WordTokenizerOptions { MaxTokens = 4 });
        Assert.Equal(["the", "cat", ",", "the"], tokenizer.Tokenize("The cat, the dog!"));
        Assert.Equal(["a", "b"], tokenizer.Tokenize("a b"));
        Assert.Empty(tokenizer.Tokenize("   "));
        Assert.Equal(4, tokenizer.MaxTokens);
        Assert.Equal(int.MaxValue, new WordTokenizer().MaxTokens);
    }

    [Fact]
    public void CharacterTokenizer_KeepsTheFirstMaxTokens()
    {
        var tokenizer = new CharacterTokenizer(maxTokens: 3);
        Assert.Equal(["a", "\r\n", "\U0001F600"], tokenizer.Tokenize("a\r\n\U0001F600bc")); // a line end and a surrogate pair are one token each
        Assert.Equal(["x"], tokenizer.Tokenize("x"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Tokenizers_ThrowForALimitBelowOne_NamingTheValue(int maxTokens)
    {
        var word = Assert.Throws<ArgumentOutOfRangeException>(() => new WordTokenizer(new WordTokenizerOptions { MaxTokens = maxTokens }));
        Assert.Contains($"is {maxTokens}", word.Message);
        Assert.Equal("options.MaxTokens", word.ParamName);
        var character = Assert.Throws<ArgumentOutOfRangeException>(() => new CharacterTokenizer(maxTokens: maxTokens));
        Assert.Equal("maxTokens", character.ParamName);
        var ml = new MLContext(seed: 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Text.TokenizeWords("Tokens", "Text", maxTokens: maxTokens));
        Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Text.TokenizeCharacters("Tokens", "Text", maxTokens: maxTokens));
    }

    [Fact]
    public void HundredThousandTokens_WithALimit_TheCSharpTokenizerAndTheSavedOnnxGraphKeepTheSameTokensIdsAndPrediction()
    {
        string text = LongText(out string[] words);
        string[] expected = words[..Limit]; // independent of the tokenizer: the text is these words joined by spaces, lower case already
        Assert.Equal(expected, new WordTokenizer(new WordTokenizerOptions { MaxTokens = Limit }).Tokenize(text));

        var ml = _trained.Ml;
        var input = ml.Data.LoadFromEnumerable(new[] { new Review { Text = text }, new Review { Text = string.Join(' ', expected) } });
        var engine = _trained.Limited.Transform(input);
        var (loaded, path) = RoundTrip.SaveAndLoad(ml, _trained.Limited, _trained.Train.Schema);
        try
        {
            var reloaded = loaded.Transform(input);
            Assert.Equal([expected, expected], RoundTrip.Tokens(engine, "Tokens"));
            Assert.Equal([expected, expected], RoundTrip.Tokens(reloaded, "Tokens"));
            var ids = DataViews.ColumnReader.TokenIds(engine, "Ids");
            Assert.Equal(ids, DataViews.ColumnReader.TokenIds(reloaded, "Ids"));
            Assert.Equal(Limit, ids[0].Length);
            var scores = RoundTrip.Scores(engine, "Score");
            Assert.Equal(scores[1], scores[0]); // the long text predicts as its first 64 words
            RoundTrip.AssertSameScores(engine, reloaded, "Score");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void HundredThousandCharacters_WithALimit_TheCSharpTokenizerAndTheSavedOnnxGraphAgree()
    {
        string text = LongText(out _);
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new Review { Text = text } });
        var model = ml.Transforms.Text.TokenizeCharacters("Tokens", "Text", maxTokens: 1000).Fit(data);
        var (loaded, path) = RoundTrip.SaveAndLoad(ml, model, data.Schema);
        try
        {
            string[] expected = [.. text[..1000].Select(c => c.ToString())]; // the text is ASCII: one character per token
            Assert.Equal(expected, new CharacterTokenizer(maxTokens: 1000).Tokenize(text));
            Assert.Equal(expected, RoundTrip.Tokens(model.Transform(data), "Tokens")[0]);
            Assert.Equal(expected, RoundTrip.Tokens(loaded.Transform(data), "Tokens")[0]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void HundredThousandTokens_WithoutALimit_ArePredictedWhole_InTheEngineAndTheSavedModel()
    {
        string text = LongText(out string[] words);
        var ml = _trained.Ml;
        var input = ml.Data.LoadFromEnumerable(new[] { new Review { Text = text } });
        var engine = _trained.Unlimited.Transform(input);
        var (loaded, path) = RoundTrip.SaveAndLoad(ml, _trained.Unlimited, _trained.Train.Schema);
        try
        {
            var reloaded = loaded.Transform(input);
            Assert.Equal(words, RoundTrip.Tokens(engine, "Tokens")[0]);
            Assert.Equal(Long, DataViews.ColumnReader.TokenIds(reloaded, "Ids")[0].Length);
            float[] score = RoundTrip.Scores(engine, "Score")[0];
            Assert.All(score, p => Assert.True(float.IsFinite(p)));
            Assert.Equal(1.0, score.Sum(), 4);
            RoundTrip.AssertSameScores(engine, reloaded, "Score");
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>100,000 lower-case words of the "seven" task's vocabulary, joined by single spaces (seeded).</summary>
    private static string LongText(out string[] words)
    {
        string[] vocabulary = ["one", "two", "seven", "red", "cat", "runs"];
        var random = new Random(20240501);
        words = [.. Enumerable.Range(0, Long).Select(_ => vocabulary[random.Next(vocabulary.Length)])];
        return string.Join(' ', words);
    }

    /// <summary>The "seven" classifier trained twice: with <c>maxTokens: 64</c> on the tokenizer and without a limit.</summary>
    public sealed class Trained
    {
        public Trained()
        {
            Ml = new MLContext(seed: 1);
            Train = Synthetic.Load(Ml, 120, seed: 9);
            var options = new SequenceClassificationOptions { FeatureColumnName = "Ids", EmbeddingSize = 8, HiddenSize = 8, Epochs = 1, Seed = 3 };
            Unlimited = Sentiment.Prefix(Ml).Append(Ml.MulticlassClassification.Trainers.Lstm(options)).Fit(Train);
            Limited = Ml.Transforms.Conversion.MapValueToKey("Label")
                .Append(Ml.Transforms.Text.TokenizeWords("Tokens", "Text", maxTokens: Limit))
                .Append(Ml.Transforms.Text.MapTokensToIds("Ids", "Tokens", maxVocabularySize: 2000))
                .Append(Ml.MulticlassClassification.Trainers.Lstm(options)).Fit(Train);
        }

        public MLContext Ml { get; }

        public IDataView Train { get; }

        public ITransformer Unlimited { get; }

        public ITransformer Limited { get; }
    }
}
