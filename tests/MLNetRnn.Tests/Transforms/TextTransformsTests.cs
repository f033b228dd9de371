using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRnn.Numerics;
using MLNetRnn.Tests.TestSupport;
using MLNetRnn.Text;

namespace MLNetRnn.Tests.Transforms;

/// <summary>
/// The text steps on <c>mlContext.Transforms.Text</c>: the tokenizers run in ONNX Runtime (inside ML.NET's ONNX transform)
/// and give exactly the C# tokenizers' tokens; the vocabulary step fits ML.NET's own key mapping.
/// </summary>
public sealed class TextTransformsTests
{
    private readonly MLContext _ml = new(seed: 1);

    public static TheoryData<bool, bool, bool> TokenizerSettings()
    {
        var data = new TheoryData<bool, bool, bool>();
        foreach (bool words in new[] { true, false })
        {
            foreach (bool lower in new[] { true, false })
            {
                foreach (bool keep in new[] { true, false })
                {
                    data.Add(words, lower, keep);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(TokenizerSettings))]
    public void Tokenizers_InAPipeline_GiveTheCSharpTokenizersTokens(bool words, bool lowerCase, bool keep)
    {
        string[] texts = [.. File.ReadLines(Sentiment.Dataset("train.tsv")).Skip(1).Select(l => l.Split('\t')[0]), .. Unusual(), .. RandomTexts(400)];
        var data = _ml.Data.LoadFromEnumerable(texts.Select(t => new Review { Text = t }));
        var step = words
            ? _ml.Transforms.Text.TokenizeWords("Tokens", "Text", lowerCase, keepPunctuation: keep)
            : _ml.Transforms.Text.TokenizeCharacters("Tokens", "Text", lowerCase, keepWhitespace: keep);
        ITokenizer csharp = words
            ? new WordTokenizer(new WordTokenizerOptions { LowerCase = lowerCase, KeepPunctuation = keep })
            : new CharacterTokenizer(lowerCase, keep);

        string[][] onnx = RoundTrip.Tokens(step.Fit(data).Transform(data), "Tokens");

        for (int i = 0; i < texts.Length; i++)
        {
            Assert.True(csharp.Tokenize(texts[i]).SequenceEqual(onnx[i]), $"text {i} '{texts[i]}': C# [{string.Join("|", csharp.Tokenize(texts[i]))}] vs ONNX [{string.Join("|", onnx[i])}]");
        }
    }

    [Fact]
    public void TokenizeWords_WithTheSameInputAndOutputColumn_ReplacesTheText()
    {
        var data = _ml.Data.LoadFromEnumerable(new[] { new Review { Text = "Hi, there!" } });
        var output = _ml.Transforms.Text.TokenizeWords("Text").Fit(data).Transform(data);
        Assert.Equal([["hi", ",", "there", "!"]], RoundTrip.Tokens(output, "Text"));
        Assert.DoesNotContain(output.Schema, c => !c.IsHidden && c.Name.EndsWith(".text", StringComparison.Ordinal));
    }

    [Fact]
    public void MapTokensToIds_KeysFollowTheVocabulary_UnknownAndPadTextAreKeyZero()
    {
        var data = _ml.Data.LoadFromEnumerable(new[]
        {
            new Tokens { Words = ["b", "a", "b", "c"] },
            new Tokens { Words = ["a", "b", "d"] },
        });
        var fitted = _ml.Transforms.Text.MapTokensToIds("Ids", "Words", maxVocabularySize: 4).Fit(data);
        var test = _ml.Data.LoadFromEnumerable(new[] { new Tokens { Words = ["b", "a", "c", "<PAD>", "<UNK>", "zzz"] } });
        var output = fitted.Transform(test);

        VBuffer<ReadOnlyMemory<char>> keyValues = default;
        output.Schema["Ids"].GetKeyValues(ref keyValues);
        Assert.Equal(["b", "a"], keyValues.DenseValues().Select(m => m.ToString())); // by count (b 3, a 2), then cut at 4 ids with <PAD>, <UNK>
        Assert.Equal([[1u, 2u, 0u, 0u, 0u, 0u]], output.GetColumn<VBuffer<uint>>("Ids").Select(v => v.DenseValues().ToArray()).ToArray());
        Assert.Equal([[2, 3, 1, 1, 1, 1]], MLNetRnn.DataViews.ColumnReader.TokenIds(output, "Ids")); // id = key + 1, <UNK> = 1
    }

    [Fact]
    public void MapTokensToIds_MinCountAndBeginEnd()
    {
        var data = _ml.Data.LoadFromEnumerable(new[] { new Tokens { Words = ["x", "y", "y", "z", "z", "z"] } });
        var output = _ml.Transforms.Text.MapTokensToIds("Ids", "Words", minCount: 2, addBeginEnd: true).Fit(data).Transform(data);
        VBuffer<ReadOnlyMemory<char>> keyValues = default;
        output.Schema["Ids"].GetKeyValues(ref keyValues);
        Assert.Equal(["<BOS>", "<EOS>", "z", "y"], keyValues.DenseValues().Select(m => m.ToString())); // ids 2, 3, 4, 5
    }

    [Fact]
    public void MapTokensToIds_AdditionalTokens_GetIdsAfterTheCountedOnes_WithinTheLimit()
    {
        var data = _ml.Data.LoadFromEnumerable(new[] { new Tokens { Words = ["b", "a", "b", "c"] } });
        var output = _ml.Transforms.Text.MapTokensToIds("Ids", "Words", maxVocabularySize: 6, additionalTokens: ["a", "<UNK>", "x", "y", "z"])
            .Fit(data).Transform(_ml.Data.LoadFromEnumerable(new[] { new Tokens { Words = ["y", "x", "z", "b"] } }));
        VBuffer<ReadOnlyMemory<char>> keyValues = default;
        output.Schema["Ids"].GetKeyValues(ref keyValues);
        Assert.Equal(["b", "a", "c", "x"], keyValues.DenseValues().Select(m => m.ToString())); // "a" already counted, "<UNK>" reserved, then cut at 6 ids
        Assert.Equal([[1, 5, 1, 2]], MLNetRnn.DataViews.ColumnReader.TokenIds(output, "Ids")); // y never seen and past the limit: <UNK>
    }

    [Fact]
    public void MapTokensToIds_StringColumn_SaysItNeedsTokens()
    {
        var data = _ml.Data.LoadFromEnumerable(new[] { new Review { Text = "a b" } });
        var e = Assert.Throws<ArgumentException>(() => _ml.Transforms.Text.MapTokensToIds("Ids", "Text").Fit(data));
        Assert.Contains("Column 'Text' (tokens) must be a vector of String", e.Message);
        Assert.Contains("got String", e.Message);
    }

    [Fact]
    public void MapTokensToIds_BadLimits_NameTheValue()
    {
        Assert.Contains("minCount is 0", Assert.Throws<ArgumentOutOfRangeException>(() => _ml.Transforms.Text.MapTokensToIds("Ids", "Words", minCount: 0)).Message);
        Assert.Contains("maxVocabularySize is 2", Assert.Throws<ArgumentOutOfRangeException>(() => _ml.Transforms.Text.MapTokensToIds("Ids", "Words", maxVocabularySize: 2)).Message);
    }

    private static IEnumerable<string> Unusual() =>
    [
        string.Empty, "   ", "Don't stop!", "It’s 3.5 km.", "naïve cafe\u0301", "I ❤️ 🇫🇷🇩!", "👨‍👩‍👧 family 👍🏽", "a\tb\r\nc", "e-mail me :)",
        "İstanbul ΣΊΣΥΦΟΣ", "\uD800 lone", "ok‍ zwj", "🏴󠁧󠁢󠁳󠁣󠁴󠁿 flag", "x\u00A0y\u2028z",
    ];

    private static IEnumerable<string> RandomTexts(int count)
    {
        string[] pieces = ["a", "B", "z", "é", "e\u0301", "'", "’", "-", ".", "!", " ", "  ", "\t", "\n", "\u200D", "\u200C", "\uFE0F", "😀", "👍", "🏽", "🇫", "🇷", "Ω", "ж", "中", "٣", "क", "\u0130", "\U00010400"];
        var random = new SeededRandom(20240501);
        for (int i = 0; i < count; i++)
        {
            int n = (int)(random.NextSingle() * 20);
            yield return string.Concat(Enumerable.Range(0, n).Select(_ => pieces[(int)(random.NextSingle() * pieces.Length) % pieces.Length]));
        }
    }

    private sealed class Tokens
    {
        public string[] Words { get; set; } = [];
    }
}
