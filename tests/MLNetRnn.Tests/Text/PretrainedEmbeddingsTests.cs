using System.Text;
using MLNetRnn.Text;

namespace MLNetRnn.Tests.Text;

public sealed class PretrainedEmbeddingsTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("mlnetrnn-text-");

    public void Dispose() => _directory.Delete(recursive: true);

    private string Write(string text, bool byteOrderMark = false)
    {
        string path = Path.Combine(_directory.FullName, $"{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, text, new UTF8Encoding(byteOrderMark));
        return path;
    }

    private static float[] Vector(PretrainedEmbeddings embeddings, string word)
    {
        Assert.True(embeddings.TryGetVector(word, out ReadOnlyMemory<float> vector), $"'{word}' should have a vector");
        return vector.ToArray();
    }

    [Fact]
    public void Load_ReadsGloVeText()
    {
        string path = Write("the 0.1 0.2 0.3\ncat -1 2.5e-1 3 \r\ndog 0 0 1\n");
        PretrainedEmbeddings embeddings = PretrainedEmbeddings.Load(path);
        Assert.Equal(3, embeddings.Dimension);
        Assert.Equal(3, embeddings.Count);
        Assert.Equal([0.1f, 0.2f, 0.3f], Vector(embeddings, "the"));
        Assert.Equal([-1f, 0.25f, 3f], Vector(embeddings, "cat"));
        Assert.Equal([0f, 0f, 1f], Vector(embeddings, "dog"));
        Assert.False(embeddings.TryGetVector("Cat", out ReadOnlyMemory<float> missing));
        Assert.True(missing.IsEmpty);
    }

    [Fact]
    public void Words_AreInFileOrder_AndSourceNamesTheFile()
    {
        string path = Write("the 0.1 0.2\ncat 1 2\nthe 5 5\ndog 0 1\n");
        PretrainedEmbeddings embeddings = PretrainedEmbeddings.Load(path);
        Assert.Equal(["the", "cat", "dog"], embeddings.Words); // a repeated word keeps its first vector and place
        Assert.Equal(path, embeddings.Source);
    }

    [Fact]
    public void LoadBuiltIn_IsGloVe6B100d_TheTwentyThousandMostFrequentWords_Shared()
    {
        PretrainedEmbeddings builtIn = PretrainedEmbeddings.LoadBuiltIn();
        Assert.Same(builtIn, PretrainedEmbeddings.LoadBuiltIn());
        Assert.Equal(100, builtIn.Dimension);
        Assert.Equal(MLNetRnn.Cli.WordVectors.BuiltInDimension, builtIn.Dimension);
        Assert.Equal(20000, builtIn.Count);
        Assert.Equal(["the", ",", ".", "of", "to"], builtIn.Words.Take(5));
        Assert.Equal(PretrainedEmbeddings.BuiltInName, builtIn.Source);
        float[] the = Vector(builtIn, "the"); // glove.6B.100d.txt's first line: the -0.038194 -0.24487 0.72812 -0.39961 ...
        Assert.Equal([-0.038194f, -0.24487f, 0.72812f, -0.39961f], the.Take(4));
        Assert.All(builtIn.Words, w => Assert.Equal(w, w.ToLowerInvariant()));
    }

    [Fact]
    public void Load_ReadsWord2VecTextWithHeader()
    {
        string path = Write("3 2\na 1 2\nb 3 4\nc 5 -6\n");
        PretrainedEmbeddings embeddings = PretrainedEmbeddings.Load(path);
        Assert.Equal(2, embeddings.Dimension);
        Assert.Equal(3, embeddings.Count);
        Assert.Equal([5f, -6f], Vector(embeddings, "c"));
        Assert.False(embeddings.TryGetVector("3", out _));
    }

    [Fact]
    public void Load_TreatsATwoFieldFirstLineWithAWordAsGloVe()
    {
        PretrainedEmbeddings embeddings = PretrainedEmbeddings.Load(Write("x 2\ny 3\n"));
        Assert.Equal(1, embeddings.Dimension);
        Assert.Equal([2f], Vector(embeddings, "x"));
    }

    [Fact]
    public void Load_ToleratesBomTabsBlankLinesAndExtraSpaces()
    {
        string path = Write("naïve  1\t2 \r\n\r\n   \ncafé 3 4\t\r\n", byteOrderMark: true);
        PretrainedEmbeddings embeddings = PretrainedEmbeddings.Load(path);
        Assert.Equal(2, embeddings.Count);
        Assert.Equal([1f, 2f], Vector(embeddings, "naïve"));
        Assert.Equal([3f, 4f], Vector(embeddings, "café"));
    }

    [Fact]
    public void Load_KeepsTheFirstVectorOfARepeatedWord()
    {
        PretrainedEmbeddings embeddings = PretrainedEmbeddings.Load(Write("a 1 1\nb 2 2\na 3 3\n"));
        Assert.Equal(2, embeddings.Count);
        Assert.Equal([1f, 1f], Vector(embeddings, "a"));
    }

    [Fact]
    public void Load_KeepsOnlyTheRequestedWords()
    {
        string path = Write("4 2\nthe 1 2\ncat 3 4\nThe 5 6\ndog 7 8\n");
        var only = new HashSet<string>(StringComparer.Ordinal) { "the", "dog", "zebra" };
        PretrainedEmbeddings embeddings = PretrainedEmbeddings.Load(path, only);
        Assert.Equal(2, embeddings.Count);
        Assert.Equal(2, embeddings.Dimension);
        Assert.Equal([1f, 2f], Vector(embeddings, "the"));
        Assert.Equal([7f, 8f], Vector(embeddings, "dog"));
        Assert.False(embeddings.TryGetVector("The", out _));
        Assert.False(embeddings.TryGetVector("cat", out _));
    }

    [Fact]
    public void Load_AcceptsAHeaderOnlyFileWithZeroVectors()
    {
        PretrainedEmbeddings embeddings = PretrainedEmbeddings.Load(Write("0 50\n"));
        Assert.Equal(0, embeddings.Count);
        Assert.Equal(50, embeddings.Dimension);
    }

    [Fact]
    public void Apply_CopiesFoundRowsAndLeavesTheRest()
    {
        PretrainedEmbeddings embeddings = PretrainedEmbeddings.Load(Write("the 1 2\ncat 3 4\n<PAD> 9 9\n"));
        Vocabulary vocabulary = Vocabulary.FromTokens(["<PAD>", "<UNK>", "the", "zebra", "cat"]);
        float[] weights = Enumerable.Repeat(7f, 5 * 2).ToArray();

        EmbeddingInitReport report = embeddings.Apply(vocabulary, weights);

        Assert.Equal([7f, 7f, 7f, 7f, 1f, 2f, 7f, 7f, 3f, 4f], weights);
        Assert.Equal(2, report.Found);
        Assert.Equal(2, report.Missing);
        Assert.Equal(["<UNK>", "zebra"], report.MissingSample);
    }

    [Fact]
    public void Apply_SamplesTheFirstTenMissingTokens()
    {
        PretrainedEmbeddings embeddings = PretrainedEmbeddings.Load(Write("w3 1\n"));
        string[] words = Enumerable.Range(0, 15).Select(i => $"w{i}").ToArray();
        Vocabulary vocabulary = Vocabulary.FromTokens(["<PAD>", "<UNK>", .. words]);
        EmbeddingInitReport report = embeddings.Apply(vocabulary, new float[vocabulary.Count]);
        Assert.Equal(1, report.Found);
        Assert.Equal(15, report.Missing);
        Assert.Equal(["<UNK>", "w0", "w1", "w2", "w4", "w5", "w6", "w7", "w8", "w9"], report.MissingSample);
    }

    [Theory]
    [InlineData(9)]
    [InlineData(11)]
    public void Apply_ThrowsForWeightsOfTheWrongSize(int length)
    {
        PretrainedEmbeddings embeddings = PretrainedEmbeddings.Load(Write("the 1 2\n"));
        Vocabulary vocabulary = Vocabulary.FromTokens(["<PAD>", "<UNK>", "the", "a", "b"]);
        var e = Assert.Throws<ArgumentException>("weights", () => embeddings.Apply(vocabulary, new float[length]));
        Assert.Contains($"weights has {length} floats", e.Message);
        Assert.Contains("need 10", e.Message);
        Assert.Throws<ArgumentNullException>("vocabulary", () => embeddings.Apply((Vocabulary)null!, new float[10]));
    }

    [Fact]
    public void Load_ThrowsForDimensionMismatch()
    {
        var e = Assert.Throws<InvalidDataException>(() => PretrainedEmbeddings.Load(Write("a 1 2 3\nb 1 2 3\nc 1 2\n")));
        Assert.Contains("line 3 (word 'c') has 2 values but line 1 has 3", e.Message);

        e = Assert.Throws<InvalidDataException>(() => PretrainedEmbeddings.Load(Write("2 3\na 1 2 3\nb 1 2 3 4\n")));
        Assert.Contains("line 3 (word 'b') has 4 values but the word2vec header on line 1 says 3", e.Message);
    }

    [Theory]
    [InlineData("a 1 2\nb 1 abc\n", "line 2: value 2 of word 'b' is 'abc'")]
    [InlineData("a 1,5 2\n", "line 1: value 1 of word 'a' is '1,5'")]
    [InlineData("a 1 NaN\n", "value 2 of word 'a' is 'NaN'")]
    [InlineData("a 1 1e40\n", "value 2 of word 'a' is '1e40'")]
    [InlineData("a 1 -Infinity\n", "value 2 of word 'a' is '-Infinity'")]
    public void Load_ThrowsForNonNumericValues(string text, string expectedMessage)
    {
        var e = Assert.Throws<InvalidDataException>(() => PretrainedEmbeddings.Load(Write(text)));
        Assert.Contains(expectedMessage, e.Message);
        Assert.Contains("not a finite number", e.Message);
    }

    [Theory]
    [InlineData("a 1\nlonely\n", "line 2 has the word 'lonely' but no values")]
    [InlineData("", "holds no vectors")]
    [InlineData("\n  \n", "holds no vectors")]
    [InlineData("5 2\na 1 2\nb 1 2\nc 1 2\n", "header on line 1 says 5 vectors but the file has 3")]
    [InlineData("1 2\na 1 2\nb 1 2\n", "header on line 1 says 1 vectors but the file has 2")]
    [InlineData("3 0\n", "dimension 0")]
    [InlineData("1 2\nab\0\u0001\u0002 \n", "line 2 holds binary data")]
    public void Load_ThrowsForMalformedFiles(string text, string expectedMessage)
    {
        var e = Assert.Throws<InvalidDataException>(() => PretrainedEmbeddings.Load(Write(text)));
        Assert.Contains(expectedMessage, e.Message);
    }

    [Fact]
    public void Load_ChecksTheDimensionOfSkippedWordsToo()
    {
        var only = new HashSet<string> { "a" };
        var e = Assert.Throws<InvalidDataException>(() => PretrainedEmbeddings.Load(Write("a 1 2\nb 1\n"), only));
        Assert.Contains("line 2 (word 'b') has 1 values but line 1 has 2", e.Message);
    }

    [Fact]
    public void Load_ThrowsForAMissingFile()
    {
        string path = Path.Combine(_directory.FullName, "no-such-vectors.txt");
        var e = Assert.Throws<FileNotFoundException>(() => PretrainedEmbeddings.Load(path));
        Assert.Equal(path, e.FileName);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Load_ThrowsForNullOrEmptyPath()
    {
        Assert.Throws<ArgumentNullException>("path", () => PretrainedEmbeddings.Load(null!));
        Assert.Throws<ArgumentException>("path", () => PretrainedEmbeddings.Load(""));
    }

    [Fact]
    public void TryGetVector_ThrowsForNullWord()
    {
        PretrainedEmbeddings embeddings = PretrainedEmbeddings.Load(Write("a 1\n"));
        Assert.Throws<ArgumentNullException>("word", () => embeddings.TryGetVector(null!, out _));
    }

    [Fact]
    public void Load_ReadsTheRealWord2VecExcerpt()
    {
        // Expected values are copied by hand from the fixture's text (see fixtures/text/README.md).
        string path = Path.Combine(AppContext.BaseDirectory, "fixtures", "text", "word2vec_excerpt.txt");
        PretrainedEmbeddings embeddings = PretrainedEmbeddings.Load(path);
        Assert.Equal(50, embeddings.Count);
        Assert.Equal(200, embeddings.Dimension);

        float[] the = Vector(embeddings, "the");
        Assert.Equal([0.089956f, 0.042445f, 0.221999f], the[..3]);
        Assert.Equal(0.009530f, the[199]);
        float[] but = Vector(embeddings, "But");
        Assert.Equal([0.077907f, -0.023021f], but[..2]);
        Assert.Equal(0.025765f, but[199]);
        Assert.Equal([0.002001f, 0.002210f], Vector(embeddings, "</s>")[..2]);
        Assert.True(embeddings.TryGetVector("Ham.", out _));
        Assert.False(embeddings.TryGetVector("ham.", out _));
    }

    [Fact]
    public void Apply_InitialisesFromTheRealWord2VecExcerpt()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "fixtures", "text", "word2vec_excerpt.txt");
        Vocabulary vocabulary = Vocabulary.Build(
            [new WordTokenizer(new WordTokenizerOptions { LowerCase = false, KeepPunctuation = false }).Tokenize("The King and the ghost")]);
        PretrainedEmbeddings embeddings = PretrainedEmbeddings.Load(path, vocabulary.Tokens.ToHashSet(StringComparer.Ordinal));
        Assert.Equal(3, embeddings.Count); // "The", "and", "the"; "King" is "King." in the file, "ghost" is absent.

        var weights = new float[vocabulary.Count * embeddings.Dimension];
        EmbeddingInitReport report = embeddings.Apply(vocabulary, weights);

        Assert.Equal(3, report.Found);
        Assert.Equal(["<UNK>", "King", "ghost"], report.MissingSample);
        int theRow = vocabulary.GetId("the") * 200;
        Assert.Equal([0.089956f, 0.042445f, 0.221999f], weights[theRow..(theRow + 3)]);
        Assert.All(weights[..200], w => Assert.Equal(0f, w));
    }
}
