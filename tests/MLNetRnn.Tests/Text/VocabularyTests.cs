using MLNetRnn.Text;

namespace MLNetRnn.Tests.Text;

public sealed class VocabularyTests
{
    private static readonly string[][] Documents =
    [
        ["the", "cat", "sat", "on", "the", "mat"],
        ["the", "dog", "sat"],
    ];

    [Fact]
    public void Build_OrdersByFrequencyThenFirstAppearance()
    {
        // the: 3, sat: 2, then cat, on, mat, dog once each, in the order first seen.
        Vocabulary vocabulary = Vocabulary.Build(Documents);
        Assert.Equal(["<PAD>", "<UNK>", "the", "sat", "cat", "on", "mat", "dog"], vocabulary.Tokens);
        Assert.Equal(8, vocabulary.Count);
        Assert.False(vocabulary.HasBeginEnd);
    }

    [Fact]
    public void Build_BreaksTiesByFirstAppearanceAcrossDocuments()
    {
        Vocabulary vocabulary = Vocabulary.Build([["b", "a", "c", "a"], ["c", "d", "b"]]);
        Assert.Equal(["<PAD>", "<UNK>", "b", "a", "c", "d"], vocabulary.Tokens);
    }

    [Fact]
    public void Build_DropsTokensBelowMinCount()
    {
        Assert.Equal(["<PAD>", "<UNK>", "the", "sat"], Vocabulary.Build(Documents, minCount: 2).Tokens);
        Assert.Equal(["<PAD>", "<UNK>"], Vocabulary.Build(Documents, minCount: 4).Tokens);
    }

    [Fact]
    public void Build_CountsSpecialsInMaxSize()
    {
        string[] distinct = Enumerable.Range(0, 20).Select(i => $"w{i}").ToArray();
        Vocabulary vocabulary = Vocabulary.Build([distinct], maxSize: 10);
        Assert.Equal(10, vocabulary.Count);
        Assert.Equal(["<PAD>", "<UNK>", "w0", "w1", "w2", "w3", "w4", "w5", "w6", "w7"], vocabulary.Tokens);

        Vocabulary withBeginEnd = Vocabulary.Build([distinct], maxSize: 10, addBeginEnd: true);
        Assert.Equal(10, withBeginEnd.Count);
        Assert.Equal("w5", withBeginEnd[9]);

        Assert.Equal(["<PAD>", "<UNK>", "the"], Vocabulary.Build(Documents, maxSize: 3).Tokens);
        Assert.Equal(["<PAD>", "<UNK>"], Vocabulary.Build(Documents, maxSize: 2).Tokens);
    }

    [Fact]
    public void Build_AddsBeginAndEndAtIds2And3()
    {
        Vocabulary vocabulary = Vocabulary.Build(Documents, addBeginEnd: true);
        Assert.True(vocabulary.HasBeginEnd);
        Assert.Equal(2, vocabulary.BeginId);
        Assert.Equal(3, vocabulary.EndId);
        Assert.Equal(["<PAD>", "<UNK>", "<BOS>", "<EOS>", "the", "sat", "cat", "on", "mat", "dog"], vocabulary.Tokens);
        Assert.Equal(2, vocabulary.GetId("<BOS>"));
        Assert.Equal(3, vocabulary.GetId("<EOS>"));
    }

    [Fact]
    public void Build_CountsSpecialStringsAsTheSpecials()
    {
        string[][] documents = [["<PAD>", "<UNK>", "<UNK>", "x", "<BOS>", "<EOS>", "<PAD>"]];
        Vocabulary plain = Vocabulary.Build(documents);
        Assert.Equal(["<PAD>", "<UNK>", "x"], plain.Tokens);
        Assert.Equal(Vocabulary.UnknownId, plain.GetId("<BOS>"));
        Assert.Equal(Vocabulary.PadId, plain.GetId("<PAD>"));

        Vocabulary withBeginEnd = Vocabulary.Build(documents, addBeginEnd: true);
        Assert.Equal(["<PAD>", "<UNK>", "<BOS>", "<EOS>", "x"], withBeginEnd.Tokens);
    }

    [Fact]
    public void Build_IsCaseSensitive()
    {
        Assert.Equal(["<PAD>", "<UNK>", "The", "the"], Vocabulary.Build([["The", "the"]]).Tokens);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Build_ThrowsForMinCountBelowOne(int minCount)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>("minCount", () => Vocabulary.Build(Documents, minCount: minCount));
        Assert.Contains($"minCount is {minCount}", e.Message);
        Assert.Contains("at least 1", e.Message);
    }

    [Fact]
    public void Build_ThrowsForMaxSizeBelowTheSpecials()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>("maxSize", () => Vocabulary.Build(Documents, maxSize: 1));
        Assert.Contains("maxSize is 1", e.Message);
        Assert.Contains("at least 2", e.Message);

        e = Assert.Throws<ArgumentOutOfRangeException>("maxSize", () => Vocabulary.Build(Documents, maxSize: 3, addBeginEnd: true));
        Assert.Contains("maxSize is 3", e.Message);
        Assert.Contains("at least 4", e.Message);
    }

    [Fact]
    public void Build_ThrowsForNullOrEmptyInput()
    {
        Assert.Throws<ArgumentNullException>("documents", () => Vocabulary.Build(null!));
        var e = Assert.Throws<ArgumentException>("documents", () => Vocabulary.Build([["a"], null!]));
        Assert.Contains("Document 1 is null", e.Message);
        e = Assert.Throws<ArgumentException>("documents", () => Vocabulary.Build([["a", "b", null!]]));
        Assert.Contains("Document 0 has a null token at position 2", e.Message);
        e = Assert.Throws<ArgumentException>("documents", () => Vocabulary.Build([["a"], ["", "b"]]));
        Assert.Contains("Document 1 has an empty token at position 0", e.Message);
    }

    [Fact]
    public void GetId_MapsUnknownTokensToOne()
    {
        Vocabulary vocabulary = Vocabulary.Build(Documents);
        Assert.Equal(2, vocabulary.GetId("the"));
        Assert.Equal(1, vocabulary.GetId("zebra"));
        Assert.Equal(1, vocabulary.GetId("The"));
        Assert.True(vocabulary.TryGetId("dog", out int id));
        Assert.Equal(7, id);
        Assert.False(vocabulary.TryGetId("zebra", out id));
        Assert.Equal(Vocabulary.UnknownId, id);
        Assert.True(vocabulary.Contains("<PAD>"));
        Assert.True(vocabulary.Contains("mat"));
        Assert.False(vocabulary.Contains("zebra"));
        Assert.Throws<ArgumentNullException>("token", () => vocabulary.GetId(null!));
    }

    [Fact]
    public void EncodeDecode_RoundTrip()
    {
        Vocabulary vocabulary = Vocabulary.Build(Documents);
        Assert.Equal([2, 6, 1, 3, 0], vocabulary.Encode(["the", "mat", "zebra", "sat", "<PAD>"]));
        Assert.Equal(["the", "mat", "<UNK>", "sat", "<PAD>"], vocabulary.Decode([2, 6, 1, 3, 0]));
        Assert.Empty(vocabulary.Encode([]));
        Assert.Empty(vocabulary.Decode([]));
    }

    [Fact]
    public void Encode_ThrowsForNullToken()
    {
        Vocabulary vocabulary = Vocabulary.Build(Documents);
        var e = Assert.Throws<ArgumentException>("tokens", () => vocabulary.Encode(["the", null!]));
        Assert.Contains("position 1", e.Message);
        Assert.Throws<ArgumentNullException>("tokens", () => vocabulary.Encode(null!));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(8)]
    public void Decode_ThrowsForIdOutsideTheVocabulary(int bad)
    {
        Vocabulary vocabulary = Vocabulary.Build(Documents);
        var e = Assert.Throws<ArgumentOutOfRangeException>("ids", () => vocabulary.Decode([2, bad]));
        Assert.Contains($"position 1 is {bad}", e.Message);
        Assert.Contains("Count = 8", e.Message);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(8)]
    public void Indexer_ThrowsForIdOutsideTheVocabulary(int bad)
    {
        Vocabulary vocabulary = Vocabulary.Build(Documents);
        Assert.Equal("<UNK>", vocabulary[1]);
        var e = Assert.Throws<ArgumentOutOfRangeException>("id", () => vocabulary[bad]);
        Assert.Contains($"Token id {bad}", e.Message);
        Assert.Contains("Count = 8", e.Message);
    }

    [Fact]
    public void BeginAndEndIds_ThrowWhenAbsent()
    {
        Vocabulary vocabulary = Vocabulary.Build(Documents);
        var e = Assert.Throws<InvalidOperationException>(() => vocabulary.BeginId);
        Assert.Contains("addBeginEnd: true", e.Message);
        e = Assert.Throws<InvalidOperationException>(() => vocabulary.EndId);
        Assert.Contains("EndId", e.Message);
    }

    [Fact]
    public void Tokens_IsReadOnly()
    {
        var tokens = (IList<string>)Vocabulary.Build(Documents).Tokens;
        Assert.True(tokens.IsReadOnly);
        Assert.Throws<NotSupportedException>(() => tokens[2] = "x");
    }

    [Fact]
    public void Save_WritesOneEscapedTokenPerLine()
    {
        Vocabulary vocabulary = Vocabulary.FromTokens(["<PAD>", "<UNK>", "<BOS>", "<EOS>", " ", "\n", "\t", "\r", @"a\b", @"\n", "é"]);
        var writer = new StringWriter();
        vocabulary.Save(writer);
        Assert.Equal("<PAD>\n<UNK>\n<BOS>\n<EOS>\n \n\\n\n\\t\n\\r\na\\\\b\n\\\\n\né\n", writer.ToString());
    }

    [Fact]
    public void SaveLoad_RoundTripsEscapedTokens()
    {
        string[] tokens = ["<PAD>", "<UNK>", " ", "\n", "\r\n", "\t", "\\", @"\n", "a\\tb", "naïve", "😀", "don't"];
        Vocabulary vocabulary = Vocabulary.FromTokens(tokens);
        var writer = new StringWriter();
        vocabulary.Save(writer);
        Vocabulary loaded = Vocabulary.Load(new StringReader(writer.ToString()));
        Assert.Equal(tokens, loaded.Tokens);
        Assert.False(loaded.HasBeginEnd);
        Assert.Equal(3, loaded.GetId("\n"));
    }

    [Fact]
    public void SaveLoad_RoundTripsABuiltVocabularyThroughAUtf8File()
    {
        Vocabulary vocabulary = Vocabulary.Build(
            [CharacterTokenizerTokens("Hi there!\nÇa va? 😀"), CharacterTokenizerTokens("a\tb")], addBeginEnd: true);
        string path = Path.Combine(Path.GetTempPath(), $"mlnetrnn-vocab-{Guid.NewGuid():N}.txt");
        try
        {
            using (var writer = new StreamWriter(path))
            {
                vocabulary.Save(writer);
            }

            using var reader = new StreamReader(path);
            Vocabulary loaded = Vocabulary.Load(reader);
            Assert.Equal(vocabulary.Tokens, loaded.Tokens);
            Assert.True(loaded.HasBeginEnd);
            Assert.Equal(2, loaded.BeginId);
        }
        finally
        {
            File.Delete(path);
        }

        static string[] CharacterTokenizerTokens(string text) => new CharacterTokenizer().Tokenize(text);
    }

    [Fact]
    public void Load_AcceptsCrLfLineEnds()
    {
        Vocabulary loaded = Vocabulary.Load(new StringReader("<PAD>\r\n<UNK>\r\n<BOS>\r\n<EOS>\r\ncat\r\n"));
        Assert.Equal(["<PAD>", "<UNK>", "<BOS>", "<EOS>", "cat"], loaded.Tokens);
        Assert.True(loaded.HasBeginEnd);
    }

    [Theory]
    [InlineData("x\n<UNK>\n", "vocab line 1 is 'x', expected '<PAD>'")]
    [InlineData("<UNK>\n<PAD>\n", "vocab line 1 is '<UNK>', expected '<PAD>'")]
    [InlineData("<PAD>\ncat\n", "vocab line 2 is 'cat', expected '<UNK>'")]
    [InlineData("", "vocab line 1 is missing")]
    [InlineData("<PAD>\n", "vocab line 2 is missing")]
    [InlineData("<PAD>\n<UNK>\ncat\n\ndog\n", "vocab line 4 is empty")]
    [InlineData("<PAD>\n<UNK>\ncat\ndog\ncat\n", "vocab line 5 is 'cat', the same as vocab line 3")]
    [InlineData("<PAD>\n<UNK>\ncat\n<UNK>\n", "vocab line 4 is '<UNK>', the same as vocab line 2")]
    [InlineData("<PAD>\n<UNK>\n<BOS>\n", "vocab line 4 is missing")]
    [InlineData("<PAD>\n<UNK>\n<BOS>\ncat\n", "vocab line 4 is 'cat', expected '<EOS>'")]
    [InlineData("<PAD>\n<UNK>\n<EOS>\n<BOS>\n", "vocab line 3 is '<EOS>', expected '<BOS>'")]
    [InlineData("<PAD>\n<UNK>\ncat\n<BOS>\n", "vocab line 4 is '<BOS>', which is reserved")]
    [InlineData("<PAD>\n<UNK>\na\\qb\n", "vocab line 3 has the unknown escape '\\q'")]
    [InlineData("<PAD>\n<UNK>\nab\\\n", "vocab line 3 has a lone backslash")]
    public void Load_ThrowsForMalformedText(string text, string expectedMessage)
    {
        var e = Assert.Throws<InvalidDataException>(() => Vocabulary.Load(new StringReader(text)));
        Assert.Contains(expectedMessage, e.Message);
    }

    [Fact]
    public void Load_ThrowsForNullReader()
    {
        Assert.Throws<ArgumentNullException>("reader", () => Vocabulary.Load(null!));
        Assert.Throws<ArgumentNullException>("writer", () => Vocabulary.Build(Documents).Save(null!));
    }

    [Fact]
    public void FromTokens_InfersBeginEnd()
    {
        Assert.False(Vocabulary.FromTokens(["<PAD>", "<UNK>", "a"]).HasBeginEnd);
        Assert.True(Vocabulary.FromTokens(["<PAD>", "<UNK>", "<BOS>", "<EOS>"]).HasBeginEnd);
    }

    [Fact]
    public void FromTokens_ThrowsArgumentExceptionNamingTheId()
    {
        var e = Assert.Throws<ArgumentException>("tokensInIdOrder", () => Vocabulary.FromTokens(["<PAD>", "<UNK>", "a", "a"]));
        Assert.Contains("token id 3 is 'a', the same as token id 2", e.Message);
        e = Assert.Throws<ArgumentException>("tokensInIdOrder", () => Vocabulary.FromTokens(["<PAD>", "<UNK>", null!]));
        Assert.Contains("token id 2 is null", e.Message);
        e = Assert.Throws<ArgumentException>("tokensInIdOrder", () => Vocabulary.FromTokens(["<UNK>", "<PAD>"]));
        Assert.Contains("token id 0 is '<UNK>', expected '<PAD>'", e.Message);
        Assert.Throws<ArgumentNullException>("tokensInIdOrder", () => Vocabulary.FromTokens(null!));
    }

    [Fact]
    public void Extend_AppendsNewTokensInOrder_KeepsIds_AndStopsAtMaxSize()
    {
        var vocabulary = Vocabulary.Build([["b", "a", "b"]]);
        var extended = vocabulary.Extend(["a", "<PAD>", "x", "x", "y", "z"], maxSize: 6);
        Assert.Equal(["<PAD>", "<UNK>", "b", "a", "x", "y"], extended.Tokens);
        Assert.Same(vocabulary, vocabulary.Extend(["a", "b"]));
        var error = Assert.Throws<ArgumentException>(() => vocabulary.Extend(["x", ""]));
        Assert.Contains("position 1", error.Message, StringComparison.Ordinal);
    }
}
